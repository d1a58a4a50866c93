import type { CallFrameInfo } from '@elfkit/dwarf';
import type { PcLnTable } from '@elfkit/gosym';

/**
 * A loaded module (executable, shared library, vDSO) as the unwinder sees
 * it. Everything is asked for lazily and may be undefined: a module whose
 * file is missing still has a name and a range, and unwinding through it
 * falls back to frame pointers.
 */
export interface UnwindModule {
  /** A name for reports (a path, `[vdso]`). */
  readonly name: string;
  /** The addresses it is mapped at, `[start, end)`. */
  readonly start: bigint;
  readonly end: bigint;
  /** Load bias: a runtime address is the link-time address plus the bias. */
  readonly bias: bigint;
  /** Its call frame information (link-time addresses), or undefined. May throw ParseError: the unwinder reports it as the stop reason. */
  callFrameInfo(): CallFrameInfo | undefined;
  /** Its Go pclntab (link-time addresses), for Go code: Go binaries have no `.eh_frame`. */
  goTable?(): PcLnTable | undefined;
}

/** Finds the module that covers an address (a core's mappings, `/proc/pid/maps`, a perf sample's mmap events). */
export interface ModuleResolver {
  moduleAt(address: bigint): UnwindModule | undefined;
}

/** A resolver over a fixed list of modules, searched by binary search. */
export class ModuleList implements ModuleResolver {
  private readonly sorted: UnwindModule[];

  constructor(modules: Iterable<UnwindModule>) {
    this.sorted = [...modules].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  moduleAt(address: bigint): UnwindModule | undefined {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]!.start <= address) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) {
      const m = s[i]!;
      if (address >= m.start && address < m.end) return m;
    }
    return undefined;
  }

  get modules(): readonly UnwindModule[] {
    return this.sorted;
  }
}
