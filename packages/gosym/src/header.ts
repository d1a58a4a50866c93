import { ParseError, type ByteOrder } from '@elfkit/binary';

/** pclntab magic of Go 1.2–1.15. */
export const GO12_MAGIC = 0xfffffffb;
/** pclntab magic of Go 1.16–1.17 (header with table offsets, CU file table). */
export const GO116_MAGIC = 0xfffffffa;
/** pclntab magic of Go 1.18–1.19 (entry PCs as 32-bit offsets from the text start). */
export const GO118_MAGIC = 0xfffffff0;
/** pclntab magic of Go 1.20 and later (only generated symbol names changed). */
export const GO120_MAGIC = 0xfffffff1;

/** The pclntab layout, named after the first Go release that wrote it. */
export type PclnFormat = '1.2' | '1.16' | '1.18' | '1.20';

/** The Go releases each layout covers, for messages and `go info`. */
export const FORMAT_RELEASES: Record<PclnFormat, string> = {
  '1.2': 'go1.2-go1.15',
  '1.16': 'go1.16-go1.17',
  '1.18': 'go1.18-go1.19',
  '1.20': 'go1.20 or later',
};

const MAGICS: [number, PclnFormat][] = [
  [GO12_MAGIC, '1.2'],
  [GO116_MAGIC, '1.16'],
  [GO118_MAGIC, '1.18'],
  [GO120_MAGIC, '1.20'],
];

/**
 * The decoded pclntab header: where each sub-table starts and ends, as byte
 * offsets from the start of the pclntab.
 */
export interface PclnHeader {
  readonly format: PclnFormat;
  readonly magic: number;
  readonly order: ByteOrder;
  /** Instruction size quantum: pcvalue PC deltas are multiplied by it (1, 2 or 4). */
  readonly quantum: number;
  /** Target pointer size (4 or 8). */
  readonly ptrSize: 4 | 8;
  /** Number of functions in the function table. */
  readonly nfunc: number;
  /** Number of file names (1.16+: in the file table; 1.2: entries of the file table, including the unused 0). */
  readonly nfiles: number;
  /**
   * The header's text start word (1.18–1.25: `runtime.text`, unrelocated in
   * PIE; 0 from 1.26 on); undefined before 1.18.
   */
  readonly textStart: bigint | undefined;
  /** Function name table [start, end). */
  readonly funcnametab: readonly [number, number];
  /** CU file index table [start, end) (1.16+; empty for 1.2). */
  readonly cutab: readonly [number, number];
  /** File name table [start, end) (1.2: the table of u32 name offsets). */
  readonly filetab: readonly [number, number];
  /** Start of pcvalue table offsets' base (1.16+: pctab; 1.2: the pclntab itself). */
  readonly pctab: number;
  /** Start of the function table. */
  readonly functab: number;
  /** Size of one functab field: 4 from 1.18, else the pointer size. */
  readonly functabFieldSize: number;
  /** Base that functab `funcoff`s are relative to (1.16+: the functab; 1.2: the pclntab). */
  readonly funcdataBase: number;
  /** Offset of the first byte after the functab's (2n+1) fields. */
  readonly functabEnd: number;
}

/** The format and byte order whose magic sits at `bytes[at]`, or undefined. */
export function detectMagic(bytes: Uint8Array, at = 0): { format: PclnFormat; order: ByteOrder; magic: number } | undefined {
  if (at < 0 || at + 8 > bytes.length) return undefined;
  if (bytes[at + 4] !== 0 || bytes[at + 5] !== 0) return undefined;
  const q = bytes[at + 6]!;
  const p = bytes[at + 7]!;
  if ((q !== 1 && q !== 2 && q !== 4) || (p !== 4 && p !== 8)) return undefined;
  const le = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const be = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  // The magics were chosen so that a byte-swapped one never matches another.
  for (const [m, format] of MAGICS) {
    if (le === m) return { format, order: 'little', magic: m };
    if (be === m) return { format, order: 'big', magic: m };
  }
  return undefined;
}

const SECTION = '.gopclntab';

/**
 * Decodes and checks a pclntab header: every table offset must lie inside
 * `bytes`, tables must come in the linker's order, and the function table
 * must fit — so that nothing later allocates or loops on a count the data
 * cannot hold.
 */
