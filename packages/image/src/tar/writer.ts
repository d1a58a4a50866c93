import { encodeUtf8 } from '@elfkit/elf/rewrite';
import { concat } from '../access.js';
import { BLOCK } from './header.js';

/** An entry to write. Header-only types ignore `data`. */
export interface TarWriteEntry {
  readonly path: string;
  /** Default `file`. */
  readonly type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  /** A raw typeflag, overriding `type` (to write odd archives in tests). */
  readonly typeflag?: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
  readonly linkpath?: string;
  readonly data?: Uint8Array;
  /** For data streamed from elsewhere: its size and chunks (instead of `data`). */
  readonly stream?: { readonly size: number; chunks(): AsyncIterable<Uint8Array> };
  /** Override the size field (tests of bad archives). */
  readonly size?: number;
  /** Long names as PAX records (default) or GNU `L`/`K` headers, and base-256 numbers. */
  readonly format?: 'pax' | 'gnu';
  /** Extra PAX records. */
  readonly pax?: Readonly<Record<string, string>>;
}

const TYPEFLAG: Record<NonNullable<TarWriteEntry['type']>, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

function putString(b: Uint8Array, at: number, len: number, s: Uint8Array): void {
  b.set(s.subarray(0, len), at);
}

function putOctal(b: Uint8Array, at: number, len: number, v: number, gnu: boolean): boolean {
  const digits = v.toString(8);
  if (v >= 0 && digits.length <= len - 1) {
    putString(b, at, len, encodeUtf8(digits.padStart(len - 1, '0') + '\0'));
    return true;
  }
  if (!gnu) return false;
  // GNU base-256: high bit set, big-endian magnitude.
  let x = BigInt(v);
  for (let i = len - 1; i >= 1; i--) {
    b[at + i] = Number(x & 0xffn);
    x >>= 8n;
  }
  b[at] = 0x80;
  return true;
}

