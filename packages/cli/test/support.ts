/**
 * Shared helpers for the CLI tests that run elfkit against native tools:
 * the built CLI, scratch directories, and tools fetched once from Debian
 * into `.cache/` by scripts/fetch-deb.sh (never installed system-wide).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, repoRoot, run, skip, which } from '@elfkit/fixtures';

export { elfkit, ELFKIT as elfkitBin } from './cli.js';

/** A fresh scratch directory under the system temp dir. */
export function scratch(prefix = 'elfkit-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** sha256 of a file, hex. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const fetched = new Map<string, string | undefined>();

/**
 * Fetches Debian packages of `suite` into `.cache/root/<suite>` (once) and
 * returns that root; undefined, with a SKIP line, when that is impossible
 * (no network, no apt-get).
 */
export function debRoot(suite: string, packages: string[], what: string): string | undefined {
  const key = `${suite} ${packages.join(' ')}`;
  if (fetched.has(key)) return fetched.get(key);
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'fetch-deb.sh'), suite, ...packages], { encoding: 'utf8' });
  const root = r.status === 0 ? String(r.stdout).trim().split('\n').pop() : undefined;
  if (!root) skip(what, `cannot fetch ${packages.join(', ')} from Debian ${suite}: ${String(r.stderr).trim().split('\n').pop()}`);
  fetched.set(key, root);
  return root;
}

/** A binary already unpacked by an earlier fetch: no apt run (and no race with another one) needed. */
function cached(suite: string, ...path: string[]): string | undefined {
  const p = join(cacheDir, 'root', suite, ...path);
  return existsSync(p) ? p : undefined;
}

/** cosign 3 from Debian sid (trixie's 2.x as a fallback); undefined with a SKIP line when neither can be fetched. */
export function cosignPath(what: string): string | undefined {
  for (const suite of ['sid', 'trixie']) {
    const hit = cached(suite, 'usr', 'bin', 'cosign');
    if (hit) return hit;
    const root = debRoot(suite, ['cosign'], what);
    const bin = root && join(root, 'usr', 'bin', 'cosign');
    if (bin && existsSync(bin)) return bin;
  }
  return undefined;
}

/** elfutils (eu-elflint, eu-strip) from Debian bookworm with its libraries, run through LD_LIBRARY_PATH. */
export interface Elfutils {
  bin(name: string): string;
  env: NodeJS.ProcessEnv;
}

export function elfutils(what: string): Elfutils | undefined {
  const root = cached('bookworm', 'usr', 'lib', 'x86_64-linux-gnu', 'libasm.so.1') && cached('bookworm', 'usr', 'bin', 'eu-elflint') ? join(cacheDir, 'root', 'bookworm') : debRoot('bookworm', ['elfutils', 'libelf1', 'libdw1', 'libasm1'], what);
  if (!root || !existsSync(join(root, 'usr', 'bin', 'eu-elflint'))) return undefined;
  const lib = join(root, 'usr', 'lib', 'x86_64-linux-gnu');
  return { bin: (name) => join(root, 'usr', 'bin', name), env: { ...process.env, LD_LIBRARY_PATH: lib } };
}

/** delve 1.20 (Debian bookworm's `dlv`, a static binary); undefined with a SKIP line when it cannot be fetched. */
export function delvePath(what: string): string | undefined {
  const hit = which('dlv') ?? cached('bookworm', 'usr', 'bin', 'dlv');
  if (hit) return hit;
  const root = debRoot('bookworm', ['delve'], what);
  const bin = root && join(root, 'usr', 'bin', 'dlv');
  return bin && existsSync(bin) ? bin : undefined;
}

/** A native tool on PATH, or undefined with a SKIP line. */
export function tool(name: string, what: string): string | undefined {
  const p = which(name);
  if (!p) skip(what, `${name} is not on PATH`);
  return p;
}

/** The stamp-reading C program (fixtures/src/stamp/read-stamp.c) built with the machine's gcc, once per source version. */
export function stampReader(variant: 'pie' | 'nopie' | 'static', what: string): string | undefined {
  const gcc = tool('gcc', what);
  if (!gcc) return undefined;
  const src = join(repoRoot, 'fixtures', 'src', 'stamp', 'read-stamp.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  const dir = join(cacheDir, 'stamp-reader', hash);
  const out = join(dir, `read-stamp-${variant}`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const flags = { pie: ['-fPIE', '-pie'], nopie: ['-fno-PIE', '-no-pie'], static: ['-static'] }[variant];
  const r = run(gcc, ['-O2', '-g', ...flags, '-o', out + '.tmp', src]);
  if (r.status !== 0) {
    skip(what, `gcc cannot build the ${variant} stamp reader: ${r.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  run('mv', [out + '.tmp', out]);
  return out;
}
