import { ParseError, Reader, decodeUtf8, type ByteOrder } from '@elfkit/binary';
import { basename, dirname, isAbsolutePath, joinPath } from './paths.js';

/**
 * The lookups this package asks its host to make: it decides *where* to
 * look (gdb's and LLVM's search orders, below), the host opens files. The
 * elfkit CLI implements this with node:fs and the ELF reader; a browser
 * host may fetch, or return undefined for everything.
 */
export interface DebugFileHost {
  /**
   * Opens the debug file at `path` (a `.dwo`, `.dwp`, separate `.debug` or
   * supplementary file) and returns its section loader and byte order, or
   * undefined when it does not exist or is not a readable object file.
   */
  open(path: string): DebugFile | undefined;
}

/** An opened debug file. */
export interface DebugFile {
  readonly path: string;
  readonly order: ByteOrder;
  /** Supplies the file's sections by name (decompressed). */
  readonly load: (name: string) => Uint8Array | undefined;
  /** CRC-32 of the whole file (for `.gnu_debuglink` checks). */
  crc32(): number;
  /** The file's GNU build ID, lowercase hex, when it has one. */
  readonly buildId?: string;
}

/** The contents of a `.gnu_debuglink` section. */
export interface DebugLink {
  /** Basename of the debug file. */
  readonly name: string;
  /** CRC-32 of the debug file's contents. */
  readonly crc: number;
}

/** Parses `.gnu_debuglink`: a file name, NUL, padding to 4, and a CRC-32 in the file's byte order. */
export function parseDebugLink(bytes: Uint8Array, order: ByteOrder, section = '.gnu_debuglink'): DebugLink {
  const nul = bytes.indexOf(0);
  if (nul <= 0) throw new ParseError(nul < 0 ? 'truncated' : 'invalid', nul < 0 ? 'unterminated debug link file name' : 'empty debug link file name', section, 0);
  const at = (nul + 4) & ~3;
  const r = new Reader(bytes, { order, section });
  r.pos = Math.min(at, bytes.length);
  return { name: decodeUtf8(bytes, 0, nul), crc: r.u32() };
}

/** The contents of a `.gnu_debugaltlink` section: a path and a build ID. */
export interface DebugAltLink {
  readonly name: string;
  /** Build ID of the supplementary file, lowercase hex. */
  readonly buildId: string;
}

/** Parses `.gnu_debugaltlink` (dwz): a NUL-terminated path followed by the supplementary file's build ID. */
export function parseDebugAltLink(bytes: Uint8Array, section = '.gnu_debugaltlink'): DebugAltLink {
  const nul = bytes.indexOf(0);
  if (nul < 0) throw new ParseError('truncated', 'unterminated alternate debug file name', section, 0);
  return { name: decodeUtf8(bytes, 0, nul), buildId: hexOf(bytes.subarray(nul + 1)) };
}

/** The contents of a DWARF 5 `.debug_sup` section. */
export interface DebugSup {
  readonly version: number;
  /** True in the supplementary file itself, false in a file that refers to one. */
  readonly isSupplementary: boolean;
  readonly name: string;
  /** Checksum of the supplementary file (producer-defined), hex. */
  readonly checksum: string;
}

