import type { ElfFile, SymbolTable } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { STB_LOCAL, SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, STT_FILE, STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE, STT_OBJECT } from '@elfkit/elf/constants';
import { RecentCache } from './recent-cache.js';

/** 1,024 recent answers (see RecentCache). */
const CACHE_BITS = 10;

/** The arrays of a built {@link SymbolIndex} (see {@link SymbolIndex.columns}). */
export interface SymbolColumns {
  readonly addrs: Float64Array;
  readonly sizes: Float64Array;
  readonly refs: Int32Array;
  readonly which: Uint8Array;
  readonly locals: Int32Array;
  readonly fileIdx: Int32Array;
  readonly fileNames: readonly string[];
  readonly tableCounts: Float64Array;
}

/** A symbol the index answers with. */
export interface IndexedSymbol {
  readonly name: string;
  readonly address: bigint;
  readonly size: bigint;
  /** For a local symbol: the name of the `STT_FILE` symbol before it (the source file it came from). */
  readonly file?: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
// Plain constants for the loop over every symbol: reads through the `constants` namespace object are not folded away in hot code.

/**
 * The function and object symbols of an ELF file sorted by address, with
 * LLVM's rules (SymbolizableObjectFile), so a symbol-table answer is what
 * llvm-symbolizer gives: `.symtab`, else `.dynsym`; `STT_FUNC`,
 * `STT_OBJECT`, `STT_GNU_IFUNC` and `STT_NOTYPE` symbols of a real section
 * (not ABS, not undefined), no section, file or ARM/AArch64/RISC-V mapping
 * symbols; of several symbols at one address the largest one; an address
 * belongs to the nearest symbol at or below it unless that symbol has a size
 * and the address is past its end.
 */
export class SymbolIndex {
  private readonly tables: { elf: ElfFile; table: SymbolTable }[];
  private built?: {
    addrs: Float64Array;
    sizes: Float64Array;
    refs: Int32Array;
    which: Uint8Array;
    locals: Int32Array;
    /** Symbol indexes of STT_FILE symbols, ascending, and their names. */
    fileIdx: number[];
    fileNames: string[];
  };
  /** Lookups answered by a scan before the index is worth building. */
  private scans = 0;
  /** Recent answers by index position (a profiler's hot symbols are decoded once; a pass over every function keeps no object per symbol). */
  private answers = new RecentCache<IndexedSymbol | undefined>(CACHE_BITS);

  private constructor(tables: { elf: ElfFile; table: SymbolTable }[]) {
    this.tables = tables;
  }

  /**
   * The sorted index (built now if it was not) and the symbol count of each
   * table it came from, for the on-disk index cache; names stay in the ELF
   * string tables.
   */
  columns(): SymbolColumns {
    const b = this.index();
    return { ...b, fileIdx: Int32Array.from(b.fileIdx), tableCounts: Float64Array.from(this.tables, (t) => t.table.count) };
  }

  /**
   * Takes `c` (from {@link SymbolIndex.columns}, read back from a cache file) as the
   * index when it was made from tables of the same sizes; false otherwise
   * (then the index is built from the tables as usual).
   */
  adopt(c: SymbolColumns): boolean {
    if (this.built || c.tableCounts.length !== this.tables.length || this.tables.some((t, i) => t.table.count !== c.tableCounts[i])) return false;
    const n = c.addrs.length;
    if (c.sizes.length !== n || c.refs.length !== n || c.which.length !== n || c.locals.length !== n || c.fileIdx.length !== c.fileNames.length) return false;
    // Every entry must name a symbol of these tables at a whole address (a lookup reads its name through them, and its address as a bigint, unchecked).
    for (let k = 0; k < n; k++) {
      const t = this.tables[c.which[k]!];
      if (!t || !(c.refs[k]! >= 0 && c.refs[k]! < t.table.count) || !Number.isSafeInteger(c.addrs[k]!) || !Number.isSafeInteger(c.sizes[k]!) || c.addrs[k]! < 0 || c.sizes[k]! < 0) return false;
    }
    this.built = { addrs: c.addrs, sizes: c.sizes, refs: c.refs, which: c.which, locals: c.locals, fileIdx: [...c.fileIdx], fileNames: [...c.fileNames] };
    return true;
  }

  /** Number of symbols indexed. */
  get size(): number {
    return this.index().addrs.length;
  }

