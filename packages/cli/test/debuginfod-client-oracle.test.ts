// elfkit's debuginfod client against elfutils: the real `debuginfod`
// server (Debian package `debuginfod`, installed by apt-get when the tests
// run as root) on 127.0.0.1 serves a directory of fixtures; elfkit and
// `debuginfod-find` fetch the same files into separate caches and must get
// the same bytes under the same names; then each reads the other's cache
// without a request (the server's /metrics counts them).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { fixturePath, skip, which } from '@elfkit/fixtures';
import { elfkit } from './cli.js';
import { makeCore } from './core-programs.js';

/** `debuginfod` and `debuginfod-find`, installed with apt-get when missing and root; else the reason. */
function tools(): { server: string; find: string } | { reason: string } {
  let server = which('debuginfod');
  if (!server && process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    spawnSync('apt-get', [...lock, 'update', '-qq'], { env });
    const r = spawnSync('apt-get', [...lock, 'install', '-y', '-qq', 'debuginfod'], { encoding: 'utf8', env });
    if (r.status !== 0) return { reason: `apt-get install debuginfod failed: ${String(r.stderr).trim().split('\n').pop()}` };
    server = which('debuginfod');
  }
  const find = which('debuginfod-find');
  if (!server || !find) return { reason: 'debuginfod not installed (apt-get install debuginfod; needs root)' };
  return { server, find };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

const work = mkdtempSync(join(tmpdir(), 'elfkit-dclient-'));
const srv = join(work, 'srv');
let server: ChildProcess | undefined;
let base = '';
let found: { server: string; find: string } | { reason: string } = { reason: 'not set up' };

interface Target {
  name: string;
  buildId: string;
  /** What to ask for, as debuginfod-find's arguments after the build id. */
  asks: string[][];
}
const targets: Target[] = [];
let coreFile: string | undefined;

function buildIdOf(path: string): string {
  return ElfFile.parse(new Uint8Array(readFileSync(path))).buildId()!;
}

/** The server's request count (every endpoint but /metrics). */
async function requests(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^http_requests_total\{type="([^"]+)"\} (\d+)/gm)) if (m[1] !== 'metrics') n += Number(m[2]);
  return n;
}

