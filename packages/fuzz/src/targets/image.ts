// Container images: the archive around the layers (outer tar, oci-layout,
// index.json, manifests, config, Docker's manifest.json) and a layer's tar
// as the image reader applies it (long names, links, whiteouts) with every
// ELF file's facts and debug location, as `elfkit image` reads them.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ContainerImage, bytesAccess, isImageError, tarBytes, type TarWriteEntry } from '@elfkit/image';
import { nodeImageHost } from '@elfkit/image/node';
import { FieldList } from '../fields.js';
import { fixtureFile } from '../sources.js';
import { defineTarget, type Probe, type Seed } from '../target.js';

const enc = (s: string) => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let host: ReturnType<typeof nodeImageHost> | undefined;
/** One Node host per worker (hashing, decompression, spill files for large layers). */
const imageHost = () => (host ??= nodeImageHost());

/** The layer every seed starts from: ELF files with and without debug information, links, a whiteout, names past 100 bytes in both tar dialects. */
function seedLayer(): Uint8Array {
  const long = 'usr/share/' + 'd'.repeat(90) + '/';
  const entries: TarWriteEntry[] = [
    { path: 'usr/', type: 'directory', mode: 0o755 },
    { path: 'usr/bin/', type: 'directory', mode: 0o755 },
    { path: 'usr/bin/hello', data: fixtureFile('c/gcc-dwarf5'), mode: 0o755 },
    { path: 'usr/bin/stripped', data: fixtureFile('c/gcc-stripped'), mode: 0o755 },
    { path: 'usr/lib/debug/.build-id/00/x.debug', data: fixtureFile('c/gcc-stripped.debug'), mode: 0o644 },
    { path: 'usr/bin/hi', type: 'hardlink', linkpath: 'usr/bin/hello' },
    { path: 'usr/bin/sh', type: 'symlink', linkpath: '/usr/bin/hello' },
    { path: long + 'pax-file', data: enc('pax'), format: 'pax' },
    { path: long + 'gnu-file', data: enc('gnu'), format: 'gnu', mtime: 2 ** 34 },
    { path: 'etc/.wh.gone', data: new Uint8Array(0) },
    { path: 'etc/.wh..wh..opq', data: new Uint8Array(0) },
    { path: 'etc/os-release', data: enc('ID=elfkit\n') },
  ];
  return tarBytes(entries);
}

const json = (v: unknown) => enc(JSON.stringify(v));

