import { constants as C, type ElfFile, type SymbolTable } from '@elfkit/elf';

/** A symbol the index answers with. */
export interface IndexedSymbol {
  readonly name: string;
  readonly address: bigint;
  readonly size: bigint;
  /** For a local symbol: the name of the `STT_FILE` symbol before it (the source file it came from). */
  readonly file?: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

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
  private readonly addrs: Float64Array;
  private readonly sizes: Float64Array;
  private readonly refs: Int32Array;
  private readonly which: Uint8Array;
  private readonly tables: SymbolTable[];
  /** Symbol indexes of STT_FILE symbols, ascending, and their names. */
  private readonly fileIdx: number[] = [];
  private readonly fileNames: string[] = [];
  private readonly localIdx: Int32Array;

  private constructor(tables: SymbolTable[], which: Uint8Array, addrs: Float64Array, sizes: Float64Array, refs: Int32Array, localIdx: Int32Array, files: [number, string][]) {
    this.tables = tables;
    this.which = which;
    this.addrs = addrs;
    this.sizes = sizes;
    this.refs = refs;
    this.localIdx = localIdx;
    for (const [i, n] of files) {
      this.fileIdx.push(i);
      this.fileNames.push(n);
    }
  }

  /** Number of symbols indexed. */
  get size(): number {
    return this.addrs.length;
  }

  /**
   * Indexes `.symtab` of `elf` (`.dynsym` when there is no `.symtab`), and
   * the `.symtab` of `extra` (MiniDebugInfo's) beside it; empty when there
   * is nothing readable.
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
    return SymbolIndex.fromTables(tables);
  }

  private static fromTables(tables: { elf: ElfFile; table: SymbolTable }[]): SymbolIndex {
    const entries: { a: number; s: number; i: number; t: number; local: number }[] = [];
    const files: [number, string][] = [];
    tables.forEach(({ elf, table }, t) => {
      const machine = elf.header.machine;
      const nsec = elf.sections.length;
      try {
        for (let i = 1; i < table.count; i++) {
          const info = table.info(i);
          const type = info & 0xf;
          const shndx = table.rawShndx(i);
          const realSection = shndx !== C.SHN_UNDEF && (shndx === C.SHN_XINDEX || (shndx < C.SHN_LORESERVE && shndx < nsec));
          if (!realSection) {
            if (type === C.STT_FILE && t === 0) files.push([i, table.name(i)]);
            continue;
          }
          if (type !== C.STT_NOTYPE && type !== C.STT_FUNC && type !== C.STT_OBJECT && type !== C.STT_GNU_IFUNC) continue;
          if (type === C.STT_NOTYPE && isMappingSymbol(machine, table.name(i))) continue;
          const hi = table.valueHigh(i);
          if (hi > 0x1fffff) continue; // beyond 2^53: not representable here
          const a = hi * 0x1_0000_0000 + table.valueLow(i);
          const sz = table.sizeNumber(i);
          entries.push({ a, s: sz < 0 ? MAX_SAFE : sz, i, t, local: t === 0 && info >> 4 === C.STB_LOCAL ? i : 0 });
        }
      } catch {
        // A damaged table: the symbols read so far still answer.
      }
    });
    // LLVM: stable sort by (address, size); of each address keep the last (largest).
    entries.sort((x, y) => x.a - y.a || x.s - y.s || x.t - y.t || x.i - y.i);
    const kept: typeof entries = [];
    for (let k = 0; k < entries.length; k++) {
      if (k + 1 < entries.length && entries[k + 1]!.a === entries[k]!.a) continue;
      kept.push(entries[k]!);
    }
    const n = kept.length;
    const addrs = new Float64Array(n);
    const sizes = new Float64Array(n);
    const refs = new Int32Array(n);
    const which = new Uint8Array(n);
    const locals = new Int32Array(n);
    kept.forEach((e, k) => {
      addrs[k] = e.a;
      sizes[k] = e.s;
      refs[k] = e.i;
      which[k] = e.t;
      locals[k] = e.local;
    });
    return new SymbolIndex(tables.map((x) => x.table), which, addrs, sizes, refs, locals, files);
  }

  /** The symbol for `address` (LLVM's getNameFromSymbolTable), or undefined. */
  lookup(address: bigint): IndexedSymbol | undefined {
    if (address < 0n || address > BigInt(MAX_SAFE)) return undefined;
    const a = Number(address);
    const addrs = this.addrs;
    let lo = 0;
    let hi = addrs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (addrs[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return undefined;
    const size = this.sizes[k]!;
    if (size !== 0 && addrs[k]! + size <= a) return undefined;
    const idx = this.refs[k]!;
    const name = this.tables[this.which[k]!]!.name(idx);
    let file: string | undefined;
    const local = this.localIdx[k]!;
    if (local) {
      let flo = 0;
      let fhi = this.fileIdx.length;
      while (flo < fhi) {
        const mid = (flo + fhi) >>> 1;
        if (this.fileIdx[mid]! <= local) flo = mid + 1;
        else fhi = mid;
      }
      if (flo > 0) file = this.fileNames[flo - 1];
    }
    return { name, address: BigInt(addrs[k]!), size: BigInt(size), file };
  }
}

/** ARM, AArch64 and RISC-V mapping symbols (`$a`, `$d`, `$t`, `$x`, with a `.suffix`), which LLVM leaves out. */
function isMappingSymbol(machine: number, name: string): boolean {
  if (machine !== C.EM_ARM && machine !== C.EM_AARCH64 && machine !== C.EM_RISCV) return false;
  return /^\$[adtx](\.|$)/.test(name);
}
