import { ParseError, decodeUtf8, isParseError } from '@elfkit/binary';
import type { GoImage, ImageSegment } from './image.js';
import { ModInfoError, parseModInfo, type BuildInfo } from './modinfo.js';

/** `"\xff Go buildinf:"`: the 14 bytes that open the build info blob. */
export const BUILDINFO_MAGIC = new Uint8Array([0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a]);
const ALIGN = 16;
const HEADER = 32;
/** modinfo is framed by these 16-byte sentinels (cmd/go/internal/modload infoStart/infoEnd). */
const SENTINEL = 16;

/** The build info blob as stored, before the module info is parsed. */
export interface RawBuildInfo {
  /** Address of the blob's header. */
  readonly address: bigint;
  /** `section .go.buildinfo` or `segment` (the first writable, non-executable PT_LOAD). */
  readonly source: string;
  /** `inline` (Go 1.18+: varint-prefixed strings after the header) or `pointer` (before: addresses of Go strings). */
  readonly format: 'inline' | 'pointer';
  /** Pointer size and byte order from the header (used by the pointer format). */
  readonly ptrSize: number;
  readonly bigEndian: boolean;
  /** `runtime.buildVersion`, e.g. `go1.22.1`. */
  readonly goVersion: string;
  /** Module info text without its sentinels (empty when the binary was built outside module mode). */
  readonly modinfo: string;
}

const SECTION = '.go.buildinfo';

/** The first loadable segment whose file bytes hold `address` (as Go's ReadData picks it). */
function fileSegment(image: GoImage, address: bigint): ImageSegment | undefined {
  for (const seg of image.segments) {
    if (seg.kind === 'load' && address >= seg.address && address < seg.address + BigInt(seg.fileSize)) return seg;
  }
  return undefined;
}

/** Number of file-backed bytes from `address` to the end of its loadable segment (0 outside every one). */
function available(image: GoImage, address: bigint): number {
  const seg = fileSegment(image, address);
  return seg ? Number(seg.address + BigInt(seg.fileSize) - address) : 0;
}

/**
 * Up to `max` file-backed bytes at `address` (fewer at the end of its
 * segment); undefined outside the file. Read from that segment's own file
 * bytes, which end at the end of the file (a ParseError past it): a read
 * by address could be served by another, overlapping segment's bss zeros
 * — with a damaged `p_filesz` of 2^64 that turned the magic search into
 * 10^8 megabyte reads of zeros.
 */
function readUpTo(image: GoImage, address: bigint, max: number): Uint8Array | undefined {
  const seg = fileSegment(image, address);
  if (!seg) return undefined;
  const rel = Number(address - seg.address);
  const n = Math.min(max, seg.fileSize - rel);
  return n > 0 ? seg.data().subarray(rel, rel + n) : undefined;
}

/**
 * Where Go looks for the blob: the `.go.buildinfo` section, else the first
 * loadable segment that is writable and not executable (Go ≤ 1.26 for
 * section-less binaries; Go 1.27's reader dropped that fallback). elfkit
 * goes on to the other writable segments when the first has no blob: in
 * PIE the first is the RELRO segment, and the blob lives in the next.
 */
function searchRanges(image: GoImage): { start: bigint; size: bigint; source: string }[] {
  const s = image.section(SECTION);
  if (s) return [{ start: s.address, size: BigInt(s.size), source: `section ${SECTION}` }];
  return image.segments
    .filter((p) => p.kind === 'load' && p.writable && !p.executable)
    .map((p) => ({ start: p.address, size: p.memorySize, source: 'segment' }));
}

const CHUNK = 1 << 20;

/**
 * First 16-byte-aligned occurrence of the magic with a whole header after
 * it, as Go's searchMagic: read in 1 MiB chunks from the segment that holds
 * the range (an aligned magic never straddles two chunks).
 */
