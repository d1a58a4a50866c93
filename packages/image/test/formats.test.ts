/**
 * Every image shape in use, written by hand and by the real tools (skopeo,
 * buildah), read to the same file tree: OCI layouts (flat, nested
 * multi-platform indexes with attestations, as a tar, gzip'd), legacy
 * `docker save`, Docker 25+ saves (graphdriver and containerd store).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, readFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixturePath, skip } from '@elfkit/fixtures';
import { BytesSource } from '@elfkit/binary';
import { isImageError, readElfFacts } from '@elfkit/image';
import { enc, openPath, rulesImage, tarDirectory, tempDir, treeRecords, writeDocker25, writeDockerLegacy, writeOciLayout, type ImageSpec } from './support.js';
import { debTool, diffRecords, diskRecords, mustRun } from './tools.js';

const platformImage = (arch: string, variant?: string): ImageSpec => ({
  platform: { os: 'linux', architecture: arch, variant },
  layers: [{ compression: 'gzip', entries: [{ path: `etc/arch`, data: enc(arch) }] }],
});

test('nested multi-platform index: platform selection, attestations skipped, errors list what there is', async () => {
  const t = tempDir();
  try {
    const lay = join(t.path, 'multi');
    writeOciLayout(lay, [platformImage('amd64'), platformImage('arm64', 'v8'), platformImage('arm', 'v7')], { nested: true, tag: 'multi' });
    const arch = async (opts: object) => {
      const { image, close } = await openPath(lay, opts);
      try {
        return { arch: new TextDecoder().decode(await (await image.build({ elf: false }), image.readFile('/etc/arch'))), info: image.info };
      } finally {
        await close();
      }
    };
    assert.is((await arch({ platform: 'linux/arm64' })).arch, 'arm64');
    assert.is((await arch({ platform: 'linux/arm64/v8' })).arch, 'arm64');
    assert.is((await arch({ platform: 'linux/arm/v7', ref: 'multi' })).arch, 'arm');
    const pref = await arch({ preferPlatform: { os: 'linux', architecture: 'amd64' } });
    assert.is(pref.arch, 'amd64');
    assert.is(pref.info.indexes.length, 1, 'reached through the nested index');
    assert.is(pref.info.tags[0], 'multi');
    assert.is(pref.info.others.length, 2);
    for (const [opts, code, text] of [
      [{}, 'no-match', /3 images match.*linux\/amd64.*linux\/arm64\/v8.*linux\/arm\/v7/],
      [{ platform: 'linux/s390x' }, 'no-match', /no image for platform linux\/s390x/],
      [{ platform: 'linux/amd64', ref: 'nope' }, 'no-match', /no image tagged "nope"/],
    ] as const) {
      try {
        await arch(opts);
        assert.unreachable();
      } catch (e) {
        assert.ok(isImageError(e), String(e));
        assert.is(e.code, code);
        assert.match(e.message, text);
      }
    }
  } finally {
    t.done();
  }
});

test('docker save shapes (legacy, Docker 25+ graphdriver and containerd store), oci-archive and gzip give the layout\'s tree', async () => {
  const t = tempDir();
  try {
    const spec = rulesImage('gzip');
    const lay = join(t.path, 'lay');
    writeOciLayout(lay, [spec]);
    const want = await treeRecords(lay);
    const legacy = join(t.path, 'legacy.tar');
    writeDockerLegacy(legacy, spec);
    const g25 = join(t.path, 'docker25.tar');
    writeDocker25(g25, spec, 'graphdriver');
    const c25 = join(t.path, 'containerd.tar');
    writeDocker25(c25, spec, 'containerd');
    const ociTar = join(t.path, 'oci.tar');
    tarDirectory(lay, ociTar);
    const gz = join(t.path, 'legacy.tar.gz');
    writeFileSync(gz, gzipSync(readFileSync(legacy)));
    for (const [file, format, tag] of [
      [legacy, 'docker-save', 'example/app:1'],
      [g25, 'docker-save-oci', 'docker.io/example/app:1'],
      [c25, 'docker-save-oci', 'docker.io/example/app:1'],
      [ociTar, 'oci-layout', 'rules'],
      [gz, 'docker-save', 'example/app:1'],
    ] as const) {
      assert.equal(diffRecords(await treeRecords(file), want), [], file);
      const { image, close } = await openPath(file);
      try {
        assert.is(image.info.format, format, file);
        assert.ok(image.info.tags.includes(tag), `${file}: tags ${image.info.tags}`);
        if (file === c25) assert.is(image.info.referrers[0]?.via, 'attestation', 'the attestation manifest refers to the image');
      } finally {
        await close();
      }
    }
  } finally {
    t.done();
  }
});

test('skopeo: docker-archive, oci-archive and zstd layers read to the tree umoci unpacks', async () => {
  const skopeo = debTool('skopeo');
  if ('reason' in skopeo) return skip('skopeo oracle', skopeo.reason);
  const umoci = debTool('umoci');
  if ('reason' in umoci) return skip('skopeo oracle', umoci.reason);
  const t = tempDir();
  try {
    const lay = join(t.path, 'lay');
    writeOciLayout(lay, [rulesImage('gzip')]);
    mustRun(umoci.path, ['raw', 'unpack', '--image', `${lay}:rules`, join(t.path, 'rootfs')]);
    const want = diskRecords(join(t.path, 'rootfs'));
    const copy = (dest: string, extra: string[] = []) => mustRun(skopeo.path, ['--insecure-policy', 'copy', '-q', ...extra, `oci:${lay}:rules`, dest]);
    copy(`docker-archive:${join(t.path, 'docker.tar')}:example/rules:1`);
    copy(`oci-archive:${join(t.path, 'oci.tar')}:rules`);
    copy(`oci:${join(t.path, 'zstd')}:rules`, ['--dest-compress-format', 'zstd', '--dest-compress']);
    const shapes: [string, string][] = [
      [join(t.path, 'docker.tar'), 'docker-save'],
      [join(t.path, 'oci.tar'), 'oci-layout'],
      [join(t.path, 'zstd'), 'oci-layout'],
    ];
    for (const [p, format] of shapes) {
      const ours = await treeRecords(p);
      assert.equal(diffRecords(ours, want), [], p);
      const { image, close } = await openPath(p);
      try {
        assert.is(image.info.format, format);
        if (p.endsWith('zstd')) {
          await image.build({ elf: false });
          assert.ok(image.layers.some((l) => l.compression === 'zstd'), 'skopeo wrote zstd layers');
        }
      } finally {
        await close();
      }
      process.stdout.write(`  skopeo ${p.split('/').pop()}: ${want.size} files equal umoci's unpack\n`);
    }
  } finally {
    t.done();
  }
});

test('umoci-built images (its own whiteouts from repack) read to umoci\'s unpack', async () => {
  const umoci = debTool('umoci');
  if ('reason' in umoci) return skip('umoci-built image', umoci.reason);
  const t = tempDir();
  try {
    const lay = join(t.path, 'lay');
    const u = (...args: string[]) => mustRun(umoci.path, args);
    u('init', '--layout', lay);
    u('new', '--image', `${lay}:latest`);
    const b1 = join(t.path, 'b1');
    u('unpack', '--image', `${lay}:latest`, b1);
    const root1 = join(b1, 'rootfs');
    mkdirSync(join(root1, 'usr', 'bin'), { recursive: true });
    mkdirSync(join(root1, 'var', 'cache', 'sub'), { recursive: true });
    writeFileSync(join(root1, 'usr', 'bin', 'hello'), readFileSync(fixturePath('c/gcc-dwarf5')), { mode: 0o755 });
    writeFileSync(join(root1, 'usr', 'bin', 'keep'), 'keep');
    writeFileSync(join(root1, 'var', 'cache', 'sub', 'a'), 'a');
    symlinkSync('/usr/bin/hello', join(root1, 'usr', 'bin', 'link'));
    u('repack', '--image', `${lay}:v1`, b1);
    const b2 = join(t.path, 'b2');
    u('unpack', '--image', `${lay}:v1`, b2);
    rmSync(join(b2, 'rootfs', 'usr', 'bin', 'hello'));
    rmSync(join(b2, 'rootfs', 'var', 'cache', 'sub'), { recursive: true });
    writeFileSync(join(b2, 'rootfs', 'usr', 'bin', 'keep'), 'changed');
    u('repack', '--image', `${lay}:v2`, b2);
    const rootfs = join(t.path, 'rootfs');
    u('raw', 'unpack', '--image', `${lay}:v2`, rootfs);
    const ours = await treeRecords(`${lay}`, { ref: 'v2' });
    assert.equal(diffRecords(ours, diskRecords(rootfs)), [], 'umoci v2');
    assert.not.ok(ours.has('usr/bin/hello'), 'umoci\'s .wh. whiteout applied');
    const { image, close } = await openPath(lay, { ref: 'v1' });
    try {
      await image.build();
      const files = [...image.elfFiles()];
      assert.equal(files.map((f) => f.path), ['/usr/bin/hello']);
      assert.is(files[0]!.facts!.buildId, readElfFacts(new BytesSource(new Uint8Array(readFileSync(fixturePath('c/gcc-dwarf5'))))).buildId);
    } finally {
      await close();
    }
    process.stdout.write(`  umoci repack v2: ${ours.size} files equal umoci raw unpack\n`);
  } finally {
    t.done();
  }
});

test('buildah from scratch: an uncompressed oci-archive with manifest annotations', async () => {
  const buildah = debTool('buildah');
  if ('reason' in buildah) return skip('buildah', buildah.reason);
  const t = tempDir();
  try {
    const root = join(t.path, 'storage');
    const run = join(t.path, 'run');
    const base = ['--root', root, '--runroot', run, '--storage-driver', 'vfs'];
    mkdirSync(join(t.path, 'src'));
    writeFileSync(join(t.path, 'src', 'hello.txt'), 'hello from buildah\n');
    const c = mustRun(buildah.path, [...base, 'from', 'scratch']).trim();
    try {
      mustRun(buildah.path, [...base, 'copy', c, join(t.path, 'src', 'hello.txt'), '/usr/share/hello.txt']);
      mustRun(buildah.path, [...base, 'config', '--annotation', 'dev.elfkit.debug.ref=https://debuginfod.example', '--label', 'org.opencontainers.image.revision=abc123', c]);
      const out = join(t.path, 'buildah.tar');
      mustRun(buildah.path, [...base, 'commit', '-q', '--format', 'oci', c, `oci-archive:${out}:v1`]);
      const { image, close } = await openPath(out);
      try {
        const tree = await image.build({ elf: false });
        assert.ok(tree.get('usr/share/hello.txt'));
        assert.is(new TextDecoder().decode(await image.readFile('/usr/share/hello.txt')), 'hello from buildah\n');
        assert.is(image.layers[0]!.compression, 'none');
        assert.is(image.info.annotations['dev.elfkit.debug.ref'], 'https://debuginfod.example');
        assert.is(image.info.labels['org.opencontainers.image.revision'], 'abc123');
      } finally {
        await close();
      }
      // The same image through skopeo into a layout, unpacked by umoci: the same tree.
      const skopeo = debTool('skopeo');
      const umoci = debTool('umoci');
      if ('path' in skopeo && 'path' in umoci) {
        const lay = join(t.path, 'from-buildah');
        mustRun(skopeo.path, ['--insecure-policy', 'copy', '-q', `oci-archive:${out}:v1`, `oci:${lay}:v1`]);
        mustRun(umoci.path, ['raw', 'unpack', '--image', `${lay}:v1`, join(t.path, 'buildah-rootfs')]);
        assert.equal(diffRecords(await treeRecords(out), diskRecords(join(t.path, 'buildah-rootfs'))), [], 'buildah image vs umoci');
      }
    } finally {
      mustRun(buildah.path, [...base, 'rm', c]);
    }
  } finally {
    t.done();
  }
});

test.run();
