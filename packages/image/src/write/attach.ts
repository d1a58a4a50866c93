import { isoTime } from '@elfkit/binary';
import { DEBUG_ARTIFACT_TYPE, DebugAnnotation, SIGSTORE_BUNDLE_TYPE } from '../annotations.js';
import { gzipStream } from '../compression.js';
import type { ContainerImage } from '../container-image.js';
import { debugTreeBytes, planDebugTree, type DebugTreePlan } from '../debug-split.js';
import { digestOf, type HasherFactory } from '../digest.js';
import { ImageError } from '../errors.js';
import { Annotation, EMPTY_JSON_DIGEST, MediaType } from '../layout/media-types.js';
import { tarChunks, type TarWriteEntry } from '../tar/writer.js';
import { jsonBytes, putJsonBlob, readJsonFile, type JsonDescriptor, type LayoutWriter } from './layout-writer.js';

const EMPTY_CONFIG: JsonDescriptor = { mediaType: MediaType.ociEmpty, digest: EMPTY_JSON_DIGEST, size: 2 };
const TITLE = 'org.opencontainers.image.title';

/**
 * Adds a descriptor to index.json's manifests. With `stored` (the writing
 * of the blobs the new index names: `d`'s, and any it names), the new
 * index is prepared meanwhile and replaces the old one only once they are
 * stored.
 */
export async function addToIndex(image: ContainerImage, writer: LayoutWriter, d: JsonDescriptor, stored?: Promise<unknown>): Promise<void> {
  stored?.catch(() => {}); // awaited by writeIndex; a rejection while index.json is read is not unhandled
  const top = await readJsonFile(image.files, 'index.json');
  const list = Array.isArray(top.manifests) ? top.manifests : [];
  await writer.writeIndex(jsonBytes({ ...top, manifests: [...list, d] }), stored);
  await stored;
}

function requireLayout(image: ContainerImage): { digest: string; mediaType: string; size: number } {
  const info = image.info;
  if (info.container !== 'directory' || !info.digest || !info.descriptor) {
    throw new ImageError('unsupported', 'artifacts are attached to an image in an OCI layout directory (copy it with skopeo to oci:DIR first)');
  }
  return { digest: info.digest, mediaType: info.descriptor.mediaType, size: info.descriptor.size };
}

/** Now in RFC 3339 to the second, as `toISOString` without its fraction (see isoTime). */
function nowSeconds(): string {
  return isoTime(Math.floor(Date.now() / 1000) * 1000);
}

/** What attach-debug stored. */
export interface AttachedDebug {
  readonly artifact: JsonDescriptor;
  readonly layer: JsonDescriptor;
  readonly plan: DebugTreePlan;
}

/** Options of {@link attachDebugArtifact}. */
export interface AttachDebugOptions {
  /** The manifest's created time (RFC 3339); now when not given. */
  readonly created?: string;
  /** Called with the layer's uncompressed bytes so far (the tar stream) before each chunk goes to the compressor. */
  readonly onLayerInput?: (bytes: number) => void;
}

/** `chunks`, with `report` told the bytes so far before each chunk is passed on. */
async function* reported(chunks: AsyncIterable<Uint8Array>, report: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const c of chunks) {
    bytes += c.length;
    report(bytes);
    yield c;
  }
}

/**
 * Stores the image's debug information (the `.build-id` tree of
 * {@link planDebugTree}) as an OCI 1.1 artifact in the same layout: a
 * `tar+gzip` layer, the empty config, `artifactType`
 * `application/vnd.elfkit.debuginfo.v1+tar` and `subject` the image
 * manifest; index.json lists it. The image manifest is not changed, so its
 * digest (and any signature on it) stays valid.
 */
export async function attachDebugArtifact(image: ContainerImage, writer: LayoutWriter, hasher: HasherFactory, options: AttachDebugOptions = {}): Promise<AttachedDebug> {
  const subject = requireLayout(image);
  const plan = planDebugTree(image.elfFiles());
  if (plan.files.length === 0) throw new ImageError('no-match', 'the image has no debug information to attach (no DWARF, no separate debug files)');
  const dirs = new Set<string>(['.build-id/']);
  for (const f of plan.files) dirs.add(f.path.slice(0, f.path.lastIndexOf('/') + 1));
  async function* entries(): AsyncGenerator<TarWriteEntry> {
    for (const d of [...dirs].sort()) yield { path: d, type: 'directory', mode: 0o755 };
    for (const f of plan.files) yield { path: f.path, data: await debugTreeBytes(image, f), mode: 0o644 };
  }
  const tar = tarChunks(entries());
  // The empty config is written (and flushed) while the layer is compressed, and the manifest while the layer
  // is flushed: index.json, which names them, is replaced once all three are stored.
  const config = writer.writeBlob(EMPTY_JSON_DIGEST, jsonBytes({}));
  config.catch(() => {}); // awaited with the others below; a failure meanwhile is not unhandled
  const stored = await writer.writeBlobStream(gzipStream(options.onLayerInput ? reported(tar, options.onLayerInput) : tar));
  stored.stored.catch(() => {}); // likewise
  const layer: JsonDescriptor = { mediaType: MediaType.ociLayerGzip, digest: stored.digest, size: stored.size, annotations: { [TITLE]: 'debuginfo.tar.gz' } };
  const created = options.created ?? nowSeconds();
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: DEBUG_ARTIFACT_TYPE,
    config: EMPTY_CONFIG,
    layers: [layer],
    subject,
    annotations: { [Annotation.created]: created, [DebugAnnotation.buildIds]: plan.files.map((f) => f.buildId).join(',') },
  };
  // The manifest and the new index are written and flushed together; index.json is replaced once the blobs are stored.
  const bytes = jsonBytes(manifest);
  const artifact: JsonDescriptor = { mediaType: MediaType.ociManifest, digest: digestOf(bytes, hasher), size: bytes.length, artifactType: DEBUG_ARTIFACT_TYPE };
  await addToIndex(image, writer, artifact, Promise.all([stored.stored, config, writer.writeBlob(artifact.digest, bytes)]));
  return { artifact, layer, plan };
}

/**
 * Stores a Sigstore bundle that signs `subject` (a manifest's bytes) as a
 * referrer in the layout, the way cosign's bundle format does for
 * registries (sigstore/cosign `specs/BUNDLE_SPEC.md`): the bundle as the
 * one layer, the empty config, `subject` the signed manifest.
 */
export async function attachSignatureBundle(image: ContainerImage, writer: LayoutWriter, hasher: HasherFactory, subject: JsonDescriptor, bundle: Uint8Array, options: { created?: string } = {}): Promise<JsonDescriptor> {
  const digest = digestOf(bundle, hasher);
  await writer.writeBlob(digest, bundle);
  await writer.writeBlob(EMPTY_JSON_DIGEST, jsonBytes({}));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: SIGSTORE_BUNDLE_TYPE,
    config: EMPTY_CONFIG,
    layers: [{ mediaType: SIGSTORE_BUNDLE_TYPE, digest, size: bundle.length, annotations: { [TITLE]: `${subject.digest.replace(':', '-')}.sigstore.json` } }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { 'dev.sigstore.bundle.content': 'message-signature', [Annotation.created]: options.created ?? nowSeconds() },
  };
  const d = await putJsonBlob(writer, MediaType.ociManifest, manifest, hasher, { artifactType: SIGSTORE_BUNDLE_TYPE });
  await addToIndex(image, writer, d);
  return d;
}
