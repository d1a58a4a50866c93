/**
 * Test images written offline: OCI layouts and `docker save` tarballs in
 * every shape, from layer entries given as data (our own tar writer).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarBytes, ContainerImage, type TarWriteEntry, type Platform, type OpenOptions } from '@elfkit/image';
import { openImageFile } from '@elfkit/image/node';
import { which } from '@elfkit/fixtures';

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
export const enc = (s: string) => new TextEncoder().encode(s);

/** A temporary directory removed by `done()`. */
export function tempDir(prefix = 'elfkit-image-test-'): { path: string; done(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, done: () => rmSync(path, { recursive: true, force: true }) };
}

/** zstd-compresses with the zstd command (Node 20 has no zstd encoder). */
export function zstdCompress(b: Uint8Array): Uint8Array {
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: b, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

export const haveZstd = () => which('zstd') !== undefined;

export interface LayerSpec {
  readonly entries: readonly TarWriteEntry[];
  readonly compression?: 'none' | 'gzip' | 'zstd';
  /** gzip: split into this many members (pigz-style). */
  readonly members?: number;
  /** Replace the stored bytes (bad-input tests). */
  readonly mutate?: (stored: Uint8Array) => Uint8Array;
}

export interface ImageSpec {
  readonly layers: readonly LayerSpec[];
  readonly platform?: Platform;
  readonly tags?: readonly string[];
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
  /** Override the descriptor size of a layer (bad-input tests). */
  readonly descriptorSize?: (i: number, real: number) => number;
}

export interface BuiltLayer {
  readonly stored: Uint8Array;
  readonly tar: Uint8Array;
  readonly digest: string;
  readonly diffId: string;
  readonly mediaType: string;
}

export function buildLayer(spec: LayerSpec): BuiltLayer {
  const tar = tarBytes(spec.entries);
  let stored: Uint8Array;
  let mediaType = 'application/vnd.oci.image.layer.v1.tar';
  if (spec.compression === 'gzip') {
    const n = spec.members ?? 1;
    const parts: Uint8Array[] = [];
    const step = Math.ceil(tar.length / n);
    for (let i = 0; i < n; i++) parts.push(gzipSync(tar.subarray(i * step, (i + 1) * step)));
    stored = Buffer.concat(parts);
    mediaType += '+gzip';
  } else if (spec.compression === 'zstd') {
    stored = zstdCompress(tar);
    mediaType += '+zstd';
  } else stored = tar;
  if (spec.mutate) stored = spec.mutate(stored);
  return { stored, tar, digest: 'sha256:' + sha256(stored), diffId: 'sha256:' + sha256(tar), mediaType };
}

function writeBlob(dir: string, bytes: Uint8Array): { digest: string; size: number } {
  const hex = sha256(bytes);
  const p = join(dir, 'blobs', 'sha256', hex);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return { digest: 'sha256:' + hex, size: bytes.length };
}

function json(v: unknown): Uint8Array {
  return enc(JSON.stringify(v));
}

/** Writes one image's blobs (layers, config, manifest) into `dir`; returns the manifest descriptor. */
export function writeImageBlobs(dir: string, image: ImageSpec): { descriptor: Record<string, unknown>; layers: BuiltLayer[]; config: Uint8Array; configDigest: string } {
  const layers = image.layers.map(buildLayer);
  for (const l of layers) writeBlob(dir, l.stored);
  const platform = image.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = json({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Labels: image.labels ?? null },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map(() => ({ created_by: 'elfkit test' })),
  });
  const c = writeBlob(dir, config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
    layers: layers.map((l, i) => ({ mediaType: l.mediaType, digest: l.digest, size: image.descriptorSize ? image.descriptorSize(i, l.stored.length) : l.stored.length })),
    ...(image.annotations ? { annotations: image.annotations } : {}),
  });
  const m = writeBlob(dir, manifest);
  return { descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, platform }, layers, config, configDigest: c.digest };
}

/**
 * An OCI image layout in `dir`. With `nested`, index.json holds one entry
 * pointing at a nested index of the images (as `skopeo copy --all` and
 * Docker's containerd store write it).
 */