/** Parses `.debug_sup`: version u16, is_supplementary u8, file name, ULEB128 checksum length, checksum. */
export function parseDebugSup(bytes: Uint8Array, order: ByteOrder, section = '.debug_sup'): DebugSup {
  const r = new Reader(bytes, { order, section });
  const version = r.u16();
  const isSupplementary = r.u8() !== 0;
  const name = r.cstr();
  const n = r.uleb();
  return { version, isSupplementary, name, checksum: hexOf(r.bytesView(n)) };
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

let crcTable: Uint32Array | undefined;

/** The IEEE CRC-32 (zlib's `crc32`) of `bytes`, continuing from `crc`; `.gnu_debuglink` uses it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The default `--debug-file-directory`, as gdb's. */
export const DEFAULT_DEBUG_DIRECTORIES: readonly string[] = ['/usr/lib/debug'];

/** Where a separate debug file may be, and how it was found. */
export interface DebugFileCandidate {
  readonly path: string;
  /** `build-id` (`.build-id/ab/cdef….debug`) or `debuglink` (`.gnu_debuglink`, CRC checked). */
  readonly via: 'build-id' | 'debuglink';
}

/**
 * The places gdb looks for the separate debug file of the binary at
 * `binaryPath`, in order: `<dir>/.build-id/ab/cdef….debug` in each debug
 * directory, then the same tree beside the binary; then for a debug link,
 * `<bindir>/<name>`, `<bindir>/.debug/<name>` and `<dir>/<bindir>/<name>`
 * in each debug directory.
 */
export function separateDebugCandidates(binaryPath: string, opts: { buildId?: string; debugLink?: string; debugDirectories?: readonly string[] }): DebugFileCandidate[] {
  const dirs = opts.debugDirectories ?? DEFAULT_DEBUG_DIRECTORIES;
  const out: DebugFileCandidate[] = [];
  const binDir = dirname(binaryPath);
  const id = opts.buildId?.toLowerCase();
  if (id && id.length > 2 && /^[0-9a-f]+$/.test(id)) {
    const rel = `.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug`;
    for (const d of dirs) out.push({ path: joinPath(d, rel), via: 'build-id' });
    out.push({ path: joinPath(binDir, rel), via: 'build-id' });
  }
  if (opts.debugLink) {
    const name = basename(opts.debugLink);
    out.push({ path: joinPath(binDir, name), via: 'debuglink' });
    out.push({ path: joinPath(binDir, '.debug', name), via: 'debuglink' });
    const absBinDir = isAbsolutePath(binDir) ? binDir : undefined;
    for (const d of dirs) out.push({ path: absBinDir ? joinPath(d, absBinDir, name) : joinPath(d, binDir, name), via: 'debuglink' });
  }
  // The same path can come up twice (a relative binary in a debug dir); keep the first.
  const seen = new Set<string>();
  return out.filter((c) => (seen.has(c.path) ? false : (seen.add(c.path), true)));
}

/**
 * Finds the separate debug file: the first candidate the host can open
 * whose build ID matches (build-id paths) or whose CRC-32 matches the
 * debug link (debuglink paths). Returns it with how it was found, or
 * undefined.
 */
export function findSeparateDebugFile(
  host: DebugFileHost,
  binaryPath: string,
  opts: { buildId?: string; debugLink?: DebugLink; debugDirectories?: readonly string[] },
): { file: DebugFile; via: 'build-id' | 'debuglink' } | undefined {
  for (const c of separateDebugCandidates(binaryPath, { buildId: opts.buildId, debugLink: opts.debugLink?.name, debugDirectories: opts.debugDirectories })) {
    const f = host.open(c.path);
    if (!f) continue;
    if (c.via === 'build-id' && f.buildId && opts.buildId && f.buildId.toLowerCase() !== opts.buildId.toLowerCase()) continue;
    if (c.via === 'debuglink' && opts.debugLink && f.crc32() !== opts.debugLink.crc) continue;
    return { file: f, via: c.via };
  }
  return undefined;
}

/**
 * The places a skeleton unit's `.dwo` may be, as LLVM and gdb look:
 * `DW_AT_dwo_name` as given when absolute, else under `DW_AT_comp_dir`;
 * then the file's basename beside the binary.
 */
export function dwoCandidates(dwoName: string, compDir: string | undefined, binaryPath: string | undefined): string[] {
  const out: string[] = [];
  if (isAbsolutePath(dwoName)) out.push(dwoName);
  else if (compDir) out.push(joinPath(compDir, dwoName));
  else out.push(dwoName);
  if (binaryPath) out.push(joinPath(dirname(binaryPath), basename(dwoName)));
  return [...new Set(out)];
}

/** The DWARF package beside a binary: `<binary>.dwp`. */
export function dwpCandidates(binaryPath: string): string[] {
  return [binaryPath + '.dwp'];
}
