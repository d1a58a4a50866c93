import { ParseError, readRange, toSafeNumber, type ByteSource } from '@elfkit/binary';
import type { ElfHeader } from './header.js';
import type { ElfLayouts } from './layouts.js';

/** A program header (segment), normalized across ELF classes. */
export interface Segment {
  /** Index in the program header table. */
  readonly index: number;
  /** p_type (PT_*). */
  readonly type: number;
  /** p_flags (PF_*). */
  readonly flags: number;
  /** p_offset. */
  readonly offset: number;
  /** p_vaddr. */
  readonly vaddr: bigint;
  /** p_paddr. */
  readonly paddr: bigint;
  /** p_filesz. */
  readonly filesz: number;
  /** p_memsz. */
  readonly memsz: bigint;
  /** p_align. */
  readonly align: bigint;
}

/**
 * Reads the program header table; it must lie inside the file. A 64-bit
 * field past 2^53 in one entry is damage, added to `warnings`, and kept
 * as the nearest number so that entry still lists.
 */
export function readSegments(source: ByteSource, header: ElfHeader, layouts: ElfLayouts, warnings: ParseError[] = []): Segment[] {
  if (header.phnum === 0 || header.phoff === 0) return [];
  const entsize = header.phentsize;
  const recsize = layouts.programHeader.size;
  if (entsize < recsize) {
    throw new ParseError('invalid', `e_phentsize ${entsize} is smaller than a program header (${recsize})`, 'file', header.bits === 64 ? 0x36 : 0x2a);
  }
  if (header.phnum > Math.floor(Math.max(0, source.size - header.phoff) / entsize)) {
    throw new ParseError(
      'truncated',
      `program header table (${header.phnum} entries of ${entsize} bytes at 0x${header.phoff.toString(16)}) extends past the end of the file`,
      'file',
      header.phoff,
    );
  }
  const table = readRange(source, header.phoff, header.phnum * entsize, 'program header table');
  const segments: Segment[] = new Array(header.phnum);
  for (let i = 0; i < header.phnum; i++) {
    const at = header.phoff + i * entsize;
    const r = layouts.programHeader.read(table, i * entsize, 'file', header.phoff);
    const n = (v: number | bigint, what: string) => {
      if (typeof v === 'number') return v;
      const x = toSafeNumber(v);
      if (x !== undefined) return x;
      warnings.push(new ParseError('out-of-range', `segment ${i} ${what} 0x${v.toString(16)} is too large`, 'file', at));
      return Number(v);
    };
    segments[i] = {
      index: i,
      type: r.p_type,
      flags: r.p_flags,
      offset: n(r.p_offset, 'p_offset'),
      vaddr: BigInt(r.p_vaddr),
      paddr: BigInt(r.p_paddr),
      filesz: n(r.p_filesz, 'p_filesz'),
      memsz: BigInt(r.p_memsz),
      align: BigInt(r.p_align),
    };
  }
  return segments;
}