export function writeOciLayout(dir: string, images: readonly ImageSpec[], opts: { nested?: boolean; tag?: string } = {}): { manifests: string[]; built: ReturnType<typeof writeImageBlobs>[] } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const built = images.map((im) => writeImageBlobs(dir, im));
  const descs = built.map((b, i) => {
    const tags = images[i]!.tags ?? [];
    return tags.length && !opts.nested ? { ...b.descriptor, annotations: { 'org.opencontainers.image.ref.name': tags[0] } } : b.descriptor;
  });
  let manifests = descs;
  if (opts.nested) {
    const idx = writeBlob(dir, json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descs }));
    manifests = [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...idx, ...(opts.tag ? { annotations: { 'org.opencontainers.image.ref.name': opts.tag } } : {}) }];
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  return { manifests: built.map((b) => b.descriptor.digest as string), built };
}

/** A tar of a directory's files (for `oci-archive` and Docker 25+ shapes), written with the system tar. */
export function tarDirectory(dir: string, out: string): void {
  const r = spawnSync('tar', ['-C', dir, '-cf', out, '.'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
}

/**
 * A legacy `docker save` tarball written by hand (Docker Image Spec v1.2):
 * `<id>/layer.tar` + `<id>/json` + `<id>/VERSION`, `<config hex>.json`,
 * `manifest.json`, `repositories`; layers uncompressed.
 */
export function writeDockerLegacy(out: string, image: ImageSpec, tag = 'example/app:1'): BuiltLayer[] {
  const layers = image.layers.map((l) => buildLayer({ ...l, compression: l.compression ?? 'none' }));
  const config = json({ architecture: 'amd64', os: 'linux', config: { Labels: image.labels ?? null }, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } });
  const cfgName = sha256(config) + '.json';
  const entries: TarWriteEntry[] = [];
  const ids = layers.map((l) => sha256(l.diffId + 'v1'));
  layers.forEach((l, i) => {
    entries.push({ path: ids[i] + '/', type: 'directory', mode: 0o755 });
    entries.push({ path: `${ids[i]}/VERSION`, data: enc('1.0') });
    entries.push({ path: `${ids[i]}/json`, data: json({ id: ids[i], parent: i ? ids[i - 1] : undefined }) });
    entries.push({ path: `${ids[i]}/layer.tar`, data: l.stored });
  });
  entries.push({ path: cfgName, data: config });
  entries.push({ path: 'manifest.json', data: json([{ Config: cfgName, RepoTags: [tag], Layers: ids.map((id) => `${id}/layer.tar`) }]) });
  const [repo, t] = tag.split(':');
  entries.push({ path: 'repositories', data: json({ [repo!]: { [t!]: ids[ids.length - 1] } }) });
  writeFileSync(out, tarBytes(entries));
  return layers;
}

/**
 * A Docker 25+ `docker save`: an OCI layout plus manifest.json whose Layers
 * are `blobs/sha256/<hex>`. `containerd` gives the containerd-store shape
 * (gzip layers, a nested index with an attestation manifest, no
 * `repositories`); otherwise the graphdriver shape (uncompressed layers,
 * `repositories`).
 */
export function writeDocker25(out: string, image: ImageSpec, shape: 'graphdriver' | 'containerd', tag = 'docker.io/example/app:1'): void {
  const t = tempDir();
  try {
    const dir = t.path;
    const compression = shape === 'containerd' ? 'gzip' : 'none';
    const b = writeImageBlobs(dir, { ...image, layers: image.layers.map((l) => ({ ...l, compression })) });
    const ann = { 'io.containerd.image.name': tag, 'org.opencontainers.image.ref.name': tag.split(':').pop()! };
    let top: Record<string, unknown>;
    if (shape === 'containerd') {
      // An attestation manifest beside the image, as buildx writes it.
      const attCfg = writeBlob(dir, json({ architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers', diff_ids: [] } }));
      const att = writeBlob(
        dir,
        json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...attCfg }, layers: [] }),
      );
      const nested = writeBlob(
        dir,
        json({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            b.descriptor,
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              ...att,
              platform: { architecture: 'unknown', os: 'unknown' },
              annotations: { 'vnd.docker.reference.digest': b.descriptor.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
            },
          ],
        }),
      );
      top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...nested, annotations: ann };
    } else {
      top = { ...b.descriptor, annotations: ann };
      writeFileSync(join(dir, 'repositories'), JSON.stringify({ 'example/app': { '1': b.configDigest.slice(7) } }));
    }
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [top] }));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([{ Config: 'blobs/sha256/' + b.configDigest.slice(7), RepoTags: [tag.replace(/^docker\.io\//, '')], Layers: b.layers.map((l) => 'blobs/sha256/' + l.digest.slice(7)) }]),
    );
    tarDirectory(dir, out);
  } finally {
    t.done();
  }
}

/** Opens an image from a path with the Node host; `close()` frees both. */
export async function openPath(path: string, options: Omit<OpenOptions, 'host'> = {}): Promise<{ image: ContainerImage; close(): Promise<void> }> {
  return openImageFile(path, options);
}

/** The file tree of an image as comparable records: path → `type mode [target|sha256]`. */
export async function treeRecords(path: string, options: OpenOptions = {}): Promise<Map<string, string>> {
  const { image, close } = await openPath(path, options);
  try {
    const tree = await image.build({ hashFiles: true, elf: false });
    const out = new Map<string, string>();
    for (const n of tree.walk()) {
      const i = n.inode;
      const mode = i.mode.toString(8).padStart(4, '0');
      out.set(n.path, i.kind === 'file' ? `file ${mode} ${i.digest ?? 'empty:' + sha256(new Uint8Array(0))}` : i.kind === 'symlink' ? `symlink ${i.target}` : `${i.kind} ${mode}`);
    }
    return out;
  } finally {
    await close();
  }
}

export const longDir = 'deep/' + 'segment-of-a-long-path/'.repeat(5) + 'end';
const file = (path: string, text: string, mode = 0o644): TarWriteEntry => ({ path, data: enc(text), mode });
const dir = (path: string, mode = 0o755): TarWriteEntry => ({ path, type: 'directory', mode });

/** Two layers that exercise every rule: whiteouts, opaque dir (marker after an entry), hard link, symlinks, long names, duplicates. */
export function rulesImage(compression: 'gzip' | 'zstd' | 'none' = 'gzip'): ImageSpec {
  return {
    tags: ['rules'],
    layers: [
      {
        compression: 'gzip',
        members: 2,
        entries: [
          dir('etc/'),
          file('etc/gone', 'to be whited out'),
          file('etc/keep', 'kept'),
          dir('var/'),
          dir('var/cache/'),
          file('var/cache/a', 'a'),
          dir('var/cache/sub/'),
          file('var/cache/sub/b', 'b'),
          dir('usr/'),
          dir('usr/bin/'),
          file('usr/bin/tool', 'tool v1', 0o755),
          dir('usr/lib/'),
          { path: 'lib', type: 'symlink', linkpath: 'usr/lib' },
          { path: 'abs', type: 'symlink', linkpath: '/etc/keep' },
          { path: 'esc', type: 'symlink', linkpath: '../../../etc/keep' },
          { path: 'loop1', type: 'symlink', linkpath: 'loop2' },
          { path: 'loop2', type: 'symlink', linkpath: 'loop1' },
          dir('deep/'),
          file(`${longDir}/file`, 'long path'),
          file('dup', 'first'),
          file('./dup', 'second'),
          { path: 'hard', type: 'hardlink', linkpath: 'usr/bin/tool' },
          file('setuid', 'suid', 0o4755),
        ],
      },
      {
        compression,
        entries: [
          file('etc/.wh.gone', ''),
          file('var/cache/new', 'new'),
          file('var/cache/.wh..wh..opq', ''),
          file('lib/libx.so', 'through the lib symlink'),
          file('usr/bin/tool', 'tool v2', 0o755),
          file('.wh.nothing-here', ''),
        ],
      },
    ],
  };
}


/** The bytes of a file on disk. */
export const bytesOf = (p: string) => new Uint8Array(readFileSync(p));

/**
 * ELF files for scan tests, made from fixtures and built here: a binary
 * with DWARF, one stripped with its debug file under /usr/lib/debug/.build-id,
 * one with a debug link to `.debug/` beside it, Go binaries (one with
 * modules), a shared library with a `.note.package`, a stamped binary, and
 * one whose debug information is nowhere.
 */
export function elfImageFiles(work: string, fx: { path(name: string): string; esbuild?: string }): { layers: ImageSpec['layers']; stampCommit: string; stampRemote: string } {
  const run = (cmd: string, args: string[], cwd?: string) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  mkdirSync(work, { recursive: true });
  // A debug link beside the binary (no build-id tree for it).
  const o2 = join(work, 'o2');
  run('objcopy', ['--only-keep-debug', fx.path('c/gcc-O2'), join(work, 'o2.debug')]);
  run('objcopy', ['--strip-debug', '--remove-section=.note.gnu.build-id', `--add-gnu-debuglink=${join(work, 'o2.debug')}`, fx.path('c/gcc-O2'), o2]);
  // A shared library with a .note.package (systemd's FDO packaging note).
  writeFileSync(join(work, 'foo.c'), 'int foo(int x) { return x * 2; }\n');
  const lib = join(work, 'libfoo.so.1');
  run('gcc', ['-shared', '-fPIC', '-g', '-Wl,-soname,libfoo.so.1', '-o', lib, join(work, 'foo.c')]);
  const pkg = enc(JSON.stringify({ type: 'deb', os: 'debian', name: 'libfoo1', version: '1.0-1', architecture: 'amd64' }) + '\0');
  const descsz = pkg.length;
  const note = Buffer.alloc(12 + 4 + Math.ceil(descsz / 4) * 4);
  note.writeUInt32LE(4, 0);
  note.writeUInt32LE(descsz, 4);
  note.writeUInt32LE(0xcafe1a7e, 8);
  note.write('FDO\0', 12);
  Buffer.from(pkg).copy(note, 16);
  writeFileSync(join(work, 'note.bin'), note);
  run('objcopy', ['--add-section', `.note.package=${join(work, 'note.bin')}`, '--set-section-flags', '.note.package=noload,readonly', lib]);
  // A stamped binary, from a repository with a remote.
  const repo = join(work, 'repo');
  mkdirSync(repo);
  run('git', ['init', '-q'], repo);
  run('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x'], repo);
  run('git', ['remote', 'add', 'origin', 'https://example.com/acme/app.git'], repo);
  const stampCommit = run('git', ['rev-parse', 'HEAD'], repo).trim();
  const stamped = join(work, 'stamped');
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'dist', 'elfkit.mjs');
  run(process.execPath, [cli, 'stamp', fx.path('c/gcc-pie'), '-o', stamped, '--git-dir', repo]);
  const f = (path: string, p: string, mode = 0o755): TarWriteEntry => ({ path, data: bytesOf(p), mode });
  const stripped = fx.path('c/gcc-stripped');
  const layer0: TarWriteEntry[] = [
    { path: 'usr/', type: 'directory' },
    { path: 'usr/bin/', type: 'directory' },
    f('usr/bin/hello', fx.path('c/gcc-dwarf5')),
    f('usr/bin/stripped', stripped),
    { path: 'usr/bin/stripped-again', type: 'hardlink', linkpath: 'usr/bin/stripped' },
    { path: 'usr/bin/hello-link', type: 'symlink', linkpath: 'hello' },
    f('usr/lib/debug/.build-id/b8/032aef01367808fa5286957b36d381501ca51f.debug', fx.path('c/gcc-stripped.debug'), 0o644),
    f('usr/bin/go-hello', fx.path('go/go1.27-amd64')),
    f('usr/bin/go-vcs', fx.path('go/go1.27-amd64-vcs')),
    f('usr/bin/go-sw', fx.path('go/go1.27-amd64-sw')),
    f('opt/app/o2', o2),
    f('opt/app/.debug/o2.debug', join(work, 'o2.debug'), 0o644),
    f('usr/lib/x86_64-linux-gnu/libfoo.so.1', lib, 0o644),
    f('usr/bin/stamped', stamped),
    { path: 'etc/motd', data: enc('not an ELF file\n') },
    { path: 'usr/bin/script', data: enc('#!/bin/sh\necho hi\n'), mode: 0o755 },
    { path: 'usr/bin/fake', data: enc('\x7fELF but not really an ELF file, just text of some length.'), mode: 0o755 },
  ];
  if (fx.esbuild) layer0.push(f('usr/local/bin/esbuild', fx.esbuild));
  const layer1: TarWriteEntry[] = [
    { path: 'usr/bin/.wh.go-vcs', data: new Uint8Array(0) },
    f('usr/bin/hello', fx.path('c/gcc-dwarf4')),
  ];
  return { layers: [{ compression: 'gzip', entries: layer0 }, { compression: 'none', entries: layer1 }], stampCommit, stampRemote: 'https://example.com/acme/app.git' };
}