  /**
   * Indexes `.symtab` of `elf` (`.dynsym` when there is no `.symtab`), and
   * the `.symtab` of `extra` (MiniDebugInfo's) beside it; empty when there
   * is nothing readable. The first lookup scans the tables (a command
   * that asks for one address does not pay for sorting 50,000 symbols); the
   * sorted index is built on the second (a scan costs about as much as
   * building it, so more scans only delay the index).
   */
  static of(elf: ElfFile | undefined, extra?: ElfFile): SymbolIndex {
    const tables: { elf: ElfFile; table: SymbolTable }[] = [];
    const pick = (e: ElfFile, dynamic: boolean) => {
      try {
        const s = e.symbolTables('symtab')[0];
        let t = s ? e.symbolTable(s) : undefined;
        if (dynamic && (!t || t.count <= 1)) {
          const d = e.symbolTables('dynsym')[0];
          if (d) t = e.symbolTable(d);
        }
        if (t) tables.push({ elf: e, table: t });
      } catch {
        // an unreadable table contributes nothing
      }
    };
    if (elf) pick(elf, true);
    if (extra) pick(extra, false);
    return new SymbolIndex(tables);
  }

  /**
   * Calls `visit` for every symbol LLVM would index (in table order), and
   * `file` for every STT_FILE symbol of the first table.
   */
  private each(visit: (a: number, size: number, i: number, t: number, local: boolean) => void, file?: (i: number, name: string) => void): void {
    this.tables.forEach(({ elf, table }, t) => {
      const machine = elf.header.machine;
      const nsec = elf.sections.length;
      try {
        for (let i = 1; i < table.count; i++) {
          const info = table.info(i);
          const type = info & 0xf;
          const shndx = table.rawShndx(i);
          const realSection = shndx !== SHN_UNDEF && (shndx === SHN_XINDEX || (shndx < SHN_LORESERVE && shndx < nsec));
          if (!realSection) {
            if (type === STT_FILE && t === 0 && file) file(i, table.name(i));
            continue;
          }
          if (type !== STT_NOTYPE && type !== STT_FUNC && type !== STT_OBJECT && type !== STT_GNU_IFUNC) continue;
          if (type === STT_NOTYPE && isMappingSymbol(machine, table.name(i))) continue;
          const hi = table.valueHigh(i);
          if (hi > 0x1fffff) continue; // beyond 2^53: not representable here
          const sz = table.sizeNumber(i);
          visit(hi * 0x1_0000_0000 + table.valueLow(i), sz < 0 ? MAX_SAFE : sz, i, t, t === 0 && info >> 4 === STB_LOCAL);
        }
      } catch {
        // A damaged table: the symbols read so far still answer.
      }
    });
  }

  private index(): NonNullable<SymbolIndex['built']> {
    if (this.built) return this.built;
    // Columns, not an object per symbol, sorted through a permutation.
    const cap = this.tables.reduce((sum, { table }) => sum + table.count, 0);
    const A = new Float64Array(cap);
    const S = new Float64Array(cap);
    const I = new Int32Array(cap);
    const T = new Uint8Array(cap);
    const L = new Int32Array(cap);
    let m = 0;
    const fileIdx: number[] = [];
    const fileNames: string[] = [];
    this.each(
      (a, s, i, t, local) => {
        A[m] = a;
        S[m] = s;
        I[m] = i;
        T[m] = t;
        L[m] = local ? i : 0;
        m++;
      },
      (i, name) => {
        fileIdx.push(i);
        fileNames.push(name);
      },
    );
    // LLVM: stable sort by (address, size); of each address keep the last (largest).
    const order = sortedOrder(A, S, m);
    let n = 0;
    for (let k = 0; k < m; k++) if (!(k + 1 < m && A[order[k + 1]!] === A[order[k]!])) order[n++] = order[k]!;
    const b = { addrs: new Float64Array(n), sizes: new Float64Array(n), refs: new Int32Array(n), which: new Uint8Array(n), locals: new Int32Array(n), fileIdx, fileNames };
    for (let k = 0; k < n; k++) {
      const e = order[k]!;
      b.addrs[k] = A[e]!;
      b.sizes[k] = S[e]!;
      b.refs[k] = I[e]!;
      b.which[k] = T[e]!;
      b.locals[k] = L[e]!;
    }
    return (this.built = b);
  }