function searchMagic(image: GoImage, start: bigint, size: bigint): bigint | undefined {
  const end = start + size;
  let at = (start + BigInt(ALIGN - 1)) & ~BigInt(ALIGN - 1);
  const m0 = BUILDINFO_MAGIC[0]!;
  while (at < end) {
    const want = end - at < BigInt(CHUNK) ? Number(end - at) : CHUNK;
    const b = readUpTo(image, at, want);
    if (!b) return undefined;
    for (let i = b.indexOf(m0); i >= 0; i = b.indexOf(m0, i + 1)) {
      if (i % ALIGN !== 0) continue;
      let match = true;
      for (let k = 1; k < BUILDINFO_MAGIC.length && match; k++) match = b[i + k] === BUILDINFO_MAGIC[k];
      if (!match) continue;
      // Go gives up (not a Go binary) when the magic has no room for a header.
      if (Number(end - at) - i < HEADER || available(image, at + BigInt(i)) < HEADER) return undefined;
      return at + BigInt(i);
    }
    if (b.length < want) return undefined;
    at += BigInt(want);
  }
  return undefined;
}

/**
 * Finds and decodes the build info blob as `debug/buildinfo` does.
 * Undefined when there is none (not a Go binary, or one whose build info
 * was removed); a ParseError when the blob is there but damaged — where Go
 * says "not a Go executable", elfkit tells the two apart.
 */
export function readRawBuildInfo(image: GoImage): RawBuildInfo | undefined {
  const r = readBlob(image);
  if (r?.modinfoError) throw r.modinfoError;
  return r?.raw;
}

/** The build info as far as it reads: its blob, and the module info or why it cannot be read. */
export interface BuildInfoParts {
  /** The blob; its `modinfo` is empty when {@link BuildInfoParts.error} is set. */
  readonly raw: RawBuildInfo;
  /** The parsed build info (Go version included); undefined when the module info is damaged. */
  readonly info: BuildInfo | undefined;
  /** Why the module info cannot be read: its string is outside the file (ParseError) or its text does not parse (ModInfoError). */
  readonly error?: ParseError | ModInfoError;
}

/**
 * Reads the build info keeping the Go version when only the module info
 * is damaged — where `debug/buildinfo.Read` fails for the whole blob.
 * Undefined when there is none; a ParseError when the blob's header or
 * Go version is damaged.
 */
export function readBuildInfoParts(image: GoImage): BuildInfoParts | undefined {
  const r = readBlob(image);
  if (!r) return undefined;
  if (r.modinfoError) return { raw: r.raw, info: undefined, error: r.modinfoError };
  try {
    return { raw: r.raw, info: parseModInfo(r.raw.modinfo, r.raw.goVersion) };
  } catch (e) {
    if (!(e instanceof ModInfoError)) throw e;
    return { raw: r.raw, info: undefined, error: e };
  }
}

