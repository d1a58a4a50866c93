import { constants as C, type ElfFile, type ElfSymbol, type Section, type SymbolTable } from '@elfkit/elf';

/** The symbol GNU addr2line names an address after (its name and value), and the `STT_FILE` it reports with it. */
export interface BfdFunction {
  readonly symbol: { readonly name: string; readonly value: bigint };
  readonly file?: string;
}

const MASK = 0xffff_ffff_ffff_ffffn;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/**
 * A symbol table as bfd reads it for addr2line: `.symtab`, else `.dynsym`,
 * without the null symbol (entries 1 to count − 1 of the table). A table
 * that cannot be read is given to `onError` and counts as empty (bfd refuses
 * the whole file; the DWARF and the other table still answer here). The
 * symbols are read from the table's columns: a Go binary's 47,000 symbols
 * are never made into objects (only those that answer are, see
 * {@link BfdSymbols.get}).
 */
export class BfdSymbols {
  /** Number of entries, the null symbol included (0 or 1: none). */
  readonly count: number;
  /** st_shndx (resolved), st_info and st_other of each entry. */
  readonly shndx: Int32Array;
  readonly info: Uint8Array;
  readonly other: Uint8Array;

  private constructor(readonly table: SymbolTable | undefined) {
    const n = table ? table.count : 0;
    this.shndx = new Int32Array(n);
    this.info = new Uint8Array(n);
    this.other = new Uint8Array(n);
    // Every section index is resolved here, so a damaged SHN_XINDEX table fails now, as reading it whole did.
    for (let i = 1; i < n; i++) {
      this.shndx[i] = table!.shndx(i);
      this.info[i] = table!.info(i);
      this.other[i] = table!.other(i);
    }
    this.count = n;
  }

  /** bfd's table of `elf`. */
  static of(elf: ElfFile, onError: (e: unknown) => void): BfdSymbols {
    const table = (kind: 'symtab' | 'dynsym'): BfdSymbols | undefined => {
      const s = elf.symbolTables(kind)[0];
      if (!s) return undefined;
      try {
        return new BfdSymbols(elf.symbolTable(s));
      } catch (e) {
        onError(e);
        return undefined;
      }
    };
    const own = table('symtab');
    return own && own.count > 1 ? own : (table('dynsym') ?? new BfdSymbols(undefined));
  }

  /** Symbol `i` as an object. */
  get(i: number): ElfSymbol {
    return this.table!.get(i);
  }

