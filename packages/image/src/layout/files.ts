import { decodeUtf8 } from '@elfkit/binary';
import { sliceAccess, type RandomAccess } from '../access.js';
import { ImageError } from '../errors.js';
import { BLOCK, entryType, parseHeader, parsePax } from '../tar/header.js';

/**
 * The files an image is made of — `index.json`, `blobs/sha256/…`,
 * `manifest.json`, layer tars — whether they sit in a directory or inside
 * a `docker save` / `oci-archive` tarball. Paths are relative and
 * `/`-separated.
 */
export interface ImageFiles {
  /** What the files are, for messages (a path). */
  readonly name: string;
  /** The file at `path`, or undefined when there is none. */
  open(path: string): Promise<RandomAccess | undefined>;
  /** Whether a file exists (cheaper than open for some hosts). */
  has?(path: string): Promise<boolean>;
}

/** Normalizes an archive path: no leading `./` or `/`, no `.` parts, `..` resolved (clamped at the root). */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

interface ArchiveEntry {
  readonly kind: 'file' | 'symlink' | 'hardlink' | 'other';
  readonly offset: number;
  readonly size: number;
  readonly link: string;
}

/** Most entries in an image archive (one per blob, plus directories) before it is taken for something else. */
const MAX_ARCHIVE_ENTRIES = 100_000;
const MAX_META = 1 << 20;

/**
 * Indexes a tar archive by random access, reading headers only (bodies are
 * skipped, not read): a `docker save` or `oci-archive` tarball. Symlinks
 * and hard links between its entries are followed (skopeo writes
 * `<id>/layer.tar` as a symlink to `<diffid>.tar`); the last of duplicate
 * entries wins.
 */
export async function archiveFiles(access: RandomAccess, name: string): Promise<ImageFiles> {
  const entries = new Map<string, ArchiveEntry>();
  let at = 0;
  let pax: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let count = 0;
  const fail = (code: 'truncated' | 'invalid' | 'not-tar' | 'too-large', reason: string, entry?: string, offset = at) => new ImageError(code, reason, { blob: name, entry, offset });
  if (access.size < BLOCK) throw fail('not-tar', `not a tar archive (${access.size} bytes)`);
  while (at + BLOCK <= access.size) {
    const block = await access.read(at, BLOCK);
    const h = parseHeader(block);
    if (h === 'zero') break;
    if (h === 'checksum' || h === 'number') {
      if (count === 0) throw fail('not-tar', 'not a tar archive');
      throw fail('invalid', 'tar header checksum mismatch');
    }
    if (++count > MAX_ARCHIVE_ENTRIES) throw fail('too-large', `more than ${MAX_ARCHIVE_ENTRIES} entries: not an image archive`);
    const dataAt = at + BLOCK;
    const padded = Math.ceil(h.size / BLOCK) * BLOCK;
    if (dataAt + h.size > access.size) throw fail('truncated', `entry data (${h.size} bytes) runs past the end of the file`, h.name);
    if (h.typeflag === 'x' || h.typeflag === 'L' || h.typeflag === 'K') {
      if (h.size > MAX_META) throw fail('too-large', `extended header of ${h.size} bytes`, h.name);
      const data = await access.read(dataAt, h.size);
      if (h.typeflag === 'x') {
        pax = parsePax(data);
        if (!pax) throw fail('invalid', 'malformed PAX header', h.name);
      } else {
        const nul = data.indexOf(0);
        const s = decodeUtf8(data, 0, nul < 0 ? data.length : nul);
        if (h.typeflag === 'L') longName = s;
        else longLink = s;
      }
      at = dataAt + padded;
      continue;
    }
    at = dataAt + padded;
    if (h.typeflag === 'g') continue;
    const rawPath = pax?.get('path') ?? longName ?? h.name;
    const path = cleanPath(rawPath);
    const link = pax?.get('linkpath') ?? longLink ?? h.linkname;
    const size = pax?.has('size') ? Number(pax.get('size')) : h.size;
    pax = longName = longLink = undefined;
    const t = entryType(h.typeflag, rawPath);
    const kind = t === 'file' ? 'file' : t === 'symlink' ? 'symlink' : t === 'hardlink' ? 'hardlink' : 'other';
    if (path) entries.set(path, { kind, offset: dataAt, size: kind === 'file' ? size : 0, link });
  }
  const resolve = (path: string): ArchiveEntry | undefined => {
    let p = cleanPath(path);
    for (let hops = 0; hops < 40; hops++) {
      const e = entries.get(p);
      if (!e) return undefined;
      if (e.kind === 'file') return e;
      if (e.kind === 'hardlink') p = cleanPath(e.link);
      else if (e.kind === 'symlink') p = e.link.startsWith('/') ? cleanPath(e.link) : cleanPath(p.split('/').slice(0, -1).concat(e.link).join('/'));
      else return undefined;
    }
    throw new ImageError('invalid', 'symlink loop inside the archive', { blob: name, entry: path });
  };
  return {
    name,
    open: async (path) => {
      const e = resolve(path);
      return e ? sliceAccess(access, e.offset, e.size) : undefined;
    },
    has: async (path) => resolve(path) !== undefined,
  };
}
