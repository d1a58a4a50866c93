// The index cache from the command line: concurrent --fill-cache writers
// leave one whole file; warm runs of `symbolize` and `addr2line` print
// exactly what cold ones do; --no-cache and ELFKIT_INDEX_CACHE=0 write nothing;
// the default folder is $XDG_CACHE_HOME/elfkit; after a cold run over a
// large module the cache is filled in the background. Every run points the
// cache at a temporary folder (the test runner turns it off otherwise).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, skip } from '@elfkit/fixtures';
import { ELFKIT, elfkit } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'elfkit-cli-index-cache-'));
const GO = fixturePath('go/go1.27-amd64-cgo');
const C = fixturePath('c/gcc-O2');
const DOCKER = '/usr/local/bin/docker';

/** The environment of a run with the cache on in `cacheDir`. */
function env(cacheDir: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ELFKIT_INDEX_CACHE: '1', ELFKIT_CACHE_DIR: cacheDir, ...more };
  for (const [k, v] of Object.entries(more)) if (v === undefined) delete e[k];
  return e;
}

function indexFiles(cacheDir: string): string[] {
  const d = join(cacheDir, 'index');
  return existsSync(d) ? readdirSync(d) : [];
}

/** Every line-row-ish address: a few thousand spread over the fixture's text, as `0x…` lines. */
function input(path: string): Buffer {
  const r = elfkit(['lines', path, '--json']);
  const rows = JSON.parse(r.stdout) as { address: string }[] | { rows?: { address: string }[] };
  const list = Array.isArray(rows) ? rows : (rows.rows ?? []);
  const out = new Set<string>();
  for (const row of list) {
    const a = BigInt(row.address);
    out.add(`0x${a.toString(16)}`);
    out.add(`0x${(a + 1n).toString(16)}`);
  }
  assert.ok(out.size > 20, `${path}: ${out.size} addresses`);
  return Buffer.from([...out].join('\n') + '\n');
}

function run(args: string[], cacheDir: string, stdin?: Buffer, more?: NodeJS.ProcessEnv) {
  return elfkit(args, { env: env(cacheDir, more), input: stdin });
}

test('concurrent --fill-cache writers leave one whole file, and warm answers equal cold ones', async () => {
  const at = join(dir, 'concurrent');
  const codes = await Promise.all(
    Array.from({ length: 4 }, () => new Promise<number>((resolve) => {
      const c = spawn(process.execPath, [ELFKIT, 'symbolize', '--fill-cache', `--obj=${GO}`], { env: env(at), stdio: 'ignore' });
      c.on('close', (code) => resolve(code ?? -1));
    })),
  );
  assert.equal(codes, [0, 0, 0, 0]);
  const files = indexFiles(at);
  assert.is(files.length, 1, `files: ${files}`);
  assert.ok(files[0]!.endsWith('.idx'));
  const stdin = input(GO);
  for (const args of [['symbolize', '--output-style=JSON', `--obj=${GO}`], ['addr2line', '-f', '-i', '-a', '-e', GO], ['symbolize', '--inlines', `--obj=${GO}`]]) {
    const cold = run([...args, '--no-cache'], at, stdin);
    const warm = run(args, at, stdin);
    assert.is(cold.status, 0, cold.stderr);
    assert.is(warm.status, 0, warm.stderr);
    assert.is(warm.stdout, cold.stdout, args.join(' '));
    assert.is(warm.stderr, cold.stderr);
  }
});

test('a C fixture: warm addr2line and symbolize print what cold ones do', () => {
  const at = join(dir, 'c');
  assert.is(run(['symbolize', '--fill-cache', `--obj=${C}`], at).status, 0);
  assert.is(indexFiles(at).length, 1);
  const stdin = input(C);
  for (const args of [['addr2line', '-f', '-i', '-e', C], ['symbolize', '--output-style=JSON', `--obj=${C}`]]) {
    const cold = run([...args, '--no-cache'], at, stdin);
    assert.is(run(args, at, stdin).stdout, cold.stdout, args.join(' '));
  }
});

test('--no-cache and ELFKIT_INDEX_CACHE=0 write nothing; --cache-dir chooses the folder', () => {
  const at = join(dir, 'off');
  const r = run(['symbolize', '--fill-cache', '--no-cache', `--obj=${GO}`], at);
  assert.is(r.status, 1);
  assert.match(r.stderr, /not cached/);
  assert.is(run(['symbolize', '--fill-cache', `--obj=${GO}`], at, undefined, { ELFKIT_INDEX_CACHE: '0' }).status, 1);
  assert.equal(indexFiles(at), []);
  const other = join(dir, 'chosen');
  assert.is(run(['symbolize', '--fill-cache', `--obj=${GO}`, `--cache-dir=${other}`], at).status, 0);
  assert.equal(indexFiles(at), []);
  assert.is(indexFiles(other).length, 1);
});

test('without ELFKIT_CACHE_DIR the index goes to $XDG_CACHE_HOME/elfkit/index', () => {
  const xdg = join(dir, 'xdg');
  const r = elfkit(['symbolize', '--fill-cache', `--obj=${GO}`], { env: env('', { ELFKIT_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg }) });
  assert.is(r.status, 0, r.stderr);
  assert.is(indexFiles(join(xdg, 'elfkit')).length, 1);
});

test('after a cold run over a large module, the index is written in the background', async () => {
  if (!existsSync(DOCKER)) return skip('background fill', `${DOCKER} (the Go docker CLI, 22 MB of DWARF) is not on this machine`);
  const at = join(dir, 'background');
  const r = run(['addr2line', '-f', '-e', DOCKER, '0x401000'], at);
  assert.is(r.status, 0, r.stderr);
  // The run did not wait for it: the file appears later (the fill decodes all 22 MB of DWARF).
  for (let t = 0; t < 240 && !indexFiles(at).some((f) => f.endsWith('.idx')); t++) await new Promise((res) => setTimeout(res, 500));
  assert.is(indexFiles(at).filter((f) => f.endsWith('.idx')).length, 1);
  const warm = run(['addr2line', '-f', '-e', DOCKER, '0x401000'], at);
  assert.is(warm.stdout, r.stdout);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
