import { existsSync } from 'node:fs';
import { isDebuginfodError, type DebuginfodArtifact } from '@elfkit/symbolize';
import { nodeDebuginfod, openElf } from '@elfkit/symbolize/node';
import { defineCommand } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { writeOut } from '../io/output.js';

interface FindArgs {
  id: string;
  kind: string;
  name?: string;
  verbose?: boolean;
}

const KINDS = ['debuginfo', 'executable', 'source', 'section'];

/** A build id given on the command line, or the build id of the ELF file at that path (as debuginfod-find takes either). */
function buildIdOf(arg: string): string {
  if (/^[0-9a-fA-F]+$/.test(arg) && !existsSync(arg)) return arg.toLowerCase();
  if (!existsSync(arg)) throw new CliError(`${arg}: neither a build id (hex) nor a file`);
  const o = openElf(arg);
  try {
    const id = o.elf.buildId();
    if (!id) throw new CliError(`${arg}: no GNU build id note`);
    return id.toLowerCase();
  } finally {
    o.close();
  }
}

export const debuginfodFindCommand = defineCommand({
  command: 'find <id> <kind> [name]',
  describe: 'print the cached path of a debug file, executable, source file or section, fetching it from DEBUGINFOD_URLS when not cached (like debuginfod-find)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'build id (hex) or an ELF file whose build id to use' })
      .positional('kind', { type: 'string', demandOption: true, describe: 'debuginfo, executable, source or section' })
      .positional('name', { type: 'string', describe: 'source: the absolute path as the DWARF names it; section: the section name' })
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'trace the lookup on stderr (as DEBUGINFOD_VERBOSE)' })
      .example('$0 debuginfod find ./app debuginfo', '')
      .example('$0 debuginfod find 8f3a…e2 source /src/app/main.c', '')
      .example('$0 debuginfod find ./app section .debug_line', ''),
  handler: async (a: FindArgs) => {
    let { id, kind, name } = a;
    // debuginfod-find's order (`debuginfo ID`, `source ID PATH`) works too.
    if (KINDS.includes(id) && !KINDS.includes(kind)) [id, kind] = [kind, id];
    if (!KINDS.includes(kind)) throw new UsageError(`unknown kind '${kind}' (debuginfo, executable, source PATH or section NAME)`);
    let artifact: DebuginfodArtifact;
    if (kind === 'source' || kind === 'section') {
      if (!name) throw new UsageError(kind === 'source' ? 'source needs the file\'s absolute path' : 'section needs a section name');
      artifact = kind === 'source' ? { kind, path: name } : { kind, name };
    } else {
      if (name !== undefined) throw new UsageError(`${kind} takes no name`);
      artifact = { kind: kind as 'debuginfo' | 'executable' };
    }
    const buildId = buildIdOf(id);
    const env = a.verbose ? { ...process.env, DEBUGINFOD_VERBOSE: '1' } : process.env;
    const client = nodeDebuginfod({ env });
    try {
      const f = await client.find(buildId, artifact);
      writeOut(`${f.path}\n`);
    } catch (e) {
      if (isDebuginfodError(e)) throw new CliError(e.message);
      throw e;
    }
  },
});
