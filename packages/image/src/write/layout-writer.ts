import { encodeUtf8 } from '@elfkit/elf/rewrite';
import { collect } from '../access.js';
import { digestOf, type HasherFactory } from '../digest.js';
import { ImageError } from '../errors.js';
import { MAX_DOCUMENT, parseJson } from '../layout/documents.js';
import type { ImageFiles } from '../layout/files.js';

/**
 * Writes into an OCI image layout directory. Blobs are content-addressed
 * and written whole before they are named (a temporary file renamed); the
 * index is replaced the same way. The Node implementation is in
 * `@elfkit/image/node`.
 */
export interface LayoutWriter {
  /** Stores `bytes` as `blobs/<alg>/<hex>` of `digest` (already computed by the caller). */
  writeBlob(digest: string, bytes: Uint8Array): Promise<void>;
  /**
   * Stores a blob streamed from `chunks`, hashing it on the way: resolves
   * with its digest and size once every chunk is written, and with `stored`,
   * which resolves once the blob is flushed and named by its digest (so a
   * document naming the blob can be written meanwhile).
   */
  writeBlobStream(chunks: AsyncIterable<Uint8Array>): Promise<{ digest: string; size: number; stored: Promise<void> }>;
  /**
   * Replaces `index.json`. With `after` (the writing of the blobs the new
   * index names), the new index is written and flushed meanwhile but
   * replaces the old one only once `after` has resolved; if it rejects, the
   * old index stays.
   */
  writeIndex(bytes: Uint8Array, after?: Promise<unknown>): Promise<void>;
}

/** A descriptor as JSON (unknown fields kept). */
export type JsonDescriptor = { mediaType: string; digest: string; size: number; [k: string]: unknown };

/** JSON as the layout stores it: compact, as Go's encoding/json writes it. */
export function jsonBytes(v: unknown): Uint8Array {
  return encodeUtf8(JSON.stringify(v));
}

/** Stores a JSON document as a blob; returns its descriptor. */
export async function putJsonBlob(writer: LayoutWriter, mediaType: string, v: unknown, hasher: HasherFactory, extra: Record<string, unknown> = {}): Promise<JsonDescriptor> {
  const bytes = jsonBytes(v);
  const digest = digestOf(bytes, hasher);
  await writer.writeBlob(digest, bytes);
  return { mediaType, digest, size: bytes.length, ...extra };
}

/** Reads a JSON file of the layout (index.json, or a blob by path) as a plain object, unknown fields and all. */
export async function readJsonFile(files: ImageFiles, path: string): Promise<Record<string, unknown>> {
  const access = await files.open(path);
  if (!access) throw new ImageError('missing-blob', `the layout has no ${path}`, { blob: path });
  const bytes = await collect((async function* () {
    yield await access.read(0, access.size);
  })(), MAX_DOCUMENT, path);
  const v = parseJson(bytes, path);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ImageError('invalid', `${path} is not a JSON object`, { blob: path });
  return v as Record<string, unknown>;
}

/** `blobs/<alg>/<hex>` of a digest. */
export function blobPathOf(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}
