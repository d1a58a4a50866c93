/**
 * Debug metadata with the image: `image debug-split` (a .build-id tree gdb
 * reads), `image annotate` (the manifest changes only by its annotations,
 * the indexes only by its digest; umoci and skopeo still read the layout),
 * `image attach-debug` (an OCI 1.1 artifact with the image as subject,
 * signed with cosign offline and verified with it), and `image scan`
 * reporting all of it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BytesSource } from '@elfkit/binary';
import { fixturePath, repoRoot, skip, which } from '@elfkit/fixtures';
import { onlyKeepDebug } from '@elfkit/elf/rewrite';
import { attachDebugArtifact, DEBUG_ARTIFACT_TYPE, readElfFacts, scanImage, tarBytes } from '@elfkit/image';
import { directoryLayoutWriter, nodeCrc32, nodeHasher } from '@elfkit/image/node';
import { bytesOf, elfImageFiles, enc, openPath, sha256, tempDir, writeOciLayout } from './support.js';
import { cosign, debTool, mustRun } from './tools.js';

const cli = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');
const elfkit = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });

const t = tempDir();
let layout = '';
let stampCommit = '';
let stampRemote = '';
const work = join(t.path, 'work');

test.before(() => {
  const files = elfImageFiles(work, { path: fixturePath });
  stampCommit = files.stampCommit;
  stampRemote = files.stampRemote;
  // An ELF file whose entry path tries to leave the root: still nothing lands outside the output directory.
  const layers = [...files.layers, { compression: 'gzip' as const, entries: [{ path: '../../../escape/hello', data: bytesOf(fixturePath('c/gcc-O2')), mode: 0o755 }] }];
  layout = join(t.path, 'lay');
  writeOciLayout(layout, [{ tags: ['v1'], layers }]);
});
test.after(() => t.done());

test('debug-split: a .build-id tree of separate debug files and only-keep-debug copies, nothing outside it', () => {
  const out = join(t.path, 'out', 'debug');
  const r = elfkit(['image', 'debug-split', layout, '-o', out, '--json']);
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const byPath = new Map(res.files.map((f: { path: string }) => [f.path, f]));
  const stripped = byPath.get('.build-id/b8/032aef01367808fa5286957b36d381501ca51f.debug') as { from: string; source: string };
  assert.is(stripped.from, 'separate');
  assert.is(sha256(bytesOf(join(out, '.build-id/b8/032aef01367808fa5286957b36d381501ca51f.debug'))), sha256(bytesOf(fixturePath('c/gcc-stripped.debug'))));
  const hello = res.files.find((f: { binaries: string[] }) => f.binaries.includes('/usr/bin/hello'));
  assert.is(hello.from, 'keep-debug');
  assert.is(sha256(bytesOf(join(out, hello.path))), sha256(onlyKeepDebug(bytesOf(fixturePath('c/gcc-dwarf4')))), 'the split of the file layer 1 put there');
  assert.ok(res.files.some((f: { binaries: string[] }) => f.binaries.includes('/escape/hello')));
  for (const f of res.files) {
    const facts = readElfFacts(new BytesSource(bytesOf(join(out, f.path))));
    assert.is(facts.buildId, f.buildId, f.path);
    assert.ok(facts.debugOnly && facts.dwarf, `${f.path} is a separate debug file with DWARF`);
  }
  assert.ok(res.skipped.some((s: { path: string; reason: string }) => s.path === '/usr/bin/go-sw' && s.reason === 'no-debug-info'));
  assert.equal(readdirSync(join(t.path, 'out')), ['debug'], 'nothing written beside the output directory');
  assert.not.ok(existsSync(join(t.path, 'escape')));
});

test('debug-split: gdb finds lines for a stripped binary of the image through the tree', () => {
  const gdb = which('gdb');
  if (!gdb) return skip('gdb through the debug tree', 'gdb not installed');
  const out = join(t.path, 'out', 'debug');
  const bin = join(t.path, 'hello-stripped');
  mustRun('objcopy', ['--strip-debug', fixturePath('c/gcc-dwarf4'), bin]);
  const r = spawnSync(gdb, ['-nx', '-batch', '-iex', `set debug-file-directory ${out}`, '-ex', 'info line main', bin], { encoding: 'utf8' });
  assert.match(r.stdout, /Line \d+ of ".*main\.c" starts at address/, r.stdout + r.stderr);
});

test('annotate: only the annotations change, the index names the new digest, umoci and skopeo still read it', async () => {
  const lay = join(t.path, 'annotated');
  cpSync(layout, lay, { recursive: true });
  const before = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  const oldDigest: string = before.manifests[0].digest;
  const oldManifest = JSON.parse(readFileSync(join(lay, 'blobs/sha256', oldDigest.slice(7)), 'utf8'));
  const r = elfkit(['image', 'annotate', `${lay}:v1`, '--debug-ref', 'https://debuginfod.example.com', '--json']);
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.is(res.annotations['org.opencontainers.image.revision'], stampCommit, 'the commit from the stamp');
  assert.is(res.annotations['org.opencontainers.image.source'], stampRemote);
  assert.is(res.annotations['dev.elfkit.debug.ref'], 'https://debuginfod.example.com');
  assert.ok(res.annotations['dev.elfkit.debug.build-ids'].split(',').includes('b8032aef01367808fa5286957b36d381501ca51f'));
  assert.not.ok(Object.keys(res.annotations).some((k: string) => k.startsWith('org.opencontainers.image.debug')), 'the reserved namespace is not used');
  const after = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  const newDigest: string = after.manifests[0].digest;
  assert.is(res.manifest.digest, newDigest);
  const newManifest = JSON.parse(readFileSync(join(lay, 'blobs/sha256', newDigest.slice(7)), 'utf8'));
  const { annotations, ...rest } = newManifest;
  assert.equal(rest, oldManifest, 'nothing but the annotations changed');
  assert.equal(annotations, res.annotations);
  assert.equal({ ...after.manifests[0], digest: oldDigest, size: before.manifests[0].size }, before.manifests[0], 'the index changed only in digest and size');
  const { image, close } = await openPath(lay);
  try {
    assert.is(image.info.annotations['dev.elfkit.debug.ref'], 'https://debuginfod.example.com');
  } finally {
    await close();
  }
  const skopeo = debTool('skopeo');
  if ('path' in skopeo) assert.match(mustRun(skopeo.path, ['inspect', '--raw', `oci:${lay}:v1`]), /dev\.elfkit\.debug\.ref/);
  const umoci = debTool('umoci');
  if ('path' in umoci) mustRun(umoci.path, ['raw', 'unpack', '--image', `${lay}:v1`, join(t.path, 'annotated-rootfs')]);
});

test('annotate through a nested index rewrites it and index.json', async () => {
  const lay = join(t.path, 'nested');
  const entries = [{ path: 'etc/x', data: enc('x') }];
  writeOciLayout(lay, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [{ entries }] }, { platform: { os: 'linux', architecture: 'arm64' }, layers: [{ entries }] }], { nested: true, tag: 'multi' });
  const r = elfkit(['image', 'annotate', lay, '--platform', 'linux/arm64', '--revision', 'abc123', '--json']);
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.is(res.manifest.indexes.length, 1);
  const top = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  assert.is(top.manifests[0].digest, res.manifest.indexes[0].digest);
  const nested = JSON.parse(readFileSync(join(lay, 'blobs/sha256', top.manifests[0].digest.slice(7)), 'utf8'));
  assert.ok(nested.manifests.some((m: { digest: string }) => m.digest === res.manifest.digest));
  assert.is(nested.manifests.length, 2, 'the other platform kept');
  for (const [platform, revision] of [['linux/arm64', 'abc123'], ['linux/amd64', undefined]] as const) {
    const { image, close } = await openPath(lay, { platform });
    try {
      assert.is(image.info.annotations['org.opencontainers.image.revision'], revision);
    } finally {
      await close();
    }
  }
});

test('attach-debug: an artifact referring to the image, signed with cosign offline; scan reports it', () => {
  const lay = join(t.path, 'attached');
  cpSync(layout, lay, { recursive: true });
  const c = cosign();
  const env: Record<string, string> = { COSIGN_PASSWORD: 'test-password', SOURCE_DATE_EPOCH: '1700000000', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', TUF_ROOT: join(t.path, 'tuf') };
  let key: string | undefined;
  if ('path' in c) {
    env.ELFKIT_COSIGN = c.path;
    const g = spawnSync(c.path, ['generate-key-pair', '--output-key-prefix', join(t.path, 'k')], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.is(g.status, 0, g.stderr);
    key = join(t.path, 'k.key');
  } else skip('signing the debug artifact', c.reason);
  const r = elfkit(['image', 'attach-debug', `${lay}:v1`, '--json', ...(key ? ['--key', key] : [])], env);
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const manifest = JSON.parse(readFileSync(join(lay, 'blobs/sha256', res.artifact.digest.slice(7)), 'utf8'));
  const index = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  assert.is(manifest.artifactType, DEBUG_ARTIFACT_TYPE);
  assert.is(manifest.subject.digest, index.manifests[0].digest);
  assert.is(manifest.config.mediaType, 'application/vnd.oci.empty.v1+json');
  assert.ok(index.manifests.some((m: { digest: string; artifactType?: string }) => m.digest === res.artifact.digest && m.artifactType === DEBUG_ARTIFACT_TYPE));
  // The layer is the debug-split tree.
  const listing = mustRun('tar', ['-tzf', join(lay, 'blobs/sha256', manifest.layers[0].digest.slice(7))]).trim().split('\n');
  assert.ok(listing.includes('.build-id/b8/032aef01367808fa5286957b36d381501ca51f.debug'));
  // Reproducible: the same image gives the same artifact.
  const again = join(t.path, 'attached-again');
  cpSync(layout, again, { recursive: true });
  assert.is(JSON.parse(elfkit(['image', 'attach-debug', again, '--json'], env).stdout).artifact.digest, res.artifact.digest, 'the same image gives the same artifact');
  const scan = JSON.parse(elfkit(['image', 'scan', lay, '--json']).stdout);
  assert.is(scan.debugArtifacts.length, 1);
  assert.is(scan.debugArtifacts[0].artifact.digest, res.artifact.digest);
  if (key) {
    assert.is(scan.debugArtifacts[0].signatures.length, 1, 'the signature bundle is found as the artifact\'s referrer');
    const sigManifest = JSON.parse(readFileSync(join(lay, 'blobs/sha256', res.signature.slice(7)), 'utf8'));
    assert.is(sigManifest.subject.digest, res.artifact.digest);
    const bundle = join(lay, 'blobs/sha256', sigManifest.layers[0].digest.slice(7));
    const v = spawnSync(env.ELFKIT_COSIGN!, ['verify-blob', '--key', join(t.path, 'k.pub'), '--bundle', bundle, '--insecure-ignore-tlog=true', join(lay, 'blobs/sha256', res.artifact.digest.slice(7))], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.is(v.status, 0, v.stderr);
    const text = elfkit(['image', 'scan', lay]).stdout;
    assert.match(text, new RegExp(`debug +artifact ${res.artifact.digest} \\(1 layer, signed \\(sha256:`));
  }
  const skopeo = debTool('skopeo');
  if ('path' in skopeo) mustRun(skopeo.path, ['--insecure-policy', 'copy', '-q', `oci:${lay}:v1`, `oci:${join(t.path, 'copied')}:v1`]);
});

test('attach-debug reports the layer\'s uncompressed bytes before compressing them, and the layer is the same without the report', async () => {
  const attach = async (name: string, onLayerInput?: (bytes: number) => void) => {
    const lay = join(t.path, name);
    cpSync(layout, lay, { recursive: true });
    const { image, close } = await openPath(lay);
    try {
      await scanImage(image, { crc32: nodeCrc32 });
      return { lay, ...(await attachDebugArtifact(image, directoryLayoutWriter(lay), nodeHasher, { created: '2023-11-14T22:13:20Z', onLayerInput })) };
    } finally {
      await close();
    }
  };
  const seen: number[] = [];
  const reported = await attach('reported', (bytes) => seen.push(bytes));
  const plain = await attach('plain-attach');
  assert.is(reported.layer.digest, plain.layer.digest);
  assert.is(reported.artifact.digest, plain.artifact.digest);
  const tar = gunzipSync(readFileSync(join(reported.lay, 'blobs/sha256', reported.layer.digest.slice(7))));
  assert.ok(seen.length > 2 && seen.every((b, i) => i === 0 || b > seen[i - 1]), `${seen}`);
  assert.is(seen.at(-1), tar.length, 'the last report is the whole tar stream');
});

test('debug-split refuses nothing it cannot read: an image without ELF files writes an empty tree', () => {
  const lay = join(t.path, 'plain');
  writeOciLayout(lay, [{ layers: [{ entries: [{ path: 'etc/motd', data: enc('hi') }] }] }]);
  const r = elfkit(['image', 'debug-split', lay, '-o', join(t.path, 'plain-out')]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^0 debug files written to /);
  const a = elfkit(['image', 'attach-debug', lay]);
  assert.is(a.status, 1);
  assert.match(a.stderr, /^elfkit: .*: the image has no debug information to attach/, a.stderr);
  assert.ok(tarBytes([]).length === 1024);
});

test.run();
