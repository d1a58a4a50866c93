import type { Memory } from '@elfkit/unwind';

const PAGE = 4096;
const PAGE_BITS = 12n;
/** Pages kept before the cache starts over (64 MiB). */
const MAX_PAGES = 16384;

/**
 * A {@link Memory} that reads the memory below it a page at a time and
 * keeps the pages: a goroutine's g, its stack and the tables a traceback
 * consults are read many words at a time, and each read of a core file is
 * a system call. Unreadable pages are remembered too; a read that crosses
 * pages, or of a page only partly readable, goes to the memory below.
 */
export class PageCachedMemory implements Memory {
  private readonly pages = new Map<bigint, Uint8Array | null>();

  constructor(private readonly below: Memory) {}

  read(address: bigint, size: number): Uint8Array | undefined {
    if (size <= 0) return new Uint8Array(0);
    const page = address >> PAGE_BITS;
    const off = Number(address & BigInt(PAGE - 1));
    if (off + size > PAGE) return this.below.read(address, size);
    let p = this.pages.get(page);
    if (p === undefined) {
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      p = this.below.read(page << PAGE_BITS, PAGE) ?? null;
      this.pages.set(page, p);
    }
    if (p) return p.subarray(off, off + size);
    return this.below.read(address, size);
  }
}
