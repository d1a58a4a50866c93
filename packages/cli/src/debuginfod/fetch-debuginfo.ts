import type { Argv } from 'yargs';
import type { ElfFile } from '@elfkit/elf';
import { dwarfSearch, hasDwarf, isDebuginfodError, runSearch, type DebuginfodClient } from '@elfkit/symbolize';
import { debuginfodConfigured, nodeDebuginfod, NodeDebugHost } from '@elfkit/symbolize/node';

/** `--debuginfod` / `--no-debuginfod` (default: on when DEBUGINFOD_URLS names a server, as LLVM's tools do). */
export function debuginfodOption<T>(y: Argv<T>) {
  return y.option('debuginfod', {
    type: 'boolean',
    describe: 'fetch debug files not found locally from the servers in DEBUGINFOD_URLS (default: on when it is set)',
  });
}

/** The client when `--debuginfod` (or its default) asks for one. */
export function debuginfodClient(flag: boolean | undefined): DebuginfodClient | undefined {
  return flag ?? debuginfodConfigured() ? nodeDebuginfod() : undefined;
}

/** Prints why a fetch failed, unless the servers simply do not have the file. */
function warn(e: unknown, what: string): void {
  if (isDebuginfodError(e) && e.code === 'not-found') return;
  process.stderr.write(`elfkit: debuginfod: ${what}: ${(e as Error).message}\n`);
}

/**
 * Fetches the debug file of a binary that has no DWARF and whose separate
 * debug file is nowhere local, so that the synchronous DWARF commands find
 * it: the answer is the `fetched` lookup of `openDwarf`'s options (the
 * cached path by build id), or undefined when nothing was needed or found.
 */
export async function fetchDebuginfo(
  elf: ElfFile,
  path: string,
  debugFileDirectory: string[] | undefined,
  flag: boolean | undefined,
): Promise<((buildId: string) => string | undefined) | undefined> {
  const client = debuginfodClient(flag);
  if (!client) return undefined;
  let buildId: string | undefined;
  try {
    if (hasDwarf(elf)) return undefined;
    buildId = elf.buildId()?.toLowerCase();
  } catch {
    return undefined;
  }
  if (!buildId) return undefined;
  const host = new NodeDebugHost();
  try {
    if (runSearch(dwarfSearch(elf, path, { debugFileDirectory }), host)) return undefined;
  } finally {
    host.close();
  }
  try {
    const f = await client.find(buildId, { kind: 'debuginfo' });
    return (id) => (id === buildId ? f.path : undefined);
  } catch (e) {
    warn(e, `${path}: debuginfo ${buildId}`);
    return undefined;
  }
}

/**
 * Fetches the executables and libraries of the given build ids (the files a
 * core names that are missing or another build); the answer maps each
 * fetched build id to its cached path.
 */
export async function fetchExecutables(buildIds: readonly string[], flag: boolean | undefined): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const client = debuginfodClient(flag);
  if (!client || !buildIds.length) return found;
  await Promise.all(
    [...new Set(buildIds.map((b) => b.toLowerCase()))].map(async (id) => {
      try {
        found.set(id, (await client.find(id, { kind: 'executable' })).path);
      } catch (e) {
        warn(e, `executable ${id}`);
      }
    }),
  );
  return found;
}
