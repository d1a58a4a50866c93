import type { ElfFile, ElfSymbol, Section, SymbolTable } from '@elfkit/elf';
import { STT_FILE, STT_SECTION, STT_OBJECT, STT_COMMON, STT_TLS, STT_NOTYPE, STB_LOCAL, STV_HIDDEN, SHN_XINDEX } from '@elfkit/elf/constants';

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
  /** st_shndx (resolved), st_info and st_other of each entry (the null symbol's as zeros). */
  readonly shndx: Int32Array;
  readonly info: Uint8Array;
  readonly other: Uint8Array;
  /** st_value and st_size of each entry as numbers, -1 where not below 2^53. */
  readonly values: Float64Array;
  readonly sizes: Float64Array;

  private constructor(readonly table: SymbolTable | undefined) {
    const n = table ? table.count : 0;
    this.shndx = new Int32Array(n);
    if (!table) {
      this.info = this.other = new Uint8Array(0);
      this.values = this.sizes = new Float64Array(0);
    } else {
      const c = table.fieldColumns();
      this.info = c.info;
      this.other = c.other;
      this.values = c.values;
      this.sizes = c.sizes;
      if (n > 0) this.info[0] = this.other[0] = this.values[0] = this.sizes[0] = 0;
      // Every section index is resolved here, so a damaged SHN_XINDEX table fails now, as reading it whole did.
      const raw = c.rawShndx;
      for (let i = 1; i < n; i++) this.shndx[i] = raw[i] === SHN_XINDEX ? table.shndx(i) : raw[i]!;
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
  private readonly bySection = new Map<number, SectionCandidates>();

  constructor(private readonly symbols: BfdSymbols) {}

  /** The function symbol for `address` in `section`, or undefined. */
  find(section: Section, address: bigint): BfdFunction | undefined {
    const x = this.index(section);
    const offsets = x.offsets;
    // The address's offset in the section, as a number where both fit (no bigint arithmetic). Below the
    // section's start it wraps around (64-bit): past every candidate, as is an offset of 2^53 or more.
    let offset: number;
    if (x.addr >= 0 && address <= MAX_SAFE_BIG) offset = Number(address) - x.addr;
    else {
      const big = (address - section.addr) & MASK;
      offset = big > MAX_SAFE_BIG ? Infinity : Number(big);
    }
    if (offset < 0) offset = Infinity;
    // The last candidate at or below the offset (bfd: the nearest one, whatever its size).
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! <= offset) lo = mid + 1;
      else hi = mid;
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
    const n = syms.count;
    // Candidates in table order: offset, size, symbol and file (a number into `fileNames`, -1: none).
    const offs = new Float64Array(n);
    const sizes = new Float64Array(n);
    const ids = new Int32Array(n);
    const fileOf = new Int32Array(n);
    const fileNames: string[] = [];
    let count = 0;
    let file = -1;
    let state: 'nothing' | 'symbol' | 'file-after-symbol' = 'nothing';
    const addr = section.addr <= MAX_SAFE_BIG ? Number(section.addr) : -1;
    const wanted = section.index;
    const shndx = syms.shndx;
    const infos = syms.info;
    const values = syms.values;
    const symSizes = syms.sizes;
    for (let i = 1; i < n; i++) {
      const info = infos[i]!;
      const type = info & 0xf;
      if (type === STT_FILE) {
        file = fileNames.push(t!.name(i)) - 1;
        if (state === 'symbol') state = 'file-after-symbol';
        continue;
      }
      if (state === 'nothing') state = 'symbol';
      // bfd's `_bfd_elf_maybe_function_sym`: symbols that cannot name code in the section have no size.
      if (shndx[i] !== wanted || type === STT_SECTION || type === STT_OBJECT || type === STT_COMMON || type === STT_TLS) continue;
      const bind = info >> 4;
      let size = symSizes[i]!;
      if (size < 0) size = Number(t!.size(i));
      // Zero-sized hidden local untyped symbols are annobin's notes, not functions.
      if (size === 0 && bind === STB_LOCAL && type === STT_NOTYPE && (syms.other[i]! & 3) === STV_HIDDEN) continue;
      const v = values[i]!;
      let off: number;
      if (v >= 0 && addr >= 0) off = v - addr;
      else {
        const b = (t!.value(i) - section.addr) & MASK;
        off = b > MAX_SAFE_BIG ? -1 : Number(b);
      }
      // (below the section's start: wraps around, never chosen)
      if (off < 0) continue;
      offs[count] = off;
      sizes[count] = size === 0 ? 1 : size;
      ids[count] = i;
      fileOf[count] = bind === STB_LOCAL || state !== 'file-after-symbol' ? file : -1;
      count++;
    }
    // At one offset bfd keeps the larger symbol, on a tie the first it met (table order: the candidate order).
    const order = candidateOrder(offs, count);
    const offsets = new Float64Array(count);
    const symbols = new Int32Array(count);
    const files: (string | undefined)[] = [];
    let kept = 0;
    for (let g = 0; g < count; ) {
      // The group of candidates at one offset, in table order: the first of the largest wins.
      let best = order[g]!;
      const at = offs[best]!;
      let e = g + 1;
      for (; e < count && offs[order[e]!] === at; e++) if (sizes[order[e]!]! > sizes[best]!) best = order[e]!;
      offsets[kept] = at;
      symbols[kept] = ids[best]!;
      files.push(fileOf[best]! < 0 ? undefined : fileNames[fileOf[best]!]);
      kept++;
      g = e;
    }
    x = { addr: addr >= 0 && addr + section.size <= MAX_SAFE ? addr : -1, offsets: offsets.subarray(0, kept), symbols: symbols.subarray(0, kept), files };
    this.bySection.set(section.index, x);
    return x;
  }
}

/** One section's candidates (see BfdFunctionFinder.bySection). */
interface SectionCandidates {
  /** The section's address as a number, or -1 where it or its end is not below 2^53. */
  readonly addr: number;
  readonly offsets: Float64Array;
  readonly symbols: Int32Array;
  readonly files: (string | undefined)[];
}

/**
 * Candidate numbers ordered by offset, ties in candidate (table) order.
 * Where offsets are below 2^32 and there are fewer than 2^21 candidates,
 * offset and number are packed into one exact double and sorted natively
 * (a Go binary's 35,000 functions: a comparator sort costs ~100 ms there).
 */
function candidateOrder(offs: Float64Array, n: number): Int32Array {
  let packable = n < 1 << 21;
  for (let k = 0; k < n && packable; k++) packable = offs[k]! < 2 ** 32;
  if (!packable) return Int32Array.from(Array.from({ length: n }, (_, k) => k).sort((a, b) => offs[a]! - offs[b]! || a - b));
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = offs[k]! * 2 ** 21 + k;
  keys.sort();
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % 2 ** 21;
  return order;
}
