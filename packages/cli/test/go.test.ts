// `elfkit go …` and the Go line source, end to end: build info text
// byte-identical to `go version -m`, the pclntab rows of `go lines` equal to
// what debug/gosym says at every PC, both row writers identical, and the
// commands on stripped and section-less binaries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir, fixturePath, fixtures, goRoot, repoRoot, run, skip } from '@elfkit/fixtures';
import { elfkit as runElfkit } from './cli.js';

const elfkit = (...args: string[]) => runElfkit(args);

const goFixtures = fixtures().filter((f) => f.lang === 'go');
let goCmd: string | null | undefined;
function go(): string | undefined {
  if (goCmd === undefined) {
    const root = goRoot('1.27');
    goCmd = root ? join(root, 'bin', 'go') : null;
  }
  return goCmd ?? undefined;
}
const goEnv = () => ({ ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', GOCACHE: join(cacheDir, 'go', 'build-cache') });

/** A copy of a fixture without section headers, in a temporary folder. */
function bare(name: string, dir: string): string {
  const b = new Uint8Array(readFileSync(fixturePath(name)));
  const is64 = b[4] === 2;
  for (const [at, n] of is64 ? [[0x28, 8], [0x3c, 2], [0x3e, 2]] : [[0x20, 4], [0x30, 2], [0x32, 2]]) b.fill(0, at!, at! + n!);
  const out = join(dir, name.replace(/\//g, '_') + '-bare');
  writeFileSync(out, b, { mode: 0o755 });
  return out;
}

test('go buildinfo: byte-identical to `go version -m` on every Go fixture', () => {
  const g = go();
  if (!g) return skip('go version -m oracle', 'Go 1.27 toolchain unavailable');
  const paths = goFixtures.map((f) => fixturePath(f));
  const theirs = run(g, ['version', '-m', ...paths], { env: goEnv() });
  assert.is(theirs.status, 0, theirs.stderr);
  const ours = elfkit('go', 'buildinfo', ...paths);
  assert.is(ours.status, 0, ours.stderr);
  assert.is(ours.stdout, theirs.stdout);
  // One at a time too, as a user would run it.
  const one = fixturePath('go/go1.27-amd64-cgo');
  assert.is(elfkit('go', 'buildinfo', one).stdout, run(g, ['version', '-m', one], { env: goEnv() }).stdout);
  console.log(`go version -m: ${paths.length} fixtures, byte-identical`);
});

test('go buildinfo --json: the fields of `go version -m -json`', () => {
  const g = go();
  if (!g) return skip('go version -m -json oracle', 'Go 1.27 toolchain unavailable');
  type GoModule = { Path?: string; Version?: string; Sum?: string; Replace?: GoModule };
  const mod = (m: GoModule | undefined): unknown => (m && m.Path !== undefined ? { path: m.Path ?? '', version: m.Version ?? '', sum: m.Sum ?? '', replace: m.Replace ? mod(m.Replace) : null } : null);
  for (const name of ['go/go1.27-amd64-vcs', 'go/go1.27-amd64-cgo', 'go/go1.19-mips']) {
    const p = fixturePath(name);
    const theirs = JSON.parse(run(g, ['version', '-m', '-json', p], { env: goEnv() }).stdout) as {
      GoVersion: string;
      Path: string;
      Main: GoModule;
      Deps?: GoModule[];
      Settings: { Key: string; Value: string }[];
    };
    const ours = JSON.parse(elfkit('go', 'buildinfo', '--json', p).stdout);
    assert.is(ours.goVersion, theirs.GoVersion);
    assert.is(ours.path, theirs.Path);
    assert.equal(ours.main, mod(theirs.Main));
    assert.equal(ours.deps, (theirs.Deps ?? []).map(mod));
    assert.equal(ours.settings, theirs.Settings.map((s) => ({ key: s.Key, value: s.Value })));
    assert.match(ours.blob.address, /^0x[0-9a-f]+$/);
  }
});

test('go buildinfo on a non-Go binary and on a missing file: a message and exit status 1', () => {
  const c = fixturePath('c/gcc-dwarf5');
  const r = elfkit('go', 'buildinfo', c);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /not a Go executable/);
  const mixed = elfkit('go', 'buildinfo', fixturePath('go/go1.22-amd64'), c, '/nonexistent');
  assert.is(mixed.status, 1);
  assert.match(mixed.stdout, /go1\.22\.12/);
  assert.match(mixed.stderr, /nonexistent: no such file/);
});

/** fixtures/src/gosym-walk built with the newest Go into .cache: debug/gosym's answers, row by row. */
function gosymWalk(): string | undefined {
  const g = go();
  if (!g) return undefined;
  const src = join(repoRoot, 'fixtures', 'src', 'gosym-walk');
  const exe = join(cacheDir, 'go-oracle', `gosym-walk-${createHash('sha256').update(readFileSync(join(src, 'main.go'))).digest('hex').slice(0, 12)}`);
  if (existsSync(exe)) return exe;
  mkdirSync(dirname(exe), { recursive: true });
  const r = run(g, ['build', '-o', exe, '.'], { cwd: src, env: goEnv() });
  if (r.status !== 0) throw new Error(r.stderr);
  return exe;
}

test('go lines --ndjson: byte-identical to debug/gosym PCToLine asked at every PC', () => {
  const oracle = gosymWalk();
  if (!oracle) return skip('debug/gosym rows oracle', 'Go 1.27 toolchain unavailable');
  let total = 0;
  // Little and big endian, 32 and 64 bit, quantum 1, 2 and 4, Go 1.19 and 1.27, cgo.
  for (const name of ['go/go1.27-amd64-sw', 'go/go1.19-s390x', 'go/go1.27-arm', 'go/go1.27-386', 'go/go1.19-ppc64', 'go/go1.27-amd64-cgo', 'go/go1.22-amd64']) {
    const p = fixturePath(name);
    const theirs = run(oracle, ['pcs', 'ndjson', p]);
    assert.is(theirs.status, 0, theirs.stderr);
    const ours = elfkit('go', 'lines', '--ndjson', p);
    assert.is(ours.status, 0, ours.stderr);
    assert.ok(ours.stdout === theirs.stdout, `${name}: rows differ`);
    total += theirs.stdout.split('\n').length - 1;
  }
  console.log(`go lines: ${total} rows byte-identical to debug/gosym's PC-by-PC answers`);
});

test('go lines and lines --source go print the same bytes in every mode; auto picks the pclntab without DWARF', () => {
  const p = fixturePath('go/go1.19-arm');
  // --cu matching no function: no rows (`[]` in JSON).
  for (const mode of [[], ['--json'], ['--ndjson'], ['--cu', 'main.go'], ['--json', '--cu', 'no-such-file'], ['--cu', 'no-such-file']]) {
    const a = elfkit('go', 'lines', ...mode, p);
    const b = elfkit('lines', '--source', 'go', ...mode, p);
    assert.is(a.status, 0, a.stderr);
    assert.is(a.stdout, b.stdout, mode.join(' '));
  }
  assert.ok(JSON.parse(elfkit('go', 'lines', '--json', p).stdout).length > 10000);
  assert.is(elfkit('go', 'lines', '--json', '--cu', 'no-such-file', p).stdout, '[]\n');
  const sw = fixturePath('go/go1.27-amd64-sw');
  assert.is(elfkit('lines', sw).stdout, elfkit('go', 'lines', sw).stdout);
});

test('go info, funcs and files; info shows the Go version', () => {
  const vcs = fixturePath('go/go1.27-amd64-vcs');
  const m = JSON.parse(elfkit('go', 'info', '--json', vcs).stdout);
  assert.is(m.kind, 'go');
  assert.is(m.version, 'go1.27.3');
  assert.equal(m.vcs, { system: 'git', revision: 'a1f42ff5a6318d5b6b068171dea094bc9f3fa90b', time: '2024-01-02T03:04:05Z', modified: false });
  assert.is(m.main.version, 'v0.0.0-20240102030405-a1f42ff5a631');
  assert.is(m.goos, 'linux');
  assert.is(m.goarch, 'amd64');
  assert.is(m.pclntab.format, '1.20');
  assert.is(m.pclntab.magic, '0xfffffff1');
  assert.match(m.pclntab.textStart, /^0x401000$/);
  assert.equal(m.stripped, { symtab: true, dwarf: true });
  assert.match(elfkit('go', 'info', vcs).stdout, /Stripped:\s+yes \(no symbol table, no DWARF: -s -w\)/);
  assert.match(elfkit('info', vcs).stdout, /^Go:\s+go1\.27\.3$/m);
  assert.is(JSON.parse(elfkit('info', '--json', fixturePath('c/gcc-dwarf5')).stdout).go, null);
  const c = elfkit('go', 'info', fixturePath('c/gcc-dwarf5'));
  assert.is(c.status, 1);
  assert.match(c.stdout, /not a Go binary/);

  const s390 = fixturePath('go/go1.19-s390x');
  const funcs = JSON.parse(elfkit('go', 'funcs', '--json', s390).stdout).funcs;
  const main = funcs.find((f: { name: string }) => f.name === 'main.main');
  assert.ok(main);
  assert.match(main.entry, /^0x[0-9a-f]+$/);
  assert.is(main.file, 'example.com/elfkit/fixture/main.go');
  assert.is(main.startLine, null); // Go 1.19 tables have no start lines
  assert.ok(funcs.length > 1000);
  const text = elfkit('go', 'funcs', '--match', 'main.main', fixturePath('go/go1.27-arm64')).stdout;
  assert.match(text, /^Entry\s+End\s+Frame\s+Args\s+Line\s+Name\s+File\n0x[0-9a-f]{16}\s+0x[0-9a-f]{16}\s+\d+\s+\d+\s+67\s+main\.main\s+example\.com\/elfkit\/fixture\/main\.go\n$/);
  assert.ok(elfkit('go', 'files', s390).stdout.includes('example.com/elfkit/fixture/geom/geom.go\n'));
});

test('go frames: the frames runtime.CallersFrames printed inside the fixture', () => {
  const expected = readFileSync(join(repoRoot, 'fixtures', 'expected', 'go', 'go1.27-amd64-sw.frames'), 'utf8').trim().split('\n');
  const raw = expected[0]!.split('\t')[1]!.split(' ');
  // The first return address stands for three frames (two inlined calls), the others for one each.
  const pcs = [raw[0], ...raw.slice(3)].map((x) => '0x' + (BigInt(x!) - 1n).toString(16));
  const r = JSON.parse(elfkit('go', 'frames', '--json', fixturePath('go/go1.27-amd64-sw'), ...pcs).stdout) as { pcs: { frames: { pc: string; function: string; file: string; line: number }[] }[] };
  const got = r.pcs.flatMap((p) => p.frames.map((f) => `${f.pc}\t${f.function}\t${f.file}\t${f.line}`));
  assert.equal(got, expected.slice(1));
  assert.match(elfkit('go', 'frames', fixturePath('go/go1.27-amd64-sw'), pcs[0]!).stdout, /geom\.Where .*geom\.go:43 \(inlined\)\n.*Rect\.Trace .*:49 \(inlined\)\n  main\.captureFrames .*main\.go:64\n$/);
});

test('section-less binaries: go info, buildinfo and lines still work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-go-'));
  try {
    for (const name of ['go/go1.27-amd64-pie', 'go/go1.19-mips', 'go/go1.27-amd64-cgo']) {
      const p = bare(name, dir);
      const m = JSON.parse(elfkit('go', 'info', '--json', p).stdout);
      const whole = JSON.parse(elfkit('go', 'info', '--json', fixturePath(name)).stdout);
      assert.is(m.kind, 'go', name);
      assert.is(m.version, whole.version, name);
      assert.is(m.buildId, whole.buildId, name);
      assert.is(m.pclntab.source, 'scan', name);
      assert.is(m.pclntab.textStart, whole.pclntab.textStart, name);
      assert.is(m.pclntab.funcs, whole.pclntab.funcs, name);
      assert.is(elfkit('go', 'lines', p).stdout, elfkit('go', 'lines', fixturePath(name)).stdout, name);
      assert.is(elfkit('lines', p).stdout, elfkit('go', 'lines', p).stdout, name);
      assert.is(elfkit('go', 'buildinfo', p).stdout, elfkit('go', 'buildinfo', fixturePath(name)).stdout.replace(fixturePath(name), p), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