function rawHeader(name: Uint8Array, typeflag: string, f: { mode: number; uid: number; gid: number; size: number; mtime: number; linkname: Uint8Array }, gnu: boolean): { block: Uint8Array; overflow: string[] } {
  const b = new Uint8Array(BLOCK);
  const overflow: string[] = [];
  let nameField = name;
  let prefix: Uint8Array | undefined;
  if (name.length > 100 && !gnu) {
    // ustar prefix: split at a slash so that name ≤ 100 and prefix ≤ 155.
    for (let i = name.length - 1; i > 0; i--) {
      if (name[i] === 0x2f && i <= 155 && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
        prefix = name.subarray(0, i);
        nameField = name.subarray(i + 1);
        break;
      }
    }
    if (!prefix) overflow.push('path');
  } else if (name.length > 100) overflow.push('path');
  putString(b, 0, 100, nameField);
  if (!putOctal(b, 100, 8, f.mode, gnu)) overflow.push('mode');
  if (!putOctal(b, 108, 8, f.uid, gnu)) overflow.push('uid');
  if (!putOctal(b, 116, 8, f.gid, gnu)) overflow.push('gid');
  if (!putOctal(b, 124, 12, f.size, gnu)) overflow.push('size');
  if (!putOctal(b, 136, 12, Math.floor(f.mtime), gnu)) overflow.push('mtime');
  b[156] = typeflag.charCodeAt(0);
  if (f.linkname.length > 100) overflow.push('linkpath');
  putString(b, 157, 100, f.linkname);
  putString(b, 257, 8, encodeUtf8(gnu ? 'ustar  \0' : 'ustar\u000000'));
  if (prefix) putString(b, 345, 155, prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  putString(b, 148, 8, encodeUtf8(sum.toString(8).padStart(6, '0') + '\0 '));
  return { block: b, overflow };
}

function paxRecords(recs: [string, string][]): Uint8Array {
  let text = '';
  for (const [k, v] of recs) {
    const body = ` ${k}=${v}\n`;
    const bodyLen = encodeUtf8(body).length;
    let len = bodyLen + String(bodyLen).length;
    if (String(len).length !== String(len - bodyLen).length) len = bodyLen + String(len).length;
    text += len + body;
  }
  return encodeUtf8(text);
}

function padded(data: Uint8Array): Uint8Array[] {
  const r = data.length % BLOCK;
  return r ? [data, new Uint8Array(BLOCK - r)] : [data];
}

/** The header blocks of `e` (with its PAX or GNU long-name header first when needed). */
export function entryHeader(e: TarWriteEntry): Uint8Array[] {
  const gnu = e.format === 'gnu';
  const typeflag = e.typeflag ?? TYPEFLAG[e.type ?? 'file'];
  const name = encodeUtf8(e.path);
  const linkname = encodeUtf8(e.linkpath ?? '');
  const size = e.size ?? (e.stream ? e.stream.size : e.data?.length ?? 0);
  const f = { mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0, size, mtime: e.mtime ?? 0, linkname };
  const out: Uint8Array[] = [];
  const first = rawHeader(name, typeflag, f, gnu);
  const recs: [string, string][] = Object.entries(e.pax ?? {});
  if (gnu) {
    for (const [field, flag] of [['linkpath', 'K'], ['path', 'L']] as const) {
      if (!first.overflow.includes(field)) continue;
      const v = field === 'path' ? name : linkname;
      const longData = new Uint8Array(v.length + 1);
      longData.set(v);
      out.push(rawHeader(encodeUtf8('././@LongLink'), flag, { ...f, size: longData.length, linkname: new Uint8Array(0) }, true).block, ...padded(longData));
    }
    if (first.overflow.length === 0 && recs.length === 0) return [...out, first.block];
  } else {
    for (const field of first.overflow) {
      if (field === 'path') recs.push(['path', e.path]);
      else if (field === 'linkpath') recs.push(['linkpath', e.linkpath ?? '']);
      else recs.push([field, String(f[field as 'size' | 'uid' | 'gid' | 'mtime' | 'mode'])]);
    }
  }
  if (recs.length > 0) {
    const body = paxRecords(recs);
    const short = encodeUtf8(('PaxHeaders/' + e.path.split('/').filter(Boolean).pop()).slice(0, 99));
    out.push(rawHeader(short, 'x', { ...f, size: body.length, linkname: new Uint8Array(0), mode: 0o644 }, false).block, ...padded(body));
  }
  // The fields that overflowed are in the extended header; the ustar ones hold what fits.
  const fit = { ...f, size: first.overflow.includes('size') ? 0 : f.size, mtime: first.overflow.includes('mtime') ? 0 : f.mtime };
  out.push(rawHeader(first.overflow.includes('path') ? name.subarray(0, 100) : name, typeflag, fit, gnu).block);
  return out;
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = new Uint8Array(2 * BLOCK);

/** An archive of `entries`, streamed: headers, data, padding and the end blocks. */
export async function* tarChunks(entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>): AsyncGenerator<Uint8Array> {
  for await (const e of entries) {
    yield* entryHeader(e);
    if (e.stream) {
      let n = 0;
      for await (const c of e.stream.chunks()) {
        n += c.length;
        yield c;
      }
      if (n !== e.stream.size) throw new Error(`${e.path}: streamed ${n} bytes, declared ${e.stream.size}`);
      if (n % BLOCK) yield new Uint8Array(BLOCK - (n % BLOCK));
    } else if (e.data && e.data.length > 0) {
      yield* padded(e.data);
    }
  }
  yield END_OF_ARCHIVE;
}

/** An archive of `entries` in memory. */
export function tarBytes(entries: Iterable<TarWriteEntry>, end = true): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(...entryHeader(e));
    if (e.data && e.data.length > 0) parts.push(...padded(e.data));
  }
  if (end) parts.push(END_OF_ARCHIVE);
  return concat(parts);
}
