import { ParseError, isParseError, type ByteSource } from '@elfkit/binary';
import type { ElfFile, MappedFile } from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';
import { decodeUnsigned, type Memory } from '@elfkit/unwind';

const PAGE = 4096;
/** At most 4 MiB of the core's pages are kept. */
const MAX_PAGES = 1024;

/** A PT_LOAD of the core: `[start, start + memSize)`, of which the first `fileSize` bytes are in the core at `offset`. */
interface LoadSegment {
  readonly start: bigint;
  readonly end: bigint;
  readonly fileEnd: bigint;
  /** Bytes of it in the core (fileEnd − start). */
  readonly fileBytes: number;
  /** Where the dumped bytes would end had the core not been cut short. */
  readonly promisedEnd: bigint;
  readonly offset: number;
}

/**
 * The crashed process's memory: what the core's PT_LOAD segments hold, and
 * where the kernel kept nothing (`p_filesz` 0 for unmodified file-backed
 * text, or a core cut short) the bytes of the file mapped there (NT_FILE),
 * when the process knows that file. Anything else is unreadable: a read
 * returns undefined rather than guessing zeros.
 */
export class CoreMemory implements Memory {
  private readonly loads: LoadSegment[];
  private readonly mappings: readonly MappedFile[];
  /** Reads the core beyond its end fail: a truncated core. */
  readonly coreSize: number;
  /** Bytes the program headers promise that the (truncated) core does not have. */
  readonly missingBytes: number;

