import { decodeUtf8 } from '@elfkit/binary';

/** The block size of a tar archive. */
export const BLOCK = 512;

/** What a tar entry is. `sparse` entries are reported, not read (their data is packed). */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'char' | 'block' | 'fifo' | 'sparse' | 'other';

/** The raw fields of one 512-byte header block. */
export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** `ustar\0` (POSIX), `ustar ` (GNU) or none (V7). */
  format: 'ustar' | 'gnu' | 'v7';
  /** GNU sparse headers: the file's real size and whether extension blocks follow. */
  gnuSparse?: { realSize: number; extended: boolean };
}

/** Why a block is not a header. */
export type HeaderProblem = 'zero' | 'checksum' | 'number';

function cstring(b: Uint8Array, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return decodeUtf8(b, start, end);
}

/**
 * A numeric field: octal digits (padded with spaces or NULs), or GNU's
 * base-256 form (high bit set) for values octal cannot hold: sizes of
 * 8 GiB and more, large uids, negative times. Returns NaN for garbage.
 */
export function parseNumeric(b: Uint8Array, start: number, len: number): number {
  const first = b[start]!;
  if (first & 0x80) {
    // Base-256, two's complement; 0xff starts a negative number.
    const negative = first === 0xff;
    let v = negative ? -1 : first & 0x7f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + (negative ? b[start + i]! - 255 : b[start + i]!);
      if (!Number.isSafeInteger(v)) return NaN;
    }
    return v;
  }
  let i = start;
  const end = start + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return NaN;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0) return NaN;
  return digits === 0 ? 0 : v;
}

function checksumOk(b: Uint8Array, at: number, unsigned: number): boolean {
  const stored = parseNumeric(b, at + 148, 8);
  if (Number.isNaN(stored)) return false;
  if (stored === unsigned) return true;
  // Old tars summed signed chars; both are accepted, as GNU tar and Go do.
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[at + i]!;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === signed;
}

/** Decodes the header block at `b[at, at+512)`, or says why it is not one. */
export function parseHeader(b: Uint8Array, at = 0): RawHeader | HeaderProblem {
  let sum = 0;
  for (let i = at, end = at + BLOCK; i < end; i++) sum += b[i]!;
  if (sum === 0) return 'zero';
  // The checksum field counts as eight spaces.
  for (let i = at + 148; i < at + 156; i++) sum -= b[i]!;
  if (!checksumOk(b, at, sum + 8 * 0x20)) return 'checksum';
  const magic = b[at + 257] === 0x75 && b[at + 258] === 0x73 && b[at + 259] === 0x74 && b[at + 260] === 0x61 && b[at + 261] === 0x72;
  const format: RawHeader['format'] = !magic ? 'v7' : b[at + 262] === 0 ? 'ustar' : 'gnu';
  let name = cstring(b, at, 100);
  if (format === 'ustar' && b[at + 345] !== 0) name = cstring(b, at + 345, 155) + '/' + name;
  const typeflag = String.fromCharCode(b[at + 156]!);
  const num = (o: number, n: number) => parseNumeric(b, at + o, n);
  const size = num(124, 12);
  const mode = num(100, 8);
  const uid = num(108, 8);
  const gid = num(116, 8);
  const mtime = num(136, 12);
  if ([size, mode, uid, gid, mtime].some(Number.isNaN) || size < 0) return 'number';
  const h: RawHeader = {
    name,
    mode,
    uid,
    gid,
    size,
    mtime,
    typeflag,
    linkname: cstring(b, at + 157, 100),
    uname: magic ? cstring(b, at + 265, 32) : '',
    gname: magic ? cstring(b, at + 297, 32) : '',
    devmajor: magic ? num(329, 8) || 0 : 0,
    devminor: magic ? num(337, 8) || 0 : 0,
    format,
  };
  if (typeflag === 'S' && format === 'gnu') {
    const realSize = num(483, 12);
    h.gnuSparse = { realSize: Number.isNaN(realSize) ? 0 : realSize, extended: b[at + 482] !== 0 };
  }
  return h;
}

/** The entry type of a typeflag; an old NUL typeflag on a name ending in `/` is a directory (as Go's archive/tar reads it). */
export function entryType(typeflag: string, name: string): TarEntryType {
  switch (typeflag) {
    case '\0':
      return name.endsWith('/') ? 'directory' : 'file';
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
    case 'D':
      return 'directory';
    case '6':
      return 'fifo';
    case 'S':
      return 'sparse';
    default:
      return 'other';
  }
}

/** Header-only types carry no data whatever their size field says (as Go's archive/tar reads them). */
export function hasData(type: TarEntryType): boolean {
  return type === 'file' || type === 'sparse' || type === 'other';
}

/**
 * PAX extended header records (`"%d %s=%s\n"`, POSIX pax). Returns the
 * records, or undefined when the block is malformed.
 */
export function parsePax(b: Uint8Array): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = 0;
  while (at < b.length) {
    if (b[at] === 0) break; // padding
    let sp = at;
    let len = 0;
    while (sp < b.length && b[sp]! >= 0x30 && b[sp]! <= 0x39) len = len * 10 + (b[sp++]! - 0x30);
    if (sp >= b.length || b[sp] !== 0x20 || len <= sp - at + 1 || at + len > b.length || b[at + len - 1] !== 0x0a) return undefined;
    const rec = b.subarray(sp + 1, at + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq <= 0) return undefined;
    const key = decodeUtf8(rec, 0, eq);
    const value = decodeUtf8(rec, eq + 1);
    out.set(key, value);
    at += len;
  }
  return out;
}
