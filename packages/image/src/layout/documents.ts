import { decodeUtf8 } from '@elfkit/binary';
import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';

/** A platform (image-spec `image-index.md`). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A content descriptor (image-spec `descriptor.md`). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
  readonly urls?: readonly string[];
}

/** An image index or Docker manifest list. */
export interface ImageIndex {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly subject?: Descriptor;
  readonly artifactType?: string;
}

/** An image manifest (OCI or Docker schema 2), or an OCI 1.1 artifact manifest. */
export interface ImageManifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The parts of an image configuration this package reads. */
export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly config?: { readonly Labels?: Readonly<Record<string, string>> | null; readonly [k: string]: unknown };
  readonly rootfs?: { readonly type?: string; readonly diff_ids?: readonly string[] };
  readonly history?: readonly { readonly created_by?: string; readonly empty_layer?: boolean; readonly [k: string]: unknown }[];
}

/** One image of a `docker save` `manifest.json`. */
export interface DockerSaveEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[] | null;
  readonly Layers: readonly string[];
  readonly LayerSources?: Readonly<Record<string, Descriptor>>;
}

type Json = Record<string, unknown>;

/** Largest JSON document read (manifests, indexes, configs), against bombs. */
export const MAX_DOCUMENT = 16 << 20;

/** Parses a JSON document; a syntax error names the blob. */
export function parseJson(bytes: Uint8Array, blob: string): unknown {
  if (bytes.length > MAX_DOCUMENT) throw new ImageError('too-large', `JSON document of ${bytes.length} bytes is over the ${MAX_DOCUMENT}-byte limit`, { blob });
  try {
    return JSON.parse(decodeUtf8(bytes));
  } catch (e) {
    throw new ImageError('invalid', `not valid JSON: ${(e as Error).message}`, { blob });
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, what: string, blob: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) throw new ImageError('invalid', `${what} must map strings to strings`, { blob });
  return v as Record<string, string>;
}

/** Checks a descriptor's fields (digest well-formed, size a byte count). */
export function descriptor(v: unknown, what: string, blob: string): Descriptor {
  if (!isObject(v)) throw new ImageError('invalid', `${what} is not a descriptor object`, { blob });
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string') throw new ImageError('invalid', `${what} has no mediaType`, { blob });
  if (!parseDigest(digest)) throw new ImageError('invalid', `${what} has a malformed digest ${JSON.stringify(digest)}`, { blob });
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new ImageError('invalid', `${what} has an invalid size ${JSON.stringify(size)}`, { blob });
  let platform: Platform | undefined;
  if (isObject(v.platform)) {
    const p = v.platform;
    if (typeof p.os !== 'string' || typeof p.architecture !== 'string') throw new ImageError('invalid', `${what} has a platform without os and architecture`, { blob });
    platform = { os: p.os, architecture: p.architecture, variant: typeof p.variant === 'string' ? p.variant : undefined };
  }
  return {
    mediaType,
    digest: digest as string,
    size,
    annotations: stringMap(v.annotations, `${what} annotations`, blob),
    platform,
    artifactType: typeof v.artifactType === 'string' ? v.artifactType : undefined,
    urls: Array.isArray(v.urls) ? v.urls.filter((u): u is string => typeof u === 'string') : undefined,
  };
}

/** Validates an image index (`manifests: null`, as Docker 25 wrote, reads as empty). */
export function imageIndex(v: unknown, blob: string): ImageIndex {
  if (!isObject(v)) throw new ImageError('invalid', 'image index is not a JSON object', { blob });
  if (v.schemaVersion !== 2) throw new ImageError('unsupported', `image index schemaVersion ${JSON.stringify(v.schemaVersion)} (2 expected)`, { blob });
  const list = v.manifests ?? [];
  if (!Array.isArray(list)) throw new ImageError('invalid', 'image index manifests is not an array', { blob });
  return {
    schemaVersion: 2,
    mediaType: typeof v.mediaType === 'string' ? v.mediaType : undefined,
    manifests: list.map((d, i) => descriptor(d, `manifests[${i}]`, blob)),
    annotations: stringMap(v.annotations, 'annotations', blob),
    subject: v.subject === undefined ? undefined : descriptor(v.subject, 'subject', blob),
    artifactType: typeof v.artifactType === 'string' ? v.artifactType : undefined,
  };
}