  /** st_value of symbol `i` as a number, or -1 when it is not below 2^53. */
  valueNumber(i: number): number {
    const hi = this.table!.valueHigh(i);
    return hi > 0x1fffff ? -1 : hi * 0x1_0000_0000 + this.table!.valueLow(i);
  }
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
   * by binary search answers a million addresses without that. Offsets are
   * numbers: an address's offset in its section is below the section's
   * size, so a symbol 2^53 or more past the section's start (one that wraps
   * around, before the start) can never be chosen and is left out.
   */
  private readonly bySection = new Map<number, { offsets: Float64Array; symbols: Int32Array; files: (string | undefined)[] }>();

  constructor(private readonly symbols: BfdSymbols) {}

  /** The function symbol for `address` in `section`, or undefined. */
  find(section: Section, address: bigint): BfdFunction | undefined {
    const big = (address - section.addr) & MASK;
    const x = this.index(section);
    const offsets = x.offsets;
    // The last candidate at or below the offset (bfd: the nearest one, whatever its size).
    let lo = 0;
    let hi = offsets.length;
    if (big > MAX_SAFE_BIG) lo = hi;
    else {
      const offset = Number(big);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (offsets[mid]! <= offset) lo = mid + 1;
        else hi = mid;
      }
    }
    if (lo === 0) return undefined;
    // (made for each question: a name is asked for once per function, and kept by the caller)
    const i = x.symbols[lo - 1]!;
    const t = this.symbols.table!;
    return { symbol: { name: t.name(i), value: t.value(i) }, file: x.files[lo - 1] };
  }

  private index(section: Section) {
    let x = this.bySection.get(section.index);
    if (x) return x;
    const syms = this.symbols;
    const t = syms.table;
    const offs: number[] = [];
    const sizes: number[] = [];
    const ids: number[] = [];
    const fileOf: (string | undefined)[] = [];
    let file: string | undefined;
    let state: 'nothing' | 'symbol' | 'file-after-symbol' = 'nothing';
    const addr = section.addr <= MAX_SAFE_BIG ? Number(section.addr) : -1;
    for (let i = 1; i < syms.count; i++) {
      const info = syms.info[i]!;
      const type = info & 0xf;
      const bind = info >> 4;
      if (type === C.STT_FILE) {
        file = t!.name(i);
        if (state === 'symbol') state = 'file-after-symbol';
        continue;
      }
      if (state === 'nothing') state = 'symbol';
      // bfd's `_bfd_elf_maybe_function_sym`: symbols that cannot name code in the section have no size.
      if (type === C.STT_SECTION || type === C.STT_OBJECT || type === C.STT_COMMON || type === C.STT_TLS) continue;
      if (syms.shndx[i] !== section.index) continue;
      let size = t!.sizeNumber(i);
      if (size < 0) size = Number(t!.size(i));
      // Zero-sized hidden local untyped symbols are annobin's notes, not functions.
      if (size === 0 && bind === C.STB_LOCAL && type === C.STT_NOTYPE && (syms.other[i]! & 3) === C.STV_HIDDEN) continue;
      if (size === 0) size = 1;
      const v = syms.valueNumber(i);
      let off: number;
      if (v >= 0 && addr >= 0) off = v - addr;
      else {
        const b = (t!.value(i) - section.addr) & MASK;
        off = b > MAX_SAFE_BIG ? -1 : Number(b);
      }
      // (below the section's start: wraps around, never chosen)
      if (off < 0) continue;
      offs.push(off);
      sizes.push(size);
      ids.push(i);
      fileOf.push(file !== undefined && (bind === C.STB_LOCAL || state !== 'file-after-symbol') ? file : undefined);
    }
    // At one offset bfd keeps the larger symbol, on a tie the first it met (table order: the candidate order).
    const order = candidateOrder(offs);
    const offsets: number[] = [];
    const symbols: number[] = [];
    const files: (string | undefined)[] = [];
    for (let g = 0; g < order.length; ) {
      // The group of candidates at one offset, in table order: the first of the largest wins.
      let best = order[g]!;
      let e = g + 1;
      for (; e < order.length && offs[order[e]!] === offs[best]; e++) if (sizes[order[e]!]! > sizes[best]!) best = order[e]!;
      offsets.push(offs[best]!);
      symbols.push(ids[best]!);
      files.push(fileOf[best]);
      g = e;
    }
    x = { offsets: Float64Array.from(offsets), symbols: Int32Array.from(symbols), files };
    this.bySection.set(section.index, x);
    return x;
  }
}

/**
 * Candidate numbers ordered by offset, ties in candidate (table) order.
 * Where offsets are below 2^32 and there are fewer than 2^21 candidates,
 * offset and number are packed into one exact double and sorted natively
 * (a Go binary's 35,000 functions: a comparator sort costs ~100 ms there).
 */
function candidateOrder(offs: readonly number[]): number[] {
  const n = offs.length;
  let packable = n < 1 << 21;
  for (let k = 0; k < n && packable; k++) packable = offs[k]! < 2 ** 32;
  if (!packable) return Array.from(offs, (_, k) => k).sort((a, b) => offs[a]! - offs[b]! || a - b);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = offs[k]! * 2 ** 21 + k;
  keys.sort();
  const order: number[] = new Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % 2 ** 21;
  return order;
}
