import { decodeUnsigned, readUnsigned, type Memory } from '@elfkit/unwind';

const PAGE = 4096;
const PAGE_BITS = 12n;
/** Pages read together where the memory below has them all (64 KiB): stacks and gs lie side by side. */
const BLOCK_PAGES = 16n;
/** Pages kept before the cache starts over (64 MiB). */
const MAX_PAGES = 16384;

/**
 * A {@link Memory} that reads the memory below it in blocks of pages and
 * keeps the pages: a goroutine's g, its stack and the tables a traceback
 * consults are read many words at a time, and each read of a core file is
 * a system call (10,000 goroutines touch some 8,000 pages, mostly next to
 * each other). A block the memory below cannot give whole is read a page at
 * a time; unreadable pages are remembered too; a read that crosses pages,
 * or of a page only partly readable, goes to the memory below.
 */
export class PageCachedMemory implements Memory {
  private readonly pages = new Map<bigint, Uint8Array | null>();
  /** Blocks the memory below could not give whole. */
  private readonly partial = new Set<bigint>();

  constructor(private readonly below: Memory) {}

  read(address: bigint, size: number): Uint8Array | undefined {
    if (size <= 0) return new Uint8Array(0);
    const page = address >> PAGE_BITS;
    const off = Number(address & BigInt(PAGE - 1));
    if (off + size > PAGE) return this.below.read(address, size);
    let p = this.pages.get(page);
    if (p === undefined) p = this.load(page);
    if (p) return p.subarray(off, off + size);
    return this.below.read(address, size);
  }

  /**
   * What readUnsigned makes of {@link read}, decoded from the kept page
   * without a view of the bytes: a traceback reads a word at a time (return
   * addresses, arguments, g and m fields), and the view cost more than the
   * word.
   */
  readUnsigned(address: bigint, size: number, order: 'little' | 'big'): bigint | undefined {
    const off = Number(address & BigInt(PAGE - 1));
    if (size > 0 && off + size <= PAGE) {
      const page = address >> PAGE_BITS;
      let p = this.pages.get(page);
      if (p === undefined) p = this.load(page);
      if (p) return decodeUnsigned(p, off, size, order);
      return readUnsigned(this.below, address, size, order);
    }
    const b = this.read(address, size);
    return b && b.length >= size ? decodeUnsigned(b, 0, size, order) : undefined;
  }

  private load(page: bigint): Uint8Array | null {
    if (this.pages.size >= MAX_PAGES) {
      this.pages.clear();
      this.partial.clear();
    }
    const block = page / BLOCK_PAGES;
    if (!this.partial.has(block)) {
      const first = block * BLOCK_PAGES;
      const bytes = this.below.read(first << PAGE_BITS, Number(BLOCK_PAGES) * PAGE);
      if (bytes && bytes.length === Number(BLOCK_PAGES) * PAGE) {
        for (let i = 0n; i < BLOCK_PAGES; i++) {
          if (!this.pages.has(first + i)) this.pages.set(first + i, bytes.subarray(Number(i) * PAGE, Number(i + 1n) * PAGE));
        }
        return this.pages.get(page)!;
      }
      this.partial.add(block);
    }
    const p = this.below.read(page << PAGE_BITS, PAGE) ?? null;
    this.pages.set(page, p);
    return p;
  }
}