/** An OCI archive (`oci-archive:` tar) around `layer` (stored as given), with digests that match. */
function ociArchive(layer: Uint8Array, diffId: string, gzip: boolean): Uint8Array {
  const config = json({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] }, history: [{ created_by: 'elfkit fuzz' }] });
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha256(config)}`, size: config.length },
    layers: [{ mediaType: `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`, digest: `sha256:${sha256(layer)}`, size: layer.length }],
  });
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' }, annotations: { 'org.opencontainers.image.ref.name': 'fuzz' } }],
  });
  return tarBytes([
    { path: 'oci-layout', data: enc('{"imageLayoutVersion":"1.0.0"}') },
    { path: 'index.json', data: index },
    { path: 'blobs/', type: 'directory' },
    { path: `blobs/sha256/${sha256(config)}`, data: config },
    { path: `blobs/sha256/${sha256(manifest)}`, data: manifest },
    { path: `blobs/sha256/${sha256(layer)}`, data: layer },
  ]);
}

/** A legacy `docker save` tarball around the uncompressed `layer`. */
function dockerArchive(layer: Uint8Array): Uint8Array {
  const diffId = sha256(layer);
  const config = json({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } });
  const cfg = `${sha256(config)}.json`;
  const id = sha256(enc(diffId + 'v1'));
  return tarBytes([
    { path: `${id}/`, type: 'directory', mode: 0o755 },
    { path: `${id}/VERSION`, data: enc('1.0') },
    { path: `${id}/json`, data: json({ id }) },
    { path: `${id}/layer.tar`, data: layer },
    { path: cfg, data: config },
    { path: 'manifest.json', data: json([{ Config: cfg, RepoTags: ['example/fuzz:1'], Layers: [`${id}/layer.tar`] }]) },
    { path: 'repositories', data: json({ 'example/fuzz': { '1': id } }) },
  ]);
}

/** Opens the archive and reads what `elfkit image` shows: the image, the tree, each ELF file's facts and debug location, a file's bytes. */
async function readImage(archive: Uint8Array, p: Probe): Promise<number> {
  let image: ContainerImage;
  try {
    image = await ContainerImage.open({ archive: bytesAccess(archive), name: 'fuzz.tar' }, { host: imageHost() });
    await image.build();
  } catch (e) {
    p.check(e);
    return 0;
  }
  let n = image.warnings.length;
  for (const f of image.elfFiles()) {
    n += f.links.length + (f.facts?.buildId?.length ?? 0);
    void f.debug;
  }
  for (const path of ['/usr/bin/hello', '/usr/bin/sh', '/etc/os-release']) {
    try {
      n += (await image.readFile(path)).length;
    } catch (e) {
      p.check(e);
    }
  }
  return n;
}

/** The numeric fields of every 512-byte tar header in `tar` (mode, ids, size, mtime, checksum, typeflag), at most `limit` headers. */
function tarHeaderFields(tar: Uint8Array, f: FieldList, limit = 64): [number, number][] {
  const regions: [number, number][] = [];
  let at = 0;
  for (let n = 0; n < limit && at + 512 <= tar.length && tar[at] !== 0; n++) {
    f.record(at + 100, [8, 8, 8]).record(at + 124, [8, 4]).record(at + 136, [8, 4]).record(at + 148, [8]).uint(at + 156, 1);
    regions.push([at, at + 512]);
    let size = 0;
    for (let k = at + 124; k < at + 136 && tar[k]! >= 0x30 && tar[k]! <= 0x37; k++) size = size * 8 + tar[k]! - 0x30;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return regions;
}

type Wrapper = 'oci' | 'oci-gzip' | 'docker';

export const imageLayer = defineTarget<Wrapper>({
  name: 'image-layer',
  describe: "a layer's tar as the image reader applies it (ustar/PAX/GNU headers, long names, hard and symbolic links, whiteouts), ELF facts and debug locations; wrapped with matching digests in an OCI archive (plain or gzip) or a docker save tarball",
  resizable: true,
  typedErrors: isImageError,
  seeds: () => {
    const layer = seedLayer();
    const fields = new FieldList(layer.length);
    tarHeaderFields(layer, fields);
    return (['oci', 'oci-gzip', 'docker'] as const).map((w): Seed<Wrapper> => ({ name: `layer in ${w}`, bytes: layer, order: 'little', fields: fields.fields, context: w }));
  },
  run: (input, seed, p) => {
    const w = seed.context;
    const archive = w === 'docker' ? dockerArchive(input) : w === 'oci' ? ociArchive(input, sha256(input), false) : ociArchive(gzipSync(input, { level: 1 }), sha256(input), true);
    return readImage(archive, p);
  },
});

export const imageArchive = defineTarget<null>({
  name: 'image-archive',
  describe: 'the archive around the layers: outer tar headers, oci-layout, index.json, manifests, config, docker manifest.json and repositories (digests checked as they stream)',
  resizable: true,
  typedErrors: isImageError,
  seeds: () => {
    const layer = seedLayer();
    return [
      ['oci-archive', ociArchive(layer, sha256(layer), false)],
      ['docker save', dockerArchive(layer)],
    ].map(([name, bytes]) => {
      const b = bytes as Uint8Array;
      const fields = new FieldList(b.length);
      const regions = tarHeaderFields(b, fields);
      // The JSON documents (small entries) are where mutations go besides the headers; the layer blob is left to image-layer.
      return { name: name as string, bytes: b, order: 'little' as const, fields: fields.fields, regions: regions.map(([a]): [number, number] => [a, Math.min(b.length, a + 512 + 1024)]), context: null };
    });
  },
  run: (input, _seed, p) => readImage(input, p),
});

/** The container image targets. */
export const imageTargets = [imageLayer, imageArchive];
