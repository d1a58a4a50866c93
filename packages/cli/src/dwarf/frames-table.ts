import * as D from '@elfkit/dwarf';
import type { CfaInstructionCursor, Cie, Fde, FrameSection, RegisterRule, UnwindRow } from '@elfkit/dwarf';
import { READELF_REGISTER_LIMIT, READELF_REGISTER_NAMES } from './frame-registers.js';
import type { TextOut } from '../io/text-out.js';

/**
 * Writes decoded unwind tables in the layout of `readelf
 * --debug-dump=frames-interp` (`-wF`): for each entry its header line
 * (`CIE "zR" cf=1 df=-8 ra=16`), then — unless its instructions are all
 * DW_CFA_nop — a column header naming every register its instructions (or
 * its CIE's) mention and one row per advance: `LOC CFA reg…` with `u`
 * undefined, `s` same value, `c-8` at CFA-8, `v+8` CFA+8, `exp`/`vexp`
 * expressions, a register name. The rows are elfkit's own.
 */
export class FramesTableWriter {
  private readonly names: readonly (string | null)[];
  private readonly limit: number;

  constructor(
    private readonly out: TextOut,
    machine: number,
    /** Address size of the file (readelf's `eh_addr_size`). */
    private readonly addressSize: number,
  ) {
    this.names = READELF_REGISTER_NAMES[machine] ?? [];
    this.limit = READELF_REGISTER_LIMIT[machine] ?? 1024;
  }

  private hexw(v: number | bigint, digits: number): void {
    this.out.ascii(BigInt.asUintN(64, BigInt(v)).toString(16).padStart(digits, '0'));
  }

  /** `Contents of the .eh_frame section:` and the blank line after it. */
  begin(name: string): void {
    this.out.ascii('Contents of the ').ascii(name).ascii(' section:\n\n');
  }

  /** The blank line after a section's entries. */
  end(): void {
    this.out.nl();
  }

  /** `\n00000000 0000000000000014 00000000 CIE "zR" cf=1 df=-8 ra=16` */
  cie(c: Cie, s: FrameSection): void {
    const o = this.out;
    o.nl();
    this.hexw(c.offset, 8);
    o.byte(0x20);
    this.hexw(c.length, this.ptr(c) * 2);
    o.byte(0x20);
    this.hexw(s.kind === 'eh_frame' ? 0n : c.id, c.offsetSize * 2);
    o.ascii(' CIE "').utf8(c.augmentation).ascii('" cf=').dec(c.codeAlign | 0).ascii(' df=').dec(c.dataAlign | 0).ascii(' ra=').dec(c.returnAddressRegister | 0).nl();
  }

  /** `\n00000018 0000000000000014 0000001c FDE cie=00000000 pc=…..…` */
  fde(f: Fde): void {
    const o = this.out;
    const w = this.ptr(f.cie) * 2;
    o.nl();
    this.hexw(f.offset, 8);
    o.byte(0x20);
    this.hexw(f.length, w);
    o.byte(0x20);
    this.hexw(f.ciePointer, f.offsetSize * 2);
    o.ascii(' FDE cie=');
    this.hexw(f.cieOffset, 8);
    o.ascii(' pc=');
    if (f.cie.segmentSize) {
      this.hexw(f.segmentSelector ?? 0n, 4);
      o.byte(0x3a);
    }
    this.hexw(f.initialLocation, w);
    o.ascii('..');
    this.hexw(BigInt.asUintN(64, f.initialLocation + f.addressRange), w);
    o.nl();
  }

  /** `\n000000c8 ZERO terminator\n` */
  terminator(offset: number): void {
    this.out.nl();
    this.hexw(offset, 8);
    this.out.ascii(' ZERO terminator\n\n');
  }

  /** The address size readelf prints an entry's values with: the CIE's (version 4) or the file's. */
  private ptr(c: Cie): number {
    return c.version >= 4 ? c.addressSize : this.addressSize;
  }

  /**
   * The registers an entry's table has columns for: those its CIE's and its
   * own instructions name (as the rule's register, not as the CFA's), in
   * register order.
   */
  columns(cursors: readonly CfaInstructionCursor[]): number[] {
    const set = new Set<number>();
    for (const c of cursors) {
      c.rewind();
      while (c.next()) {
        switch (c.op) {
          case D.DW_CFA_offset:
          case D.DW_CFA_restore:
          case D.DW_CFA_offset_extended:
          case D.DW_CFA_val_offset:
          case D.DW_CFA_restore_extended:
          case D.DW_CFA_undefined:
          case D.DW_CFA_same_value:
          case D.DW_CFA_register:
          case D.DW_CFA_expression:
          case D.DW_CFA_val_expression:
          case D.DW_CFA_offset_extended_sf:
          case D.DW_CFA_val_offset_sf:
          case D.DW_CFA_GNU_negative_offset_extended:
            if (c.register < this.limit) set.add(c.register);
        }
      }
    }
    return [...set].sort((a, b) => a - b);
  }

  /** True when the instructions are empty or all DW_CFA_nop (readelf prints no table then). */
  static allNops(c: CfaInstructionCursor): boolean {
    c.rewind();
    while (c.next()) if (c.op !== D.DW_CFA_nop) return false;
    return true;
  }

  /** The column header and the rows; `location` overrides each row's address (a CIE's rows are at 0). */
  table(rows: readonly UnwindRow[], columns: readonly number[], ra: number, addressSize: number, cieRows = false): void {
    const o = this.out;
    o.ascii('   LOC'.padEnd(addressSize * 2)).ascii(' CFA      ');
    for (const r of columns) o.ascii(r === ra ? 'ra    ' : `${this.name(r, true).padEnd(5)} `);
    o.nl();
    for (const row of rows) {
      this.hexw(cieRows ? 0n : row.start, addressSize * 2);
      o.byte(0x20);
      const cfa = row.cfa.kind === 'expression' ? 'exp' : `${this.name(row.cfa.register < 0 ? 0 : row.cfa.register, true)}${row.cfa.offset < 0 ? '' : '+'}${row.cfa.offset | 0}`;
      o.ascii(cfa.padEnd(8)).byte(0x20);
      for (const r of columns) o.ascii(this.cell(row.registers.get(r)).padEnd(5)).byte(0x20);
      o.nl();
    }
  }

  private cell(rule: RegisterRule | undefined): string {
    if (!rule) return 'u';
    switch (rule.kind) {
      case 'undefined':
        return 'u';
      case 'same-value':
        return 's';
      case 'offset':
        return `c${rule.offset < 0 ? '' : '+'}${rule.offset | 0}`;
      case 'val-offset':
        return `v${rule.offset < 0 ? '' : '+'}${rule.offset | 0}`;
      case 'register':
        return this.name(rule.register, false);
      case 'expression':
        return 'exp';
      case 'val-expression':
        return 'vexp';
      default:
        return 'n/a';
    }
  }

  /** readelf's `regname`: the bare name (or `r7`), or `r7 (rsp)` with `nameOnly` false. */
  private name(r: number, nameOnly: boolean): string {
    const n = this.names[r];
    if (!n) return `r${r}`;
    return nameOnly ? n : `r${r} (${n})`;
  }
}