test.before(async () => {
  found = tools();
  if ('reason' in found) return;
  mkdirSync(srv);
  // Fixtures: a stripped executable with its separate debug file, and binaries that carry their own DWARF.
  for (const f of ['c/gcc-stripped', 'c/gcc-stripped.debug', 'c/gcc-O2', 'cpp/gxx-dwarf5']) {
    if (!existsSync(fixturePath(f))) continue;
    copyFileSync(fixturePath(f), join(srv, f.replace('/', '-')));
  }
  targets.push(
    { name: 'gcc-stripped', buildId: buildIdOf(join(srv, 'c-gcc-stripped')), asks: [['debuginfo'], ['executable'], ['section', '.debug_info'], ['section', '.text'], ['source', '/elfkit/fixtures/src/c/main.c']] },
    { name: 'gcc-O2', buildId: buildIdOf(join(srv, 'c-gcc-O2')), asks: [['executable'], ['debuginfo'], ['section', '.debug_line']] },
  );
  // A program whose sources exist on this machine (debuginfod serves sources from disk), in a directory whose name needs escaping.
  const gcc = which('gcc');
  if (gcc) {
    const dir = join(work, 'src dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'h#x.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
    const full = join(work, 'hello.full');
    const cc = spawnSync(gcc, ['-g', '-O0', '-Wl,--build-id=sha1', '-o', full, join(dir, 'h#x.c')], { encoding: 'utf8' });
    if (cc.status === 0) {
      spawnSync('objcopy', ['--only-keep-debug', full, join(srv, 'hello.debug')]);
      spawnSync('objcopy', ['--strip-debug', `--add-gnu-debuglink=${join(srv, 'hello.debug')}`, full, join(srv, 'hello')]);
      mkdirSync(join(work, 'solo'));
      copyFileSync(join(srv, 'hello'), join(work, 'solo', 'hello'));
      targets.push({ name: 'hello', buildId: buildIdOf(full), asks: [['source', join(dir, 'h#x.c')], ['section', '.debug_line'], ['debuginfo'], ['executable']] });
    }
    // A crashing program whose core names an executable this machine no longer has at that path; the server has it.
    const crash = join(work, 'bin', 'crash');
    mkdirSync(join(work, 'bin'));
    writeFileSync(join(dir, 'crash.c'), 'volatile int *p;\nint main(void) { return *p; }\n');
    if (spawnSync(gcc, ['-g', '-O0', '-Wl,--build-id=sha1', '-o', crash, join(dir, 'crash.c')]).status === 0) {
      const core = makeCore(crash, [], join(work, 'core'));
      if ('path' in core) {
        copyFileSync(crash, join(srv, 'crash'));
        renameSync(crash, crash + '.moved');
        coreFile = core.path;
      } else skip('debuginfod in elfkit core', core.error);
    }
  } else skip('debuginfod source fetch of a built program', 'gcc not installed');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = openSync(join(work, 'server.log'), 'w');
  server = spawn(found.server, ['-F', '-t', '0', '-g', '0', '-p', String(port), '-d', join(work, 'db.sqlite'), srv], { stdio: ['ignore', log, log] });
  // Stopped by its pid even when a test throws or the run is cut short.
  process.on('exit', stopServer);
  // Ready when the scan has seen every file and has no work left.
  const files = readdirSync(srv).length;
  for (let i = 0; i < 300; i++) {
    try {
      const m = await (await fetch(`${base}/metrics`)).text();
      const scanned = Number(/^scanned_files_total\{source="file"\} (\d+)/m.exec(m)?.[1] ?? 0);
      if (scanned >= files && /^thread_work_pending\{role="scan"\} 0/m.test(m)) break;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
});

function stopServer(): void {
  if (server?.pid && server.exitCode === null && !server.killed) server.kill('SIGTERM');
}

test.after(() => {
  stopServer();
  rmSync(work, { recursive: true, force: true });
});

const env = (cache: string, extra: Record<string, string> = {}) => ({ ...process.env, DEBUGINFOD_URLS: base, DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_TIMEOUT: '10', ...extra });

function theirFind(cache: string, args: string[]) {
  return spawnSync((found as { find: string }).find, args, { encoding: 'utf8', env: env(cache) });
}

test('elfkit and debuginfod-find fetch the same bytes under the same cache names (debuginfo, executable, source, section)', async () => {
  if ('reason' in found) return skip('debuginfod client oracle', found.reason);
  const theirs = join(work, 'cache-theirs');
  const ours = join(work, 'cache-ours');
  let compared = 0;
  const notFound: string[] = [];
  for (const t of targets) {
    for (const ask of t.asks) {
      const [kind, name] = ask as [string, string | undefined];
      const a = theirFind(theirs, [kind, t.buildId, ...(name ? [name] : [])]);
      const b = elfkit(['debuginfod', 'find', t.buildId, kind, ...(name ? [name] : [])], { env: env(ours) });
      const what = `${t.name} ${ask.join(' ')}`;
      assert.is(b.status === 0, a.status === 0, `${what}: debuginfod-find exit ${a.status} (${a.stderr.trim()}), elfkit exit ${b.status} (${b.stderr.trim()})`);
      if (a.status !== 0) {
        notFound.push(what);
        assert.is(b.stderr.trim().split('\n').length, 1, `${what}: one line: ${b.stderr}`);
        continue;
      }
      const pa = a.stdout.trim();
      const pb = b.stdout.trim();
      assert.is(relative(ours, pb), relative(theirs, pa), `${what}: the same name in the cache`);
      assert.ok(Buffer.compare(readFileSync(pa), readFileSync(pb)) === 0, `${what}: the same bytes`);
      compared++;
    }
  }
  // The fixtures' sources are not on this machine (their DWARF names /elfkit/fixtures/src): both miss them alike.
  assert.ok(compared >= 6, `${compared} files compared`);
  assert.ok(notFound.every((w) => w.includes(' source ')), `only sources that are not on disk may miss: ${notFound.join(', ')}`);
  // The remembered misses are the same empty files.
  for (const w of notFound) {
    const t = targets.find((x) => w.startsWith(x.name + ' '))!;
    const file = readdirSync(join(theirs, t.buildId)).find((f) => f.startsWith('source'))!;
    assert.is(statSync(join(ours, t.buildId, file)).size, 0, `${w}: elfkit remembers the miss as ${file}`);
  }
  console.log(`  debuginfod-find vs elfkit: ${compared} files byte-identical, ${notFound.length} misses alike`);
});

test("each reads the other's cache with no request to the server (files and remembered misses)", async () => {
  if ('reason' in found) return skip('debuginfod cache sharing', found.reason);
  const theirs = join(work, 'cache-theirs');
  const ours = join(work, 'cache-ours');
  const before = await requests();
  let reads = 0;
  for (const t of targets) {
    for (const ask of t.asks) {
      const [kind, name] = ask as [string, string | undefined];
      const args = [kind, t.buildId, ...(name ? [name] : [])];
      const a = theirFind(ours, args);
      const b = elfkit(['debuginfod', 'find', t.buildId, kind, ...(name ? [name] : [])], { env: env(theirs) });
      assert.is(a.status, b.status, `${t.name} ${ask.join(' ')}: both find it, or both remember the miss`);
      if (a.status === 0) {
        assert.ok(a.stdout.trim().startsWith(ours + '/'), `debuginfod-find answered from elfkit's cache: ${a.stdout}`);
        assert.ok(b.stdout.trim().startsWith(theirs + '/'), `elfkit answered from debuginfod-find's cache: ${b.stdout}`);
      }
      reads += 2;
    }
  }
  assert.is(await requests(), before, `no request for ${reads} cached answers`);
});

test('an unknown build id: both miss, both remember it, neither asks again within cache_miss_s', async () => {
  if ('reason' in found) return skip('debuginfod misses', found.reason);
  const theirs = join(work, 'miss-theirs');
  const ours = join(work, 'miss-ours');
  const id = '00'.repeat(20);
  const a = theirFind(theirs, ['debuginfo', id]);
  const b = elfkit(['debuginfod', 'find', id, 'debuginfo'], { env: env(ours) });
  assert.is.not(a.status, 0);
  assert.is(b.status, 1);
  assert.match(b.stderr, /not found/);
  assert.is(statSync(join(ours, id, 'debuginfo')).size, 0);
  assert.is(statSync(join(theirs, id, 'debuginfo')).size, 0);
  const before = await requests();
  assert.is.not(theirFind(ours, ['debuginfo', id]).status, 0);
  assert.is(elfkit(['debuginfod', 'find', id, 'debuginfo'], { env: env(theirs) }).status, 1);
  assert.is(await requests(), before, 'the remembered misses were honoured');
});

test('build ids on the command line: uppercase is lowercased, a malformed one is refused without a request', async () => {
  if ('reason' in found) return skip('debuginfod bad build ids', found.reason);
  const cache = join(work, 'bad-ids');
  const t = targets[0]!;
  const up = elfkit(['debuginfod', 'find', t.buildId.toUpperCase(), 'executable'], { env: env(cache) });
  assert.is(up.status, 0, up.stderr);
  assert.is(up.stdout.trim(), join(cache, t.buildId, 'executable'));
  const before = await requests();
  for (const bad of ['abc', 'zz'.repeat(20), 'ab'.repeat(65)]) {
    const r = elfkit(['debuginfod', 'find', bad, 'debuginfo'], { env: env(cache) });
    assert.is(r.status, 1, bad);
    assert.is(r.stderr.trim().split('\n').length, 1);
  }
  const bad = elfkit(['debuginfod', 'find', t.buildId, 'source', 'relative/path.c'], { env: env(cache) });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /not absolute/);
  assert.is(await requests(), before, 'no request for a bad build id or path');
  assert.equal(readdirSync(cache).sort(), ['cache_clean_interval_s', t.buildId].sort());
});

test('lines, dwarf and symbolize fetch the debug file of a stripped binary (and do not with --no-debuginfod)', async () => {
  if ('reason' in found) return skip('debuginfod in the DWARF commands', found.reason);
  if (!targets.some((t) => t.name === 'hello')) return skip('debuginfod in the DWARF commands', 'gcc not installed');
  const solo = join(work, 'solo', 'hello');
  const full = join(work, 'hello.full');
  const cache = join(work, 'cmd-cache');
  const e = env(cache);
  const want = elfkit(['lines', full]);
  const got = elfkit(['lines', solo], { env: e });
  assert.is(got.status, 0, got.stderr);
  assert.is(got.stdout, want.stdout, 'lines through debuginfod = lines of the unstripped binary');
  const off = elfkit(['lines', '--no-debuginfod', solo], { env: e });
  assert.is(off.status, 1);
  const units = elfkit(['dwarf', 'units', solo], { env: e });
  assert.is(units.stdout, elfkit(['dwarf', 'units', full]).stdout);
  const addr = /^(0x[0-9a-f]+)/m.exec(want.stdout)![1]!;
  const sym = elfkit(['symbolize', '--obj', solo, addr], { env: e });
  assert.is(sym.stdout, elfkit(['symbolize', '--obj', full, addr]).stdout);
  assert.match(sym.stdout, /^main\n.*h#x\.c:2/m);
  const noSym = elfkit(['symbolize', '--no-debuginfod', '--obj', solo, addr], { env: e });
  assert.match(noSym.stdout, /\?\?:0/);
});

test('core: a mapped executable missing at its path is fetched by build id (and stays missing with --no-debuginfod)', async () => {
  if ('reason' in found) return skip('debuginfod in elfkit core', found.reason);
  if (!coreFile) return skip('debuginfod in elfkit core', 'no core was made (see above)');
  const e = env(join(work, 'core-cache'));
  const off = elfkit(['core', '--no-debuginfod', '--json', coreFile], { env: e });
  const on = elfkit(['core', '--json', coreFile], { env: e });
  assert.is(on.status, 0, on.stderr);
  const exe = (r: typeof on) => (JSON.parse(r.stdout) as { modules: { executable: boolean; file: { kind: string; path: string } }[] }).modules.find((m) => m.executable)!;
  assert.is(exe(off).file.kind, 'missing');
  assert.is(exe(on).file.kind, 'build-id');
  assert.is(exe(on).file.path, join(work, 'core-cache', buildIdOf(join(srv, 'crash')), 'executable'));
  assert.match(elfkit(['core', coreFile], { env: e }).stdout, /found by build id: .*\/executable/);
});

test.run();