  constructor(
    private readonly core: ElfFile,
    mappings: readonly MappedFile[],
    /** The file to read for a mapped path (the module's verified file), or undefined. */
    private readonly fileFor: (path: string) => ByteSource | undefined,
  ) {
    this.coreSize = core.source.size;
    let missing = 0;
    this.loads = core.segments
      .filter((p) => p.type === E.PT_LOAD)
      .map((p) => {
        const inFile = Math.max(0, Math.min(p.filesz, this.coreSize - p.offset));
        missing += p.filesz - inFile;
        return { start: p.vaddr, end: p.vaddr + p.memsz, fileEnd: p.vaddr + BigInt(inFile), fileBytes: inFile, promisedEnd: p.vaddr + BigInt(p.filesz), offset: p.offset };
      })
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.missingBytes = missing;
    this.mappings = [...mappings].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** Exactly `size` bytes at `address` from the core or the mapped file, or undefined when any byte is in neither. */
  read(address: bigint, size: number): Uint8Array | undefined {
    if (size <= 0) return new Uint8Array(0);
    const end = address + BigInt(size);
    // Fast path: one read inside one segment's dumped bytes.
    const seg = this.segmentAt(address);
    if (seg && end <= seg.fileEnd) return this.coreRead(seg.offset + Number(address - seg.start), size);
    const out = new Uint8Array(size);
    let at = address;
    while (at < end) {
      const piece = this.readPiece(at, end);
      if (!piece) return undefined;
      out.set(piece, Number(at - address));
      at += BigInt(piece.length);
    }
    return out;
  }

  /**
   * The unsigned integer of `size` bytes at `address` ({@link read}'s bytes,
   * decoded): a word inside one of the core's pages comes from the page
   * without a view made of it.
   */
  readUnsigned(address: bigint, size: number, order: 'little' | 'big'): bigint | undefined {
    const seg = this.segmentAt(address);
    if (seg && size > 0) {
      const into = Number(address - seg.start);
      if (into + size <= seg.fileBytes) {
        const offset = seg.offset + into;
        const page = Math.floor(offset / PAGE);
        if (size <= 256 && Math.floor((offset + size - 1) / PAGE) === page && offset + size <= this.coreSize) return decodeUnsigned(this.page(page), offset - page * PAGE, size, order);
      }
    }
    const b = this.read(address, size);
    return b && b.length >= size ? decodeUnsigned(b, 0, size, order) : undefined;
  }

  /** True when the core would hold `address` had it not been cut short (a truncated core lost it). */
  cutOff(address: bigint): boolean {
    const seg = this.segmentAt(address);
    return !!seg && address >= seg.fileEnd && address < seg.promisedEnd;
  }

  /** True when `address` is inside some mapping of the process (dumped or not). */
  mapped(address: bigint): boolean {
    return !!this.segmentAt(address) || !!this.mappingAt(address);
  }

  private readPiece(at: bigint, end: bigint): Uint8Array | undefined {
    const seg = this.segmentAt(at);
    if (seg && at < seg.fileEnd) {
      const n = Number((end < seg.fileEnd ? end : seg.fileEnd) - at);
      return this.coreRead(seg.offset + Number(at - seg.start), n);
    }
    const m = this.mappingAt(at);
    if (!m) return undefined;
    const source = this.fileFor(m.path);
    if (!source) return undefined;
    const stop = end < m.end ? end : m.end;
    const fileOff = m.offset + (at - m.start);
    if (fileOff >= BigInt(source.size)) return undefined;
    const n = Number(stop - at);
    const avail = Math.min(n, source.size - Number(fileOff));
    try {
      return source.read(Number(fileOff), avail);
    } catch (e) {
      if (isParseError(e)) return undefined;
      throw e;
    }
  }

  private coreRead(offset: number, n: number): Uint8Array | undefined {
    if (offset + n > this.coreSize) return undefined;
    // An unwinder reads a word at a time, near the last one (a stack): small reads come from 4 KiB pages read once.
    const page = Math.floor(offset / PAGE);
    if (n <= 256 && Math.floor((offset + n - 1) / PAGE) === page) {
      const at = offset - page * PAGE;
      return this.page(page).subarray(at, at + n);
    }
    return this.core.source.read(offset, n);
  }

  /** The core's 4 KiB page `page` (its offset / 4096), read once. */
  private page(page: number): Uint8Array {
    let bytes = this.pages.get(page);
    if (!bytes) {
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      const start = page * PAGE;
      bytes = this.core.source.read(start, Math.min(PAGE, this.coreSize - start));
      this.pages.set(page, bytes);
    }
    return bytes;
  }

  private readonly pages = new Map<number, Uint8Array>();

  /** The segment {@link segmentAt} found last, and the address below which it is still the answer. */
  private lastSegment?: LoadSegment;
  private lastLimit = 0n;

  private segmentAt(address: bigint): LoadSegment | undefined {
    // An unwinder reads one stack, word after word: the segment found last is asked about again and again.
    const last = this.lastSegment;
    if (last && address >= last.start && address < this.lastLimit) return last;
    const i = coveringIndex(this.loads, address);
    if (i < 0) return undefined;
    const seg = this.loads[i]!;
    // Up to the next segment's start too, so that a damaged core's overlapping segments answer as the search does.
    const next = this.loads[i + 1];
    this.lastSegment = seg;
    this.lastLimit = next && next.start < seg.end ? next.start : seg.end;
    return seg;
  }

  private mappingAt(address: bigint): MappedFile | undefined {
    return covering(this.mappings, address);
  }
}

/** The range of `sorted` (by start, not overlapping) that holds `address`, by binary search. */
function covering<T extends { readonly start: bigint; readonly end: bigint }>(sorted: readonly T[], address: bigint): T | undefined {
  const i = coveringIndex(sorted, address);
  return i < 0 ? undefined : sorted[i];
}

/** The index of {@link covering}'s range, or -1. */
function coveringIndex(sorted: readonly { readonly start: bigint; readonly end: bigint }[], address: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start <= address) lo = mid + 1;
    else hi = mid;
  }
  const c = sorted[lo - 1];
  return c && address < c.end ? lo - 1 : -1;
}

/**
 * A {@link ByteSource} over process memory starting at `base` (an ELF image
 * mapped there: the vDSO, or a module's first page), `size` bytes long.
 * Unreadable ranges throw ParseError, as a truncated file would.
 */
export function memorySource(memory: Memory, base: bigint, size: number, name: string): ByteSource {
  return {
    size,
    read(offset: number, length: number): Uint8Array {
      const b = memory.read(base + BigInt(offset), length);
      if (!b) throw new ParseError('truncated', `memory at 0x${(base + BigInt(offset)).toString(16)} (${length} bytes) is not in the core`, name, offset);
      return b;
    },
  };
}