/** Validates an image manifest. */
export function imageManifest(v: unknown, blob: string): ImageManifest {
  if (!isObject(v)) throw new ImageError('invalid', 'manifest is not a JSON object', { blob });
  if (v.schemaVersion !== 2) throw new ImageError('unsupported', `manifest schemaVersion ${JSON.stringify(v.schemaVersion)} (2 expected)`, { blob });
  const layers = v.layers ?? [];
  if (!Array.isArray(layers)) throw new ImageError('invalid', 'manifest layers is not an array', { blob });
  return {
    schemaVersion: 2,
    mediaType: typeof v.mediaType === 'string' ? v.mediaType : undefined,
    artifactType: typeof v.artifactType === 'string' ? v.artifactType : undefined,
    config: descriptor(v.config, 'config', blob),
    layers: layers.map((d, i) => descriptor(d, `layers[${i}]`, blob)),
    subject: v.subject === undefined ? undefined : descriptor(v.subject, 'subject', blob),
    annotations: stringMap(v.annotations, 'annotations', blob),
  };
}

/** Validates the fields of an image configuration that are read. */
export function imageConfig(v: unknown, blob: string): ImageConfig {
  if (!isObject(v)) throw new ImageError('invalid', 'image configuration is not a JSON object', { blob });
  const rootfs = v.rootfs;
  if (rootfs !== undefined && (!isObject(rootfs) || (rootfs.diff_ids !== undefined && !(Array.isArray(rootfs.diff_ids) && rootfs.diff_ids.every((d) => parseDigest(d)))))) {
    throw new ImageError('invalid', 'image configuration rootfs.diff_ids is not a list of digests', { blob });
  }
  const config = isObject(v.config) ? { ...v.config, Labels: stringMap(v.config.Labels, 'config.Labels', blob) ?? null } : undefined;
  return { ...(v as ImageConfig), config };
}

/** Validates a `docker save` `manifest.json`. */
export function dockerSaveManifest(v: unknown, blob: string): DockerSaveEntry[] {
  if (!Array.isArray(v)) throw new ImageError('invalid', 'manifest.json is not an array', { blob });
  return v.map((e, i) => {
    if (!isObject(e) || typeof e.Config !== 'string' || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) {
      throw new ImageError('invalid', `manifest.json entry ${i} needs Config and Layers`, { blob });
    }
    const tags = Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : null;
    let sources: Record<string, Descriptor> | undefined;
    if (isObject(e.LayerSources)) {
      sources = {};
      for (const [k, d] of Object.entries(e.LayerSources)) sources[k] = descriptor(d, `LayerSources[${k}]`, blob);
    }
    return { Config: e.Config, RepoTags: tags, Layers: e.Layers as string[], LayerSources: sources };
  });
}

/** `os/arch[/variant]`. */
export function platformText(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`;
}

/** Parses `os/arch[/variant]` (as `--platform` takes it). */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) throw new ImageError('invalid', `platform ${JSON.stringify(s)} is not os/arch[/variant]`);
  return { os: parts[0]!, architecture: parts[1]!, variant: parts[2] };
}

/**
 * True when `have` satisfies `want`: os and architecture equal, and the
 * variant equal when asked for. arm64 without a variant is v8, as
 * containerd's platform matcher reads it.
 */
export function platformMatches(have: Platform | undefined, want: Platform): boolean {
  if (!have || have.os !== want.os || have.architecture !== want.architecture) return false;
  if (!want.variant) return true;
  const hv = have.variant ?? (have.architecture === 'arm64' ? 'v8' : undefined);
  return hv === want.variant;
}
