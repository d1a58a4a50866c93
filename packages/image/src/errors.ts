/**
 * What went wrong with an image, as a stable code:
 *
 * - `truncated`: a blob or tar entry ends early.
 * - `digest-mismatch`: a blob's sha256 is not its name's.
 * - `size-mismatch`: a blob's length is not its descriptor's `size`.
 * - `missing-blob`: a manifest or index names a blob the image does not hold.
 * - `not-an-image`: none of the image formats (no `index.json`, no `manifest.json`).
 * - `not-tar`: a layer (or the image file) is not a tar archive.
 * - `invalid`: a JSON document or tar header breaks its format.
 * - `unsupported`: valid, but not read here (a schema version, a compression).
 * - `too-large`: a header, document or count over its limit (a tar or gzip bomb).
 * - `no-match`: no manifest for the platform or tag asked for, or several where one is needed.
 * - `not-found`: a path that is not in the image's file tree.
 */
export type ImageErrorCode =
  | 'truncated'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'missing-blob'
  | 'not-an-image'
  | 'not-tar'
  | 'invalid'
  | 'unsupported'
  | 'too-large'
  | 'no-match'
  | 'not-found';

/** Where in an image a problem is: the blob (digest or file name) and the tar entry. */
export interface ImageLocation {
  /** The blob: `sha256:…`, or a file name inside a `docker save` tarball or layout (`index.json`). */
  readonly blob?: string;
  /** The tar entry's path inside the blob. */
  readonly entry?: string;
  /** Byte offset inside the blob's (uncompressed) stream. */
  readonly offset?: number;
}

function where(at: ImageLocation): string {
  const parts: string[] = [];
  if (at.blob) parts.push(`blob ${at.blob}`);
  if (at.entry !== undefined) parts.push(`entry ${JSON.stringify(at.entry)}`);
  if (at.offset !== undefined) parts.push(`offset 0x${at.offset.toString(16)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * A failure reading an image: a stable {@link code}, the reason and where
 * (blob, entry, offset). Every reader in this package throws this, and
 * only this, for bad input.
 */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  readonly code: ImageErrorCode;
  readonly reason: string;
  readonly blob?: string;
  readonly entry?: string;
  readonly offset?: number;

  constructor(code: ImageErrorCode, reason: string, at: ImageLocation = {}) {
    super(reason + where(at));
    this.code = code;
    this.reason = reason;
    this.blob = at.blob;
    this.entry = at.entry;
    this.offset = at.offset;
  }
}

/** True when `e` is an {@link ImageError} (also across package copies). */
export function isImageError(e: unknown): e is ImageError {
  return e instanceof ImageError || (e instanceof Error && e.name === 'ImageError' && typeof (e as ImageError).code === 'string');
}

/** Something wrong that did not stop the read: a sparse file, a link that escapes the root, an ELF file that does not parse. */
export interface ImageWarning extends ImageLocation {
  readonly code: string;
  readonly message: string;
}

/** Formats a warning as one line. */
export function warningText(w: ImageWarning): string {
  return w.message + where(w);
}
