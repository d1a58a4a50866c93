/**
 * ELF facts from an image scan against elfkit's own answers on the files
 * `umoci raw unpack` extracts (readElfFacts and `elfkit info --json`), Go
 * module lists against `go version -m`, and where each file's debug
 * information is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath, goRoot, repoRoot, skip, esbuildFixtures } from '@elfkit/fixtures';
import { BytesSource } from '@elfkit/binary';
import { readElfFacts, scanImage, type ScanResult } from '@elfkit/image';
import { nodeCrc32 } from '@elfkit/image/node';
import { formatVersionM, type BuildInfo } from '@elfkit/gosym';
import { elfImageFiles, openPath, tempDir, writeOciLayout } from './support.js';
import { debTool, mustRun } from './tools.js';

const t = tempDir();
let layout = '';
let result: ScanResult;
let stampCommit = '';

test.before(async () => {
  const fx = await esbuildFixtures().catch(() => []);
  const esbuild = fx.find((f) => f.name.includes('esbuild-linux-64@0.14.54'))?.path;
  const files = elfImageFiles(join(t.path, 'work'), { path: fixturePath, esbuild });
  stampCommit = files.stampCommit;
  layout = join(t.path, 'lay');
  writeOciLayout(layout, [{ tags: ['elf'], layers: files.layers, annotations: { 'org.opencontainers.image.debug.build-id': 'proposal-key' } }]);
  const { image, close } = await openPath(layout);
  try {
    result = await scanImage(image, { crc32: nodeCrc32 });
  } finally {
    await close();
  }
});

test.after(() => t.done());

const byPath = (p: string) => result.files.find((f) => f.path === p);

test('every ELF file of the final file system, once, with its layer and hard links', () => {
  const paths = result.files.map((f) => f.path);
  assert.ok(paths.includes('/usr/bin/hello'));
  assert.not.ok(paths.includes('/usr/bin/go-vcs'), 'whited out in layer 1');
  assert.not.ok(paths.includes('/usr/bin/hello-link'), 'a symlink is not another ELF file');
  assert.not.ok(paths.includes('/usr/bin/script'));
  assert.is(byPath('/usr/bin/hello')!.layer.index, 1, 'replaced by layer 1');
  assert.equal(byPath('/usr/bin/stripped')!.links, ['/usr/bin/stripped-again']);
  assert.not.ok(paths.includes('/usr/bin/stripped-again'), 'a hard link is the same file');
  const fake = byPath('/usr/bin/fake')!;
  assert.ok(fake.error && !fake.facts, 'a file with the magic that does not parse is reported unreadable');
  assert.ok(result.warnings.some((w) => w.code === 'elf-unreadable' && w.entry === 'usr/bin/fake'));
});

test('facts equal elfkit\'s own answers on the files umoci extracts', () => {
  const umoci = debTool('umoci');
  if ('reason' in umoci) return skip('umoci extraction', umoci.reason);
  const rootfs = join(t.path, 'rootfs');
  mustRun(umoci.path, ['raw', 'unpack', '--image', `${layout}:elf`, rootfs]);
  const elfOnDisk: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, `${rel}/${name}`);
      else if (st.isFile() && st.size >= 4 && readFileSync(p).subarray(0, 4).toString('latin1') === '\x7fELF') elfOnDisk.push(`${rel}/${name}`);
    }
  };
  walk(rootfs, '');
  const reported = result.files.flatMap((f) => [f.path, ...f.links]).sort();
  assert.equal(reported, elfOnDisk.sort(), 'the same ELF files as on disk');
  const cli = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');
  let compared = 0;
  for (const f of result.files) {
    if (!f.facts) continue;
    const onDisk = join(rootfs, f.path);
    const own = readElfFacts(new BytesSource(new Uint8Array(readFileSync(onDisk))), { crc32: nodeCrc32 });
    assert.equal(f.facts, own, f.path);
    const info = JSON.parse(mustRun(process.execPath, [cli, 'info', '--json', onDisk]));
    assert.is(f.facts.buildId, info.buildId, `${f.path} build id`);
    assert.is(f.facts.interpreter, info.interpreter, `${f.path} interpreter`);
    assert.is(f.facts.type, info.type, `${f.path} type`);
    assert.is(f.facts.stripped, info.stripped, `${f.path} stripped`);
    assert.is(f.facts.go?.version ?? null, info.go?.version ?? null, `${f.path} go version`);
    compared++;
  }
  process.stdout.write(`  ${compared} ELF files: scan facts equal readElfFacts and elfkit info on umoci's extraction\n`);
});

test('Go module lists equal go version -m', () => {
  const root = goRoot('1.27');
  if (!root) return skip('go version -m', 'Go 1.27 toolchain unavailable');
  const rootfs = join(t.path, 'rootfs');
  let n = 0;
  for (const f of result.files) {
    if (!f.facts?.go) continue;
    const onDisk = join(rootfs, f.path);
    const r = spawnSync(join(root, 'bin', 'go'), ['version', '-m', onDisk], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    if (r.status !== 0) continue;
    const g = f.facts.go;
    assert.ok(g.path !== null && g.deps && g.settings, `${f.path}: module info read`);
    const bi: BuildInfo = { goVersion: g.version, path: g.path!, main: g.main as BuildInfo['main'], deps: g.deps as BuildInfo['deps'], settings: [...g.settings!] };
    assert.fixture(formatVersionM(onDisk, bi), r.stdout, f.path);
    n++;
  }
  assert.ok(n >= 2, `compared ${n}`);
  const esb = byPath('/usr/local/bin/esbuild');
  if (esb) assert.ok(esb.facts!.go!.deps!.length > 0 || esb.facts!.go!.main, 'esbuild lists modules');
  process.stdout.write(`  ${n} Go binaries: module lists equal go version -m\n`);
});

test('debug information: in the file, by build id, by debug link beside the binary, or missing', () => {
  assert.equal(byPath('/usr/bin/hello')!.debug, { kind: 'in-file' });
  assert.equal(byPath('/usr/bin/stripped')!.debug, { kind: 'build-id', path: '/usr/lib/debug/.build-id/b8/032aef01367808fa5286957b36d381501ca51f.debug' });
  assert.equal(byPath('/opt/app/o2')!.debug, { kind: 'debuglink', path: '/opt/app/.debug/o2.debug' });
  assert.equal(byPath('/usr/bin/go-sw')!.debug, { kind: 'missing', reason: 'not-in-image' });
  const dbg = byPath('/opt/app/.debug/o2.debug')!;
  assert.ok(dbg.facts!.debugOnly);
  assert.ok(result.summary.debugMissing.includes('/usr/bin/go-sw'));
  assert.not.ok(result.summary.debugMissing.includes('/opt/app/.debug/o2.debug'), 'debug files are not missing their own debug info');
  assert.ok(result.summary.withoutBuildId.includes('/opt/app/o2'));
  assert.is(result.summary.kinds['debug-file'], 2);
});

test('stamp, .note.package, Go versions and annotations', () => {
  const stamped = byPath('/usr/bin/stamped')!;
  assert.is((stamped.facts!.stamp as unknown as { git: { commit: string } }).git.commit, stampCommit);
  const lib = byPath('/usr/lib/x86_64-linux-gnu/libfoo.so.1')!;
  assert.equal(lib.facts!.packages, [{ type: 'deb', os: 'debian', name: 'libfoo1', version: '1.0-1', architecture: 'amd64' }]);
  assert.is(lib.facts!.soname, 'libfoo.so.1');
  assert.is(result.summary.kinds['shared-library'], 1);
  assert.ok(result.summary.goVersions['go1.27.3']! >= 2);
  assert.ok(result.annotations.some((a) => a.key === 'org.opencontainers.image.debug.build-id' && a.from === 'manifest'), 'proposed debug keys are read');
});

test.run();