/** The blob, with the module info's read failure kept apart (the Go version precedes it and may be intact). */
function readBlob(image: GoImage): { raw: RawBuildInfo; modinfoError?: ParseError } | undefined {
  let range: { start: bigint; size: bigint; source: string } | undefined;
  let address: bigint | undefined;
  for (const r of searchRanges(image)) {
    address = r.size === 0n ? undefined : searchMagic(image, r.start, r.size);
    range = r;
    if (address !== undefined) break;
  }
  if (!range || address === undefined) return undefined;
  const b = readUpTo(image, address, HEADER)!;
  const sectionBase = range.source.startsWith('section') ? Number(address - range.start) : 0;
  const section = range.source.startsWith('section') ? SECTION : 'go buildinfo';
  const err = (code: ParseError['code'], reason: string, at: number) => new ParseError(code, reason, section, sectionBase + at);
  const ptrSize = b[14]!;
  const flags = b[15]!;
  const bigEndian = (flags & 1) !== 0;
  let goVersion: string;
  let modinfo: Uint8Array = new Uint8Array(0);
  let modinfoError: ParseError | undefined;
  // Only a ParseError is damage; anything else is a bug and propagates.
  const readModinfo = (read: () => Uint8Array) => {
    try {
      modinfo = read();
    } catch (e) {
      if (!isParseError(e)) throw e;
      modinfoError = e;
    }
  };
  let format: RawBuildInfo['format'];
  if (flags & 2) {
    format = 'inline';
    const [vers, next] = varintString(image, address, HEADER, err, 'Go version');
    goVersion = decodeUtf8(vers);
    readModinfo(() => varintString(image, address, next, err, 'module info')[0]);
  } else {
    format = 'pointer';
    if (ptrSize !== 4 && ptrSize !== 8) throw err('invalid', `build info pointer size ${ptrSize} is neither 4 nor 8`, 14);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const ptr = (v: DataView, at: number) => (ptrSize === 8 ? v.getBigUint64(at, !bigEndian) : BigInt(v.getUint32(at, !bigEndian)));
    const goString = (addrAt: number, what: string): Uint8Array => {
      const hdr = readUpTo(image, ptr(view, addrAt), 2 * ptrSize);
      if (!hdr || hdr.length < 2 * ptrSize) throw err('out-of-range', `${what} string header is outside the file`, addrAt);
      const hv = new DataView(hdr.buffer, hdr.byteOffset, 2 * ptrSize);
      const data = ptr(hv, 0);
      const len = ptr(hv, ptrSize);
      if (len === 0n) return new Uint8Array(0);
      // Check the length against the file before reading (and allocating) it.
      if (BigInt(available(image, data)) < len) throw err('out-of-range', `${what} string (0x${len.toString(16)} bytes at 0x${data.toString(16)}) is outside the file`, addrAt);
      return image.read(data, Number(len))!;
    };
    goVersion = decodeUtf8(goString(16, 'Go version'));
    readModinfo(() => goString(16 + ptrSize, 'module info'));
  }
  // (Both damaged: the module info's error first, as when it was read before this check.)
  if (goVersion === '') throw modinfoError ?? err('invalid', 'the Go version string is empty', HEADER);
  // Strip the sentinels only when the framing is there, testing the byte
  // before the end sentinel as Go does (before any UTF-8 decoding).
  const framed = modinfo.length >= 2 * SENTINEL + 1 && modinfo[modinfo.length - SENTINEL - 1] === 0x0a;
  const mod = framed ? decodeUtf8(modinfo, SENTINEL, modinfo.length - SENTINEL) : '';
  return { raw: { address, source: range.source, format, ptrSize, bigEndian, goVersion, modinfo: mod }, modinfoError };
}

/**
 * A uvarint length then that many bytes at `blob + at`, as Go's
 * decodeString; the length is checked against the file before reading.
 */
function varintString(
  image: GoImage,
  blob: bigint,
  at: number,
  err: (code: ParseError['code'], reason: string, at: number) => ParseError,
  what: string,
): [Uint8Array, number] {
  const b = readUpTo(image, blob + BigInt(at), 10) ?? new Uint8Array(0);
  let len = 0;
  let mul = 1;
  let p = 0;
  for (;;) {
    if (p >= b.length) throw err(p >= 10 ? 'invalid' : 'truncated', `${what} length is not a valid varint`, at);
    const byte = b[p++]!;
    len += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) break;
  }
  const left = available(image, blob + BigInt(at + p));
  if (len > left) throw err('too-large', `${what} (${len} bytes) runs past the end of its segment (${left} left)`, at);
  const bytes = len === 0 ? new Uint8Array(0) : image.read(blob + BigInt(at + p), len)!;
  return [bytes, at + p + len];
}

/**
 * The build information of a Go binary, as `debug/buildinfo.Read`:
 * undefined when the binary has none, a ParseError when the blob is
 * damaged, and {@link ModInfoError} when its module info text does not
 * parse.
 */
export function readBuildInfo(image: GoImage): BuildInfo | undefined {
  const raw = readRawBuildInfo(image);
  if (!raw) return undefined;
  return parseModInfo(raw.modinfo, raw.goVersion);
}

// `@elfkit/gosym/buildinfo` is this module alone: what `go version -m`
// needs, without the pclntab reader (a lean CLI path loads only this).
export { ModInfoError, parseModInfo, formatBuildInfo, formatVersionM, type BuildInfo } from './modinfo.js';
