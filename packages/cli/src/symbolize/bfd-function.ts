import { constants as C, type ElfFile, type ElfSymbol, type Section } from '@elfkit/elf';

/** The symbol GNU addr2line names an address after, and the `STT_FILE` it reports with it. */
export interface BfdFunction {
  readonly symbol: ElfSymbol;
  readonly file?: string;
}

const MASK = 0xffff_ffff_ffff_ffffn;

/**
 * A symbol table as bfd reads it for addr2line: `.symtab`, else `.dynsym`,
 * without the null symbol. A table that cannot be read is given to
 * `onError` and counts as empty (bfd refuses the whole file; the DWARF and
 * the other table still answer here).
 */
export function bfdSymbols(elf: ElfFile, onError: (e: unknown) => void): readonly ElfSymbol[] {
  const table = (dynamic: boolean) => {
    try {
      return elf.symbols(dynamic).filter((s) => s.index !== 0);
    } catch (e) {
      onError(e);
      return [];
    }
  };
  const own = table(false);
  return own.length > 0 ? own : table(true);
}

/**
 * GNU addr2line's choice of the symbol for an address (binutils 2.40,
 * bfd's `_bfd_elf_find_function`), which differs from LLVM's: symbols are
 * scanned in table order; of those in the address's own section, the one
 * whose section offset is the nearest at or below the address's wins (a
 * symbol placed before its section's start, like `__bss_start`, wraps
 * around and never does); of two at the same offset the larger, and on a
 * tie the first — typed or not, so an aarch64 `$x` mapping symbol names
 * `deregister_tm_clones` when both have size 0 (which counts as 1). The
 * file is the last `STT_FILE` before the symbol, for a global only while no
 * `STT_FILE` followed another symbol.
 */
export class BfdFunctionFinder {
  /**
   * Per section: the candidates by section offset, ascending, one per
   * offset (the one bfd's scan keeps there: the larger, on a tie the first
   * in table order), each with the file the scan had reached at it. bfd scans
   * the whole table on every miss of its one-entry cache; the same choice
   * by binary search answers a million addresses without that.
   */
  private readonly bySection = new Map<number, { offsets: bigint[]; funcs: BfdFunction[] }>();

  constructor(private readonly symbols: readonly ElfSymbol[]) {}

  /** The function symbol for `address` in `section`, or undefined. */
  find(section: Section, address: bigint): BfdFunction | undefined {
    const offset = (address - section.addr) & MASK;
    const { offsets, funcs } = this.index(section);
    // The last candidate at or below the offset (bfd: the nearest one, whatever its size).
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? funcs[lo - 1] : undefined;
  }

  private index(section: Section): { offsets: bigint[]; funcs: BfdFunction[] } {
    let x = this.bySection.get(section.index);
    if (x) return x;
    const cands: { off: bigint; size: bigint; order: number; f: BfdFunction }[] = [];
    let file: string | undefined;
    let state: 'nothing' | 'symbol' | 'file-after-symbol' = 'nothing';
    let order = 0;
    for (const sym of this.symbols) {
      if (sym.type === C.STT_FILE) {
        file = sym.name;
        if (state === 'symbol') state = 'file-after-symbol';
        continue;
      }
      if (state === 'nothing') state = 'symbol';
      const size = functionSize(sym, section.index);
      if (size === 0n) continue;
      const off = (sym.value - section.addr) & MASK;
      cands.push({ off, size, order: order++, f: { symbol: sym, file: file !== undefined && (sym.bind === C.STB_LOCAL || state !== 'file-after-symbol') ? file : undefined } });
    }
    // At one offset bfd keeps the larger symbol, on a tie the first it met.
    cands.sort((a, b) => (a.off < b.off ? -1 : a.off > b.off ? 1 : a.size > b.size ? -1 : a.size < b.size ? 1 : a.order - b.order));
    const offsets: bigint[] = [];
    const funcs: BfdFunction[] = [];
    for (const c of cands) {
      if (offsets.length && offsets[offsets.length - 1] === c.off) continue;
      offsets.push(c.off);
      funcs.push(c.f);
    }
    x = { offsets, funcs };
    this.bySection.set(section.index, x);
    return x;
  }
}

/** bfd's `_bfd_elf_maybe_function_sym`: 0 for symbols that cannot name code in `section`, else the size (at least 1). */
function functionSize(sym: ElfSymbol, section: number): bigint {
  const t = sym.type;
  if (t === C.STT_SECTION || t === C.STT_FILE || t === C.STT_OBJECT || t === C.STT_COMMON || t === C.STT_TLS) return 0n;
  if (sym.shndx !== section) return 0n;
  // Zero-sized hidden local untyped symbols are annobin's notes, not functions.
  if (sym.size === 0n && sym.bind === C.STB_LOCAL && t === C.STT_NOTYPE && sym.visibility === C.STV_HIDDEN) return 0n;
  return sym.size === 0n ? 1n : sym.size;
}
