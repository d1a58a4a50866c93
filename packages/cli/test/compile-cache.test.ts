// The bundled CLI's code cache (src/bundle-loader.ts): made in the cache
// folder after a run, used by the next, and never in the way — a damaged
// cache, an unwritable folder or ELFKIT_COMPILE_CACHE=0 give the same output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, repoRoot } from '@elfkit/fixtures';

const pkg = join(repoRoot, 'packages', 'cli');
/** The bin that `npm install -g` links (package.json's), which the start-up bench measures. */
const BIN = join(pkg, JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin.elfkit as string);
const FILE = fixturePath('c/gcc-dwarf5');

function run(args: string[], env: NodeJS.ProcessEnv) {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete e.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { env: e, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache files under `dir` (one folder per Node version and architecture). */
function caches(dir: string): string[] {
  const v8 = join(dir, 'v8', `${process.version}-${process.arch}`);
  try {
    return readdirSync(v8).map((f) => join(v8, f));
  } catch {
    return [];
  }
}

const dir = mkdtempSync(join(tmpdir(), 'elfkit-cache-'));
const plain = run(['sections', FILE], { ELFKIT_COMPILE_CACHE: '0', ELFKIT_CACHE_DIR: dir });

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ELFKIT_COMPILE_CACHE=0 writes nothing', () => {
  assert.is(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /\.debug_info/);
  assert.equal(caches(dir), []);
});

test('a run leaves a cache per bundle it ran (main and the command), private to the user, and the next run keeps it', () => {
  const first = run(['sections', FILE], { ELFKIT_CACHE_DIR: dir });
  assert.is(first.status, 0, first.stderr);
  assert.is(first.stdout, plain.stdout);
  const made = caches(dir);
  const names = made.map((f) => f.split('/').pop()!);
  assert.ok(names.some((n) => /^main\.[0-9a-f]{16}\.bin$/.test(n)), names.join(' '));
  assert.ok(names.some((n) => /^commands-sections\.[0-9a-f]{16}\.bin$/.test(n)), names.join(' '));
  assert.not.ok(names.some((n) => n.includes('dwarf') || n.includes('yargs')), 'only what ran');
  for (const f of made) assert.is(statSync(f).mode & 0o777, 0o600, f);
  const before = made.map((f) => statSync(f).mtimeMs);
  const second = run(['sections', FILE], { ELFKIT_CACHE_DIR: dir });
  assert.is(second.stdout, plain.stdout);
  // An accepted cache is not written again.
  assert.equal(made.map((f) => statSync(f).mtimeMs), before);
});

test('a damaged cache is refused by V8, the output is the same, and the cache is made anew', () => {
  const sections = caches(dir).find((f) => f.includes('commands-sections.'))!;
  writeFileSync(sections, Buffer.alloc(4096, 0x5a));
  const r = run(['sections', FILE], { ELFKIT_CACHE_DIR: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, plain.stdout);
  assert.is.not(readFileSync(sections).subarray(0, 64).toString('hex'), Buffer.alloc(64, 0x5a).toString('hex'));
});

test('an unwritable cache folder only means no cache', () => {
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  const r = run(['sections', FILE], { ELFKIT_CACHE_DIR: file });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, plain.stdout);
  assert.is(r.stderr, '');
});

test('without ELFKIT_CACHE_DIR the cache goes to $XDG_CACHE_HOME/elfkit', () => {
  const xdg = join(dir, 'xdg');
  const r = run(['segments', FILE], { ELFKIT_CACHE_DIR: '', XDG_CACHE_HOME: xdg });
  assert.is(r.status, 0, r.stderr);
  assert.ok(caches(join(xdg, 'elfkit')).some((f) => f.includes('commands-segments.')));
});


test('no bundle calls import(): code run from the cache loses vm importModuleDynamically on Node 20', () => {
  // `elfkit debuginfod find` with a warm cache failed with "A dynamic import callback was not specified"
  // at its lazy import('node:http'); scripts/bundle.mjs turns import() into require().
  const bundles = join(pkg, 'dist', 'bundle');
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.cjs') && /\bimport\(/.test(readFileSync(p, 'latin1'))) found.push(p);
    }
  };
  walk(bundles);
  assert.equal(found, []);
});

test.run();
