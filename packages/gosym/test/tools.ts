// Test helper: oracle tools (the newest Go, llvm-dwarfdump/objdump) and the
// third-party Go binaries (esbuild from npm).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { goRoot, repoRoot, run, which } from '@elfkit/fixtures';

let goBin: string | null | undefined;

/** `go` of the newest toolchain (fetched into .cache once), or undefined. */
export function newestGo(): string | undefined {
  if (goBin === undefined) {
    const root = goRoot('1.27');
    goBin = root ? join(root, 'bin', 'go') : null;
  }
  return goBin ?? undefined;
}

/** Environment for running the cached Go toolchain without touching the network or $HOME. */
export function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOCACHE: join(repoRoot, '.cache', 'go', 'build-cache'), GOTELEMETRY: 'off' };
}

/** One esbuild binary pinned by scripts/esbuild-fixtures.mjs. */
export interface EsbuildFixture {
  name: string;
  path: string;
  arch: string;
  goVersion: string;
  magic: string;
  notes?: string;
}

/** The pinned esbuild binaries (fetched with npm pack when missing), or undefined with the reason. */
export async function esbuildBinaries(): Promise<EsbuildFixture[] | string> {
  try {
    const mod = (await import(pathToFileURL(join(repoRoot, 'scripts', 'esbuild-fixtures.mjs')).href)) as {
      esbuildFixtures(): Promise<EsbuildFixture[]>;
      ESBUILD_FIXTURES: readonly { name: string; notes?: string }[];
    };
    const notes = new Map(mod.ESBUILD_FIXTURES.map((e) => [e.name, e.notes]));
    return (await mod.esbuildFixtures()).map((b) => ({ ...b, notes: notes.get(b.name) }));
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

/** A row of a DWARF line table: `end` marks the first address past a sequence. */
export interface DwarfRow {
  pc: number;
  file: string;
  line: number;
  end: boolean;
}

/**
 * The DWARF line rows of `file` from `llvm-dwarfdump --debug-line`, with
 * file names joined to their include directory as the pclntab spells them
 * (`.`/compilation directory: the bare name). Sorted by address, an
 * end_sequence before a row at the same address. Undefined without the tool.
 */
export function dwarfLineRows(file: string): DwarfRow[] | undefined {
  if (!which('llvm-dwarfdump')) return undefined;
  const out = run('llvm-dwarfdump', ['--debug-line', file]).stdout;
  const rows: DwarfRow[] = [];
  let dirs: string[] = [];
  let files: { name: string; dir: number }[] = [];
  let cur: { name: string; dir: number } | undefined;
  let version = 0;
  for (const line of out.split('\n')) {
    let m: RegExpExecArray | null;
    if (line.startsWith('debug_line[')) {
      dirs = [];
      files = [];
      cur = undefined;
    } else if ((m = /^\s+version: (\d+)$/.exec(line))) version = Number(m[1]);
    else if ((m = /^include_directories\[\s*(\d+)\] = "(.*)"$/.exec(line))) dirs[Number(m[1])] = m[2]!;
    else if ((m = /^file_names\[\s*(\d+)\]:$/.exec(line))) files[Number(m[1])] = cur = { name: '', dir: 0 };
    else if (cur && (m = /^\s+name: "(.*)"$/.exec(line))) cur.name = m[1]!;
    else if (cur && (m = /^\s+dir_index: (\d+)$/.exec(line))) cur.dir = Number(m[1]);
    else if ((m = /^0x([0-9a-f]+)\s+(\d+)\s+\d+\s+(\d+)\s+\d+\s+\d+\s*(.*)$/.exec(line))) {
      const fe = files[Number(m[3])];
      const d = fe ? (fe.dir ? dirs[fe.dir] : version >= 5 ? dirs[0] : undefined) : undefined;
      const path = !fe ? '?' : !d || d === '.' ? fe.name : `${d}/${fe.name}`;
      rows.push({ pc: parseInt(m[1]!, 16), line: Number(m[2]), file: path, end: m[4]!.includes('end_sequence') });
    }
  }
  rows.sort((a, b) => a.pc - b.pc || Number(b.end) - Number(a.end));
  return rows;
}

/** The DWARF row in effect at `pc`, or undefined outside every sequence. */
export function dwarfRowAt(rows: readonly DwarfRow[], pc: number): DwarfRow | undefined {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.pc > pc) hi = mid;
    else lo = mid + 1;
  }
  const r = rows[lo - 1];
  return !r || r.end ? undefined : r;
}

/** A deterministic PRNG (LCG) so that sampled PCs are the same in every run. */
export function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
}
