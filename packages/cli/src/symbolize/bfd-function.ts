import { constants as C, type ElfFile, type ElfSymbol, type Section } from '@elfkit/elf';

/** The symbol GNU addr2line names an address after, and the `STT_FILE` it reports with it. */
export interface BfdFunction {
  readonly symbol: ElfSymbol;
  readonly file?: string;
}

const MASK = 0xffff_ffff_ffff_ffffn;

/** A symbol table as bfd reads it for addr2line: `.symtab`, else `.dynsym`, without the null symbol. */
export function bfdSymbols(elf: ElfFile): readonly ElfSymbol[] {
  const own = elf.symbols(false).filter((s) => s.index !== 0);
  return own.length > 0 ? own : elf.symbols(true).filter((s) => s.index !== 0);
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
 * `STT_FILE` followed another symbol. The last answer is cached and reused
 * while addresses stay inside it, as bfd does.
 */
export class BfdFunctionFinder {
  private cache?: { section: number; func: ElfSymbol; codeOff: bigint; codeSize: bigint; file?: string };

  constructor(private readonly symbols: readonly ElfSymbol[]) {}

  /** The function symbol for `address` in `section`, or undefined. */
  find(section: Section, address: bigint): BfdFunction | undefined {
    const offset = (address - section.addr) & MASK;
    const c = this.cache;
    if (c && c.section === section.index && offset >= c.codeOff && offset < c.codeOff + c.codeSize) return { symbol: c.func, file: c.file };
    let best: { func: ElfSymbol; codeOff: bigint; codeSize: bigint; file?: string } | undefined;
    let file: string | undefined;
    let state: 'nothing' | 'symbol' | 'file-after-symbol' = 'nothing';
    for (const sym of this.symbols) {
      if (sym.type === C.STT_FILE) {
        file = sym.name;
        if (state === 'symbol') state = 'file-after-symbol';
        continue;
      }
      if (state === 'nothing') state = 'symbol';
      const size = functionSize(sym, section.index);
      if (size === 0n) continue;
      const codeOff = (sym.value - section.addr) & MASK;
      if (betterFit(best, codeOff, size, offset)) {
        best = { func: sym, codeOff, codeSize: size, file: file !== undefined && (sym.bind === C.STB_LOCAL || state !== 'file-after-symbol') ? file : undefined };
      } else if (best && codeOff > offset && codeOff > best.codeOff && codeOff < best.codeOff + best.codeSize) {
        // A later symbol inside the best one ends it, so the cache is not reused past it.
        best.codeSize = codeOff - best.codeOff;
      }
    }
    this.cache = best && { section: section.index, ...best };
    return best && { symbol: best.func, file: best.file };
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

function betterFit(best: { codeOff: bigint; codeSize: bigint } | undefined, codeOff: bigint, size: bigint, offset: bigint): boolean {
  if (codeOff > offset) return false;
  if (!best) return true;
  if (codeOff !== best.codeOff) return codeOff > best.codeOff;
  // The same start: the larger one (it reaches further); on a tie the first.
  return size > best.codeSize;
}
