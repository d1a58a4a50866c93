import { ParseError, isParseError, type ByteSource } from '@elfkit/binary';
import type { ElfFile, MappedFile } from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';
import type { Memory } from '@elfkit/unwind';

const PAGE = 4096;
/** At most 4 MiB of the core's pages are kept. */
const MAX_PAGES = 1024;

/** A PT_LOAD of the core: `[start, start + memSize)`, of which the first `fileSize` bytes are in the core at `offset`. */
interface LoadSegment {
  readonly start: bigint;
  readonly end: bigint;
  readonly fileEnd: bigint;
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
        return { start: p.vaddr, end: p.vaddr + p.memsz, fileEnd: p.vaddr + BigInt(inFile), promisedEnd: p.vaddr + BigInt(p.filesz), offset: p.offset };
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
      let bytes = this.pages.get(page);
      if (!bytes) {
        if (this.pages.size >= MAX_PAGES) this.pages.clear();
        const start = page * PAGE;
        bytes = this.core.source.read(start, Math.min(PAGE, this.coreSize - start));
        this.pages.set(page, bytes);
      }
      const at = offset - page * PAGE;
      return bytes.subarray(at, at + n);
    }
    return this.core.source.read(offset, n);
  }

  private readonly pages = new Map<number, Uint8Array>();

  private segmentAt(address: bigint): LoadSegment | undefined {
    return covering(this.loads, address);
  }

  private mappingAt(address: bigint): MappedFile | undefined {
    return covering(this.mappings, address);
  }
}

/** The range of `sorted` (by start, not overlapping) that holds `address`, by binary search. */
function covering<T extends { readonly start: bigint; readonly end: bigint }>(sorted: readonly T[], address: bigint): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start <= address) lo = mid + 1;
    else hi = mid;
  }
  const c = sorted[lo - 1];
  return c && address < c.end ? c : undefined;
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
