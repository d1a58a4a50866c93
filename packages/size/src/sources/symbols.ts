import type { ElfFile, SymbolTable } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { ElfContext } from '../elf-context.js';
import type { MapBuilder } from '../map-builder.js';

/**
 * The symbol table the symbols source reads: `.symtab` of the binary, else
 * of its debug file (whose addresses are the same), else `.dynsym`.
 */
export function symbolTableOf(elf: ElfFile, debugElf?: ElfFile): SymbolTable | undefined {
  for (const f of [elf, debugElf]) {
    const s = f?.symbolTables('symtab')[0];
    if (f && s && s.size > 0 && s.type !== C.SHT_NOBITS) return f.symbolTable(s);
  }
  const d = elf.symbolTables('dynsym')[0];
  return d ? elf.symbolTable(d) : undefined;
}

/** A symbol with a size and an address, as the size sources use it. */
export interface SizedSymbol {
  readonly index: number;
  /** Its name (decoded when asked for: most walks need only addresses and sizes). */
  readonly name: string;
  /** Address (as {@link ElfContext} numbers it). */
  readonly address: number;
  readonly size: number;
  readonly type: number;
}

class TableSymbol implements SizedSymbol {
  constructor(
    private readonly table: SymbolTable,
    readonly index: number,
    readonly address: number,
    readonly size: number,
    readonly type: number,
  ) {}
  get name(): string {
    return this.table.name(this.index);
  }
}

/**
 * Calls `visit` for every defined symbol that has a size and lies in
 * memory, in table order — bloaty's rule: no section symbols, nothing
 * undefined or of size 0. Thread-local symbols are placed in the PT_TLS
 * initialization image (their values are offsets into it); those of
 * `.tbss` have no bytes of their own and are left out.
 */
export function forEachSizedSymbol(table: SymbolTable, ctx: ElfContext, visit: (s: SizedSymbol) => void): void {
  const tls = ctx.tls;
  // Values below 2^53 are read as two halves, without a bigint per symbol.
  const plain = !ctx.isObject && ctx.bias === 0n;
  for (let i = 1; i < table.count; i++) {
    const info = table.info(i);
    const type = info & 0xf;
    if (type === C.STT_SECTION || type === C.STT_FILE) continue;
    const shndx = table.rawShndx(i);
    if (shndx === C.SHN_UNDEF || (shndx >= C.SHN_LORESERVE && shndx !== C.SHN_XINDEX)) continue;
    const size = table.sizeNumber(i);
    if (size <= 0) continue;
    let address: number;
    if (type === C.STT_TLS && !ctx.isObject) {
      if (!tls) continue;
      const off = table.value(i);
      if (off + BigInt(size) > BigInt(tls.filesz)) continue;
      address = ctx.address(tls.vaddr + off);
    } else if (plain && table.valueHigh(i) <= 0x1fffff) address = table.valueHigh(i) * 0x1_0000_0000 + table.valueLow(i);
    else address = ctx.symbolAddress(table.value(i), shndx === C.SHN_XINDEX ? table.shndx(i) : shndx);
    if (Number.isNaN(address)) continue;
    visit(new TableSymbol(table, i, address, size, type));
  }
}

/** Every sized symbol as a VM range named after it (bloaty's `symbols`, names as stored). */
export function addSymbols(b: MapBuilder, ctx: ElfContext, table: SymbolTable | undefined, label: (s: SizedSymbol) => string = (s) => s.name, only?: (s: SizedSymbol) => boolean): void {
  if (!table) return;
  forEachSizedSymbol(table, ctx, (s) => {
    if (!only || only(s)) b.addVMRange(label(s), s.address, s.size);
  });
}