  /** The symbol for `address` (LLVM's getNameFromSymbolTable), or undefined. */
  lookup(address: bigint): IndexedSymbol | undefined {
    if (address < 0n || address > MAX_SAFE_BIG) return undefined;
    const a = Number(address);
    if (!this.built && this.scans < 1) {
      this.scans++;
      return this.scan(a);
    }
    const { addrs, sizes, refs, which, locals } = this.index();
    const k = lastAtOrBelow(addrs, a);
    if (k < 0) return undefined;
    const size = sizes[k]!;
    if (size !== 0 && addrs[k]! + size <= a) return undefined;
    const kept = this.answers.get(k);
    if (kept) return kept;
    const answer = this.answer(addrs[k]!, size, refs[k]!, which[k]!, locals[k]!, a);
    if (answer) this.answers.set(k, answer);
    return answer;
  }

  /**
   * True when `address` lies past the end of the nearest sized symbol at or
   * below it and before the next symbol: alignment padding between
   * functions, which no source has lines for.
   */
  inGap(address: bigint): boolean {
    if (address < 0n || address > MAX_SAFE_BIG) return false;
    const a = Number(address);
    const { addrs, sizes } = this.index();
    const k = lastAtOrBelow(addrs, a);
    return k >= 0 && sizes[k]! !== 0 && addrs[k]! + sizes[k]! <= a;
  }

  /** A lookup without the index: the best symbol at or below `a` by LLVM's order (address, size, table order). */
  private scan(a: number): IndexedSymbol | undefined {
    let best: [number, number, number, number, boolean] | undefined;
    const files: [number, string][] = [];
    this.each(
      (addr, size, i, t, local) => {
        if (addr > a) return;
        if (!best || addr > best[0] || (addr === best[0] && (size > best[1] || (size === best[1] && (t > best[3] || (t === best[3] && i > best[2])))))) best = [addr, size, i, t, local];
      },
      (i, name) => files.push([i, name]),
    );
    if (!best) return undefined;
    return this.answer(best[0], best[1], best[2], best[3], best[4] ? best[2] : 0, a, files);
  }

  private answer(addr: number, size: number, idx: number, t: number, local: number, a: number, files?: [number, string][]): IndexedSymbol | undefined {
    if (size !== 0 && addr + size <= a) return undefined;
    const name = this.tables[t]!.table.name(idx);
    let file: string | undefined;
    if (local) {
      const fi = files ? files.map((f) => f[0]) : this.built!.fileIdx;
      const fn = files ? files.map((f) => f[1]) : this.built!.fileNames;
      let flo = 0;
      let fhi = fi.length;
      while (flo < fhi) {
        const mid = (flo + fhi) >>> 1;
        if (fi[mid]! <= local) flo = mid + 1;
        else fhi = mid;
      }
      if (flo > 0) file = fn[flo - 1];
    }
    return { name, address: BigInt(addr), size: BigInt(size), file };
  }
}

/**
 * The permutation of the first `m` symbols by (address, size, position),
 * position being table order (table, then symbol index). A comparator sort
 * of 50,000 symbols costs ~50 ms; where every address times `m` stays below
 * 2^53 (any binary under a few GiB), the keys `address * m + position` sort
 * natively, and only runs of equal addresses are ordered by size after.
 */
function sortedOrder(A: Float64Array, S: Float64Array, m: number): Uint32Array {
  const order = new Uint32Array(m);
  let max = 0;
  for (let k = 0; k < m; k++) if (A[k]! > max) max = A[k]!;
  if (m === 0 || max * m + m > MAX_SAFE) {
    for (let k = 0; k < m; k++) order[k] = k;
    return order.sort((x, y) => A[x]! - A[y]! || S[x]! - S[y]! || x - y);
  }
  const keys = new Float64Array(m);
  for (let k = 0; k < m; k++) keys[k] = A[k]! * m + k;
  keys.sort();
  for (let k = 0; k < m; k++) order[k] = keys[k]! % m;
  // Equal addresses (aliases): by size, then position.
  for (let k = 0; k < m; ) {
    let e = k + 1;
    while (e < m && A[order[e]!] === A[order[k]!]) e++;
    if (e - k > 1) order.subarray(k, e).sort((x, y) => S[x]! - S[y]! || x - y);
    k = e;
  }
  return order;
}

/** ARM, AArch64 and RISC-V mapping symbols (`$a`, `$d`, `$t`, `$x`, with a `.suffix`), which LLVM leaves out. */
function isMappingSymbol(machine: number, name: string): boolean {
  if (machine !== C.EM_ARM && machine !== C.EM_AARCH64 && machine !== C.EM_RISCV) return false;
  return /^\$[adtx](\.|$)/.test(name);
}

/** The index of the last of the sorted `addrs` at or below `a`, or -1. */
function lastAtOrBelow(addrs: ArrayLike<number>, a: number): number {
  let lo = 0;
  let hi = addrs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (addrs[mid]! <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