export function parsePclnHeader(bytes: Uint8Array, section = SECTION): PclnHeader {
  const err = (code: 'truncated' | 'bad-magic' | 'invalid' | 'out-of-range' | 'too-large', reason: string, at: number) =>
    new ParseError(code, reason, section, at);
  if (bytes.length < 16) throw err('truncated', `pclntab header needs 16 bytes, ${bytes.length} present`, 0);
  const m = detectMagic(bytes, 0);
  if (!m) throw err('bad-magic', 'not a Go pclntab (no known magic, or bad quantum/pointer size)', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = m.order === 'little';
  const ptrSize = bytes[7] as 4 | 8;
  const quantum = bytes[6]!;
  const word = (i: number): number => {
    const at = 8 + i * ptrSize;
    if (at + ptrSize > bytes.length) throw err('truncated', `pclntab header word ${i} is past the end (${bytes.length} bytes)`, at);
    if (ptrSize === 4) return view.getUint32(at, le);
    const lo = view.getUint32(at + (le ? 0 : 4), le);
    const hi = view.getUint32(at + (le ? 4 : 0), le);
    if (hi !== 0) throw err('too-large', `pclntab header word ${i} (0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}) is larger than the table`, at);
    return lo;
  };
  const wordBig = (i: number): bigint => {
    const at = 8 + i * ptrSize;
    if (at + ptrSize > bytes.length) throw err('truncated', `pclntab header word ${i} is past the end`, at);
    return ptrSize === 4 ? BigInt(view.getUint32(at, le)) : view.getBigUint64(at, le);
  };
  const inside = (v: number, what: string, i: number) => {
    if (v > bytes.length) throw err('out-of-range', `${what} offset 0x${v.toString(16)} is past the end of the pclntab (0x${bytes.length.toString(16)} bytes)`, 8 + i * ptrSize);
    return v;
  };
  const nfunc = word(0);
  const common = { format: m.format, magic: m.magic, order: m.order, quantum, ptrSize, nfunc };
  if (m.format === '1.2') {
    const functab = 8 + ptrSize;
    const fieldSize = ptrSize;
    // (2n+1) fields plus the u32 file table offset must fit.
    if (nfunc > Math.floor((bytes.length - functab - 4) / (2 * fieldSize))) {
      throw err('too-large', `function count ${nfunc} does not fit in ${bytes.length} bytes`, 8);
    }
    const functabEnd = functab + (2 * nfunc + 1) * fieldSize;
    const fileoff = le ? view.getUint32(functabEnd, true) : view.getUint32(functabEnd, false);
    if (fileoff + 4 > bytes.length) throw err('out-of-range', `file table offset 0x${fileoff.toString(16)} is past the end`, functabEnd);
    const nfiles = view.getUint32(fileoff, le);
    if (nfiles > Math.floor((bytes.length - fileoff) / 4)) throw err('too-large', `file count ${nfiles} does not fit in the pclntab`, fileoff);
    return {
      ...common,
      nfiles,
      textStart: undefined,
      funcnametab: [0, bytes.length],
      cutab: [0, 0],
      filetab: [fileoff, fileoff + nfiles * 4],
      pctab: 0,
      functab,
      functabFieldSize: fieldSize,
      funcdataBase: 0,
      functabEnd,
    };
  }
  const nfiles = word(1);
  const base = m.format === '1.16' ? 2 : 3;
  const textStart = m.format === '1.16' ? undefined : wordBig(2);
  const funcname = inside(word(base), 'function name table', base);
  const cu = inside(word(base + 1), 'CU table', base + 1);
  const file = inside(word(base + 2), 'file table', base + 2);
  const pc = inside(word(base + 3), 'pc table', base + 3);
  const functab = inside(word(base + 4), 'function table', base + 4);
  const hdrSize = 8 + (base + 5) * ptrSize;
  const order = [hdrSize, funcname, cu, file, pc, functab];
  for (let i = 1; i < order.length; i++) {
    if (order[i]! < order[i - 1]!) {
      throw err('invalid', `pclntab tables are out of order (offset 0x${order[i]!.toString(16)} before 0x${order[i - 1]!.toString(16)})`, 8 + (base + i - 1) * ptrSize);
    }
  }
  const fieldSize = m.format === '1.16' ? ptrSize : 4;
  if (nfunc > Math.floor((bytes.length - functab - fieldSize) / (2 * fieldSize))) {
    throw err('too-large', `function count ${nfunc} does not fit in the ${bytes.length - functab} bytes after the function table offset`, 8);
  }
  // A file name takes at least its NUL.
  if (nfiles > pc - file) throw err('too-large', `file count ${nfiles} does not fit in the file table`, 8 + ptrSize);
  return {
    ...common,
    nfiles,
    textStart,
    funcnametab: [funcname, cu],
    cutab: [cu, file],
    filetab: [file, pc],
    pctab: pc,
    functab,
    functabFieldSize: fieldSize,
    funcdataBase: functab,
    functabEnd: functab + (2 * nfunc + 1) * fieldSize,
  };
}
