import type { ByteOrder } from '@elfkit/binary';

/** A section of the binary that has an address (as an ELF `SHF_ALLOC` section). */
export interface ImageSection {
  readonly name: string;
  /** Virtual address of the first byte. */
  readonly address: bigint;
  /** Size in bytes of the section's contents in the file. */
  readonly size: number;
  /** The section's bytes (may read the file; callers keep the result). */
  data(): Uint8Array;
}

/** A program segment: loadable (`load`) or a note segment (`note`). */
export interface ImageSegment {
  readonly kind: 'load' | 'note';
  /** Virtual address of the first byte. */
  readonly address: bigint;
  /** Size in memory (file bytes followed by zeros). */
  readonly memorySize: bigint;
  /** Size of the part backed by file bytes. */
  readonly fileSize: number;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly executable: boolean;
  /** Alignment (for notes: 4 or 8). */
  readonly align: number;
  /** The segment's file bytes (fileSize of them). */
  data(): Uint8Array;
}

/** A symbol from the binary's symbol table, when it has one. */
export interface ImageSymbol {
  readonly address: bigint;
  readonly size: bigint;
}

/**
 * What the Go readers need from an executable, whatever its container:
 * byte order, pointer size, sections by name, program segments and reads
 * at virtual addresses. The CLI adapts an ELF file to it; tests and other
 * containers can implement it over bytes in memory.
 *
 * Every member may come back empty: a binary whose section headers were
 * removed has no sections, a stripped one no symbols.
 */
export interface GoImage {
  readonly order: ByteOrder;
  /** Pointer size of the target in bytes (4 or 8). */
  readonly pointerSize: 4 | 8;
  /**
   * True when the binary has section headers: then a Go binary names its
   * tables, and a missing `.gopclntab` is not worth a scan of every segment
   * unless something else says Go.
   */
  readonly hasSections: boolean;
  /** The section called `name`, or undefined. */
  section(name: string): ImageSection | undefined;
  /** The symbol called `name` (from the static symbol table), or undefined. */
  symbol(name: string): ImageSymbol | undefined;
  /** Loadable and note segments, in program-header order. */
  readonly segments: readonly ImageSegment[];
  /**
   * `size` bytes at virtual address `address` from a loadable segment
   * (zeros past its file bytes), or undefined when the range is not inside
   * one segment.
   */
  read(address: bigint, size: number): Uint8Array | undefined;
}

/** Section and segment descriptions for {@link memoryImage}. */
export interface MemoryImageParts {
  order: ByteOrder;
  pointerSize: 4 | 8;
  sections?: { name: string; address: bigint; data: Uint8Array }[];
  segments?: {
    kind?: 'load' | 'note';
    address: bigint;
    data: Uint8Array;
    memorySize?: bigint;
    flags?: string;
    align?: number;
  }[];
  symbols?: Record<string, { address: bigint; size?: bigint }>;
}

/**
 * A {@link GoImage} over bytes in memory: for tests, and for callers that
 * already hold a binary's sections and segments. `flags` is a string of
 * `r`, `w`, `x` (default `r`).
 */
export function memoryImage(parts: MemoryImageParts): GoImage {
  const sections = new Map<string, ImageSection>();
  for (const s of parts.sections ?? []) {
    sections.set(s.name, { name: s.name, address: s.address, size: s.data.length, data: () => s.data });
  }
  const segments: ImageSegment[] = (parts.segments ?? []).map((p) => {
    const flags = p.flags ?? 'r';
    return {
      kind: p.kind ?? 'load',
      address: p.address,
      memorySize: p.memorySize ?? BigInt(p.data.length),
      fileSize: p.data.length,
      readable: flags.includes('r'),
      writable: flags.includes('w'),
      executable: flags.includes('x'),
      align: p.align ?? 4,
      data: () => p.data,
    };
  });
  return {
    order: parts.order,
    pointerSize: parts.pointerSize,
    hasSections: sections.size > 0,
    section: (name) => sections.get(name),
    symbol: (name) => {
      const s = parts.symbols?.[name];
      return s ? { address: s.address, size: s.size ?? 0n } : undefined;
    },
    segments,
    read: (address, size) => readSegments(segments, address, size),
  };
}

/**
 * `size` bytes at `address` from the loadable segment containing the whole
 * range (zeros past its file bytes); undefined otherwise. A helper for
 * {@link GoImage.read} implementations.
 */
export function readSegments(segments: readonly ImageSegment[], address: bigint, size: number): Uint8Array | undefined {
  if (size < 0 || address < 0n) return undefined;
  const end = address + BigInt(size);
  for (const p of segments) {
    if (p.kind !== 'load' || address < p.address || end > p.address + p.memorySize) continue;
    const rel = Number(address - p.address);
    if (rel + size <= p.fileSize) return p.data().subarray(rel, rel + size);
    const out = new Uint8Array(size);
    if (rel < p.fileSize) out.set(p.data().subarray(rel, p.fileSize));
    return out;
  }
  return undefined;
}
