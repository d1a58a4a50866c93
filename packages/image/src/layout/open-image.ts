import { bytesAccess, collect, readChunks, type RandomAccess } from '../access.js';
import { sniffCompression, type Compression } from '../compression.js';
import { parseDigest } from '../digest.js';
import { ImageError, type ImageWarning } from '../errors.js';
import type { ResolvedHost } from '../host.js';
import type { LayerRef } from '../layer-stream.js';
import { VerifiedStream } from '../verified-stream.js';
import {
  MAX_DOCUMENT,
  dockerSaveManifest,
  imageConfig,
  imageIndex,
  imageManifest,
  parseJson,
  parsePlatform,
  platformMatches,
  platformText,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type Platform,
} from './documents.js';
import { archiveFiles, type ImageFiles } from './files.js';
import { Annotation, isImageConfigType, isIndexType, isManifestType } from './media-types.js';

/** How the image is stored. */
export type ImageFormat =
  /** An OCI image layout (directory, or a tar of one: `oci-archive`). */
  | 'oci-layout'
  /** `docker save` before Docker 25: `manifest.json` and `repositories`, layers by path. */
  | 'docker-save'
  /** `docker save` since Docker 25: an OCI layout plus `manifest.json`. */
  | 'docker-save-oci';

/** A manifest in the layout that refers to the image: an OCI 1.1 referrer or a Docker attestation. */
export interface Referrer {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** The artifact type (`artifactType`, else the config's media type). */
  readonly artifactType: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** `subject` (OCI 1.1) or `attestation` (buildx's `vnd.docker.reference.digest`). */
  readonly via: 'subject' | 'attestation';
  /** The digest it refers to: the image's, or another referrer's. */
  readonly subject: string;
  readonly manifest?: ImageManifest;
}

/** Another image in the same file, not chosen. */
export interface OtherImage {
  readonly digest?: string;
  readonly platform?: Platform;
  readonly tags: readonly string[];
}

/** The chosen image: where it is, its manifest, configuration and layers. */
export interface ImageInfo {
  /** The file or directory read. */
  readonly source: string;
  readonly container: 'directory' | 'archive';
  /** Compression of the archive file itself (`docker save | gzip`). */
  readonly archiveCompression: Compression;
  readonly format: ImageFormat;
  /** Names the image goes by (`org.opencontainers.image.ref.name`, `io.containerd.image.name`, `RepoTags`). */
  readonly tags: readonly string[];
  /** The image manifest's digest (none for a legacy `docker save`). */
  readonly digest?: string;
  /** The descriptor that names the manifest (its media type and size). */
  readonly descriptor?: Descriptor;
  /** Digests of the indexes passed through to reach it, outermost first. */
  readonly indexes: readonly string[];
  readonly manifest?: ImageManifest;
  readonly config: ImageConfig;
  readonly configDigest?: string;
  readonly platform?: Platform;
  readonly layers: readonly LayerRef[];
  /** The manifest's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Annotations on the descriptors that lead to the manifest (index.json's, nested indexes'). */
  readonly descriptorAnnotations: Readonly<Record<string, string>>;
  /** The configuration's `config.Labels`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly referrers: readonly Referrer[];
  readonly others: readonly OtherImage[];
}

/** Which image to choose. */
export interface ImageSelection {
  /** `os/arch[/variant]`: only images for this platform. */
  readonly platform?: Platform | string;
  /** When several images remain and no platform was asked for, prefer this one (the CLI passes the machine's). */
  readonly preferPlatform?: Platform;
  /** A tag (`latest`, `repo:tag`, a full name) or a manifest digest. */
  readonly ref?: string;
}

/** What an image is opened from. */
export type ImageInput = { readonly directory: ImageFiles } | { readonly archive: RandomAccess; readonly name: string };

const MAX_INDEX_DEPTH = 8;
const DOCKER_ATTESTATION = 'attestation-manifest';

interface Candidate {
  descriptor: Descriptor;
  indexes: string[];
  tags: string[];
  annotations: Record<string, string>;
  manifest?: ImageManifest;
  missing?: boolean;
  platform?: Platform;
}

function tagsOf(a: Readonly<Record<string, string>> | undefined): string[] {
  const out: string[] = [];
  for (const k of [Annotation.containerdName, Annotation.refName]) if (a?.[k]) out.push(a[k]!);
  return out;
}

function blobPath(digest: string): string {
  const d = parseDigest(digest)!;
  return `blobs/${d.algorithm}/${d.hex}`;
}

/** Reads a small blob (a manifest, index or config) whole, checking its size and digest. */
export async function readBlob(files: ImageFiles, d: { digest: string; size?: number }, host: ResolvedHost): Promise<Uint8Array> {
  const access = await files.open(blobPath(d.digest));
  if (!access) throw new ImageError('missing-blob', `the image has no blob ${d.digest}`, { blob: d.digest });
  if (access.size > MAX_DOCUMENT) throw new ImageError('too-large', `document of ${access.size} bytes is over the ${MAX_DOCUMENT}-byte limit`, { blob: d.digest });
  return readVerified(access, d.digest, d.size, host, d.digest);
}

async function readVerified(access: RandomAccess, digest: string | undefined, size: number | undefined, host: ResolvedHost, name: string): Promise<Uint8Array> {
  const v = new VerifiedStream(readChunks(access), { name, digest, size }, host.hasher);
  const bytes = await collect(v);
  await v.finish();
  return bytes;
}

async function readFile(files: ImageFiles, path: string, what: string): Promise<Uint8Array | undefined> {
  const access = await files.open(path);
  if (!access) return undefined;
  if (access.size > MAX_DOCUMENT) throw new ImageError('too-large', `${what} of ${access.size} bytes is over the ${MAX_DOCUMENT}-byte limit`, { blob: path });
  return access.read(0, access.size);
}

function matchesRef(ref: string, tags: readonly string[], digests: readonly string[]): boolean {
  if (digests.includes(ref)) return true;
  for (const t of tags) {
    if (t === ref) return true;
    // `repo:tag` or a bare tag against a full name (`docker.io/library/alpine:3.19`).
    if (t.endsWith('/' + ref) || t.endsWith(':' + ref)) return true;
    const short = t.replace(/^docker\.io\/(library\/)?/, '');
    if (short === ref) return true;
  }
  return false;
}

/** Opens the files of an image: a directory as it is; an archive indexed (decompressed first when the whole file is compressed). */
async function imageFiles(input: ImageInput, host: ResolvedHost): Promise<{ files: ImageFiles; container: 'directory' | 'archive'; compression: Compression; release?: () => Promise<void> | void }> {
  if ('directory' in input) return { files: input.directory, container: 'directory', compression: 'none' };
  const head = await input.archive.read(0, Math.min(8, input.archive.size));
  const compression = sniffCompression(head);
  if (compression === 'none') return { files: await archiveFiles(input.archive, input.name), container: 'archive', compression };
  if (compression !== 'gzip' && compression !== 'zstd') throw new ImageError('unsupported', `the image file is ${compression}-compressed (gzip, zstd or none are read)`, { blob: input.name });
  // A compressed archive cannot be read out of order: decompress it once.
  const plain = host.decompressors[compression](readChunks(input.archive));
  if (host.spill) {
    const w = await host.spill();
    try {
      for await (const c of plain) await w.write(c);
    } catch (e) {
      await w.discard();
      throw new ImageError('invalid', `${compression} data of the image file is corrupt: ${(e as Error).message}`, { blob: input.name });
    }
    const spilled = await w.done();
    return { files: await archiveFiles(spilled.access, input.name), container: 'archive', compression, release: () => spilled.close() };
  }
  let bytes: Uint8Array;
  try {
    bytes = await collect(plain, host.memoryLimit, 'the decompressed image file');
  } catch (e) {
    throw new ImageError(e instanceof RangeError ? 'too-large' : 'invalid', `cannot decompress the image file: ${(e as Error).message}`, { blob: input.name });
  }
  return { files: await archiveFiles(bytesAccess(bytes), input.name), container: 'archive', compression };
}

/** An opened image: what was chosen, and the files it is read from. */
export interface OpenedImage {
  readonly info: ImageInfo;
  readonly files: ImageFiles;
  readonly warnings: readonly ImageWarning[];
  /** Frees temporary storage (a decompressed archive). */
  close(): Promise<void>;
}

/**
 * Finds the image in an OCI layout or `docker save` tarball and reads its
 * manifest and configuration. The format is judged by the files present
 * (`index.json`, `manifest.json`), never by the file name. Nested indexes
 * are followed; attestation manifests and artifacts are not images (they
 * are listed as referrers of the image they name).
 */
export async function openImage(input: ImageInput, select: ImageSelection, host: ResolvedHost): Promise<OpenedImage> {
  const { files, container, compression, release } = await imageFiles(input, host);
  const warnings: ImageWarning[] = [];
  try {
    const want = typeof select.platform === 'string' ? parsePlatform(select.platform) : select.platform;
    const indexBytes = await readFile(files, 'index.json', 'index.json');
    const dockerBytes = await readFile(files, 'manifest.json', 'manifest.json');
    if (!indexBytes && !dockerBytes) {
      throw new ImageError('not-an-image', 'not an OCI layout or docker save archive (no index.json or manifest.json)', { blob: files.name });
    }
    let info: ImageInfo | undefined;
    if (indexBytes) {
      const layoutBytes = await readFile(files, 'oci-layout', 'oci-layout');
      if (layoutBytes) {
        const l = parseJson(layoutBytes, 'oci-layout') as { imageLayoutVersion?: unknown };
        if (typeof l?.imageLayoutVersion === 'string' && !l.imageLayoutVersion.startsWith('1.')) {
          throw new ImageError('unsupported', `image layout version ${l.imageLayoutVersion}`, { blob: 'oci-layout' });
        }
      }
      info = await chooseFromIndex(files, indexBytes, dockerBytes ? 'docker-save-oci' : 'oci-layout', { want, select }, host, warnings, !!dockerBytes);
    }
    if (!info && dockerBytes) info = await chooseFromDockerManifest(files, dockerBytes, indexBytes ? 'docker-save-oci' : 'docker-save', { want, select }, host);
    if (!info) throw new ImageError('no-match', 'the image index holds no image manifest', { blob: 'index.json' });
    const done: ImageInfo = { ...info, source: files.name, container, archiveCompression: compression };
    return { info: done, files, warnings, close: async () => void (await release?.()) };
  } catch (e) {
    await release?.();
    throw e;
  }
}

interface Want {
  want?: Platform;
  select: ImageSelection;
}

async function chooseFromIndex(files: ImageFiles, bytes: Uint8Array, format: ImageFormat, w: Want, host: ResolvedHost, warnings: ImageWarning[], fallback: boolean): Promise<ImageInfo | undefined> {
  const top = imageIndex(parseJson(bytes, 'index.json'), 'index.json');
  const images: Candidate[] = [];
  const manifests = new Map<string, { manifest: ImageManifest; descriptor: Descriptor }>();
  const walk = async (list: readonly Descriptor[], indexes: string[], inherited: string[], annotations: Record<string, string>, depth: number, where: string) => {
    for (const d of list) {
      const tags = [...inherited, ...tagsOf(d.annotations)];
      const ann = { ...annotations, ...(d.annotations ?? {}) };
      if (isIndexType(d.mediaType)) {
        if (depth >= MAX_INDEX_DEPTH) throw new ImageError('too-large', `image indexes nested more than ${MAX_INDEX_DEPTH} deep`, { blob: d.digest });
        let nested;
        try {
          nested = imageIndex(parseJson(await readBlob(files, d, host), d.digest), d.digest);
        } catch (e) {
          if ((e as ImageError).code === 'missing-blob') {
            warnings.push({ code: 'missing-blob', message: `index ${d.digest} named in ${where} is not in the image`, blob: d.digest });
            continue;
          }
          throw e;
        }
        await walk(nested.manifests, [...indexes, d.digest], tags, ann, depth + 1, d.digest);
        continue;
      }
      if (!isManifestType(d.mediaType)) continue; // unknown media types are not errors (image-layout.md)
      const attestation = d.annotations?.[Annotation.dockerReferenceType] === DOCKER_ATTESTATION || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
      let manifest: ImageManifest | undefined;
      try {
        manifest = imageManifest(parseJson(await readBlob(files, d, host), d.digest), d.digest);
      } catch (e) {
        if ((e as ImageError).code !== 'missing-blob') throw e;
      }
      if (manifest) manifests.set(d.digest, { manifest, descriptor: d });
      const artifact = !!(d.artifactType || manifest?.artifactType || (manifest && !isImageConfigType(manifest.config.mediaType)) || manifest?.subject);
      if (attestation || artifact) continue;
      images.push({ descriptor: d, indexes, tags, annotations: ann, manifest, missing: !manifest, platform: d.platform });
    }
  };
  await walk(top.manifests, [], [], {}, 0, 'index.json');
  if (images.length === 0 && fallback) return undefined;
  // Descriptors of other media types only (artifacts, or a damaged mediaType): nothing to choose from.
  if (images.length === 0) throw new ImageError('not-an-image', 'index.json names no image manifest (no descriptor with an image manifest or index media type)', { blob: 'index.json' });
  const chosen = await choose(
    images,
    w,
    (c) => [c.descriptor.digest, ...c.indexes],
    async (c) => c.platform ?? (c.manifest ? platformOfConfig(await loadConfig(files, c.manifest, host)) : undefined),
    (c) => c.tags,
  );
  if (chosen.missing || !chosen.manifest) {
    throw new ImageError('missing-blob', `the image has no blob ${chosen.descriptor.digest} (the manifest for ${platformText(chosen.platform)})`, { blob: chosen.descriptor.digest });
  }
  const manifest = chosen.manifest;
  const config = await loadConfig(files, manifest, host);
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers: LayerRef[] = manifest.layers.map((l, i) => ({
    index: i,
    name: l.digest,
    path: blobPath(l.digest),
    digest: l.digest,
    size: l.size,
    mediaType: l.mediaType,
    diffId: diffIds.length === manifest.layers.length ? diffIds[i] : undefined,
  }));
  // Referrers of the image, and of those (a signature on a debug artifact).
  const referrers: Referrer[] = [];
  const subjects = new Set([chosen.descriptor.digest]);
  for (let round = 0; round < 2; round++) {
    for (const [digest, { manifest: m, descriptor: d }] of manifests) {
      if (subjects.has(digest)) continue;
      const attested = d.annotations?.[Annotation.dockerReferenceDigest];
      const subject = m.subject && subjects.has(m.subject.digest) ? m.subject.digest : attested && subjects.has(attested) ? attested : undefined;
      if (!subject || referrers.some((r) => r.digest === digest)) continue;
      referrers.push({
        digest,
        mediaType: d.mediaType,
        size: d.size,
        artifactType: m.artifactType ?? d.artifactType ?? m.config.mediaType,
        annotations: { ...(d.annotations ?? {}), ...(m.annotations ?? {}) },
        via: m.subject?.digest === subject ? 'subject' : 'attestation',
        subject,
        manifest: m,
      });
    }
    for (const r of referrers) subjects.add(r.digest);
  }
  return {
    source: files.name,
    container: 'directory',
    archiveCompression: 'none',
    format,
    tags: [...new Set(chosen.tags)],
    digest: chosen.descriptor.digest,
    descriptor: chosen.descriptor,
    indexes: chosen.indexes,
    manifest,
    config,
    configDigest: manifest.config.digest,
    platform: chosen.platform ?? platformOfConfig(config),
    layers,
    annotations: manifest.annotations ?? {},
    descriptorAnnotations: chosen.annotations,
    labels: config.config?.Labels ?? {},
    referrers,
    others: images.filter((c) => c !== chosen && c.descriptor.digest !== chosen.descriptor.digest).map((c) => ({ digest: c.descriptor.digest, platform: c.platform, tags: c.tags })),
  };
}

const configCache = new WeakMap<ImageManifest, Promise<ImageConfig>>();

function loadConfig(files: ImageFiles, m: ImageManifest, host: ResolvedHost): Promise<ImageConfig> {
  let p = configCache.get(m);
  if (!p) {
    p = readBlob(files, m.config, host).then((b) => imageConfig(parseJson(b, m.config.digest), m.config.digest));
    configCache.set(m, p);
  }
  return p;
}

function platformOfConfig(c: ImageConfig): Platform | undefined {
  return c.os && c.architecture ? { os: c.os, architecture: c.architecture, variant: c.variant } : undefined;
}

/** Picks one candidate by ref, platform, then the preferred platform; an error lists what there is. */
async function choose<C>(all: C[], w: Want, digests: (c: C) => string[], platformOf: (c: C) => Promise<Platform | undefined>, tagsOf: (c: C) => string[]): Promise<C> {
  let list = all;
  const describe = async (cs: C[]) => (await Promise.all(cs.map(async (c) => `${platformText(await platformOf(c))}${tagsOf(c).length ? ' ' + tagsOf(c).join(',') : ''}`))).join('; ');
  if (w.select.ref) {
    const ref = w.select.ref;
    list = list.filter((c) => matchesRef(ref, tagsOf(c), digests(c)));
    if (list.length === 0) throw new ImageError('no-match', `no image tagged ${JSON.stringify(ref)} (there are: ${await describe(all)})`);
  }
  if (w.want) {
    const want = w.want;
    const keep: C[] = [];
    for (const c of list) if (platformMatches(await platformOf(c), want)) keep.push(c);
    if (keep.length === 0) throw new ImageError('no-match', `no image for platform ${platformText(want)} (there are: ${await describe(list)})`);
    list = keep;
  }
  const unique = (cs: C[]) => [...new Map(cs.map((c) => [digests(c)[0] ?? c, c] as const)).values()];
  list = unique(list);
  if (list.length > 1 && w.select.preferPlatform && !w.want) {
    const prefer = w.select.preferPlatform;
    const keep: C[] = [];
    for (const c of list) if (platformMatches(await platformOf(c), prefer)) keep.push(c);
    if (keep.length >= 1) list = keep;
  }
  if (list.length > 1) throw new ImageError('no-match', `${list.length} images match; choose one with a platform or tag (${await describe(list)})`);
  return list[0]!;
}

/** Where a `docker save` file names its own digest: `<hex>.json`, `blobs/sha256/<hex>`, `sha256:<hex>`. */
function digestInName(path: string): string | undefined {
  const m = /(?:^|\/)(?:sha256[:/])?([0-9a-f]{64})(?:\.json)?$/.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

async function chooseFromDockerManifest(files: ImageFiles, bytes: Uint8Array, format: ImageFormat, w: Want, host: ResolvedHost): Promise<ImageInfo> {
  const entries = dockerSaveManifest(parseJson(bytes, 'manifest.json'), 'manifest.json');
  if (entries.length === 0) throw new ImageError('no-match', 'manifest.json lists no image', { blob: 'manifest.json' });
  const configs = new Map<string, Promise<ImageConfig>>();
  const configOf = (path: string) => {
    let p = configs.get(path);
    if (!p) {
      p = (async () => {
        const access = await files.open(path);
        if (!access) throw new ImageError('missing-blob', 'the config file named in manifest.json is not in the archive', { blob: path });
        if (access.size > MAX_DOCUMENT) throw new ImageError('too-large', `config of ${access.size} bytes`, { blob: path });
        const b = await readVerified(access, digestInName(path), undefined, host, path);
        return imageConfig(parseJson(b, path), path);
      })();
      configs.set(path, p);
    }
    return p;
  };
  const chosen = await choose(
    entries,
    w,
    (e) => [digestInName(e.Config) ?? e.Config],
    async (e) => platformOfConfig(await configOf(e.Config)),
    (e) => [...(e.RepoTags ?? [])],
  );
  const config = await configOf(chosen.Config);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length && diffIds.length !== chosen.Layers.length) {
    throw new ImageError('invalid', `manifest.json lists ${chosen.Layers.length} layers, the config ${diffIds.length} diff ids`, { blob: chosen.Config });
  }
  const layers: LayerRef[] = chosen.Layers.map((path, i) => {
    const digest = /^blobs\//.test(path) ? digestInName(path) : undefined;
    return { index: i, name: digest ?? path, path, digest, diffId: diffIds[i] };
  });
  return {
    source: files.name,
    container: 'directory',
    archiveCompression: 'none',
    format,
    tags: [...(chosen.RepoTags ?? [])],
    digest: undefined,
    indexes: [],
    config,
    configDigest: digestInName(chosen.Config),
    platform: platformOfConfig(config),
    layers,
    annotations: {},
    descriptorAnnotations: {},
    labels: config.config?.Labels ?? {},
    referrers: [],
    others: entries.filter((e) => e !== chosen).map((e) => ({ digest: digestInName(e.Config), tags: [...(e.RepoTags ?? [])] })),
  };
}
