import * as D from '@elfkit/dwarf';
import { OperationCursor, type CfaInstructionCursor, type Cie, type Fde, type FrameSection, type RegisterRule, type UnwindRow, type CfaRule } from '@elfkit/dwarf';
import { writeExpression } from './expr-text.js';
import { registerName } from './names.js';
import { TextOut } from '../io/text-out.js';

/**
 * Writes call frame entries as llvm-dwarfdump 14 does (`--eh-frame`,
 * `--debug-frame`): the entry header, its fields, each instruction with
 * its operands, then the rows of its unwind table (`0x1020: CFA=RSP+16:
 * RIP=[CFA-8]`). Rows come from elfkit's own row machine: where LLVM's
 * differs (it does not restore the CFA on DW_CFA_restore_state) elfkit
 * prints the rule that holds.
 */
export class FramesTextWriter {
  constructor(
    private out: TextOut,
    private readonly machine: number,
  ) {}

  private reg(r: number): void {
    const name = registerName(this.machine, r);
    if (name) this.out.ascii(name);
    else this.out.ascii('reg').dec(r);
  }

  private hex8(v: number | bigint, digits = 8): void {
    if (typeof v === 'bigint') {
      if (v >= 0n && v <= 0x1fffffffffffffn) v = Number(v);
      else return void this.out.ascii(BigInt.asUintN(64, v).toString(16).padStart(digits, '0'));
    }
    this.out.hexDigits(v, digits);
  }

  /** `  DW_CFA_name:` by opcode, built once. */
  private readonly opLabels: string[] = [];
  private opLabel(op: number): string {
    return (this.opLabels[op] ??= `  ${D.cfaInstructionName(op, this.machine) ?? `DW_CFA_0x${op.toString(16)}`}:`);
  }

  /**
   * `: RBX=[CFA-16], RIP=[CFA-8]` for a row's register rules, formatted once
   * per map: the row machine shares a map between rows until a rule changes.
   */
  private readonly ruleText = new WeakMap<ReadonlyMap<number, RegisterRule>, Uint8Array>();
  private registersText(m: ReadonlyMap<number, RegisterRule>, s: FrameSection, addressSize: number): Uint8Array {
    let t = this.ruleText.get(m);
    if (t) return t;
    const saved = this.out;
    const tmp = new TextOut(256, true);
    this.out = tmp;
    try {
      tmp.ascii(': ');
      const regs = [...m.keys()].sort((a, b) => a - b);
      for (let i = 0; i < regs.length; i++) {
        const r = regs[i]!;
        if (i) tmp.ascii(', ');
        this.reg(r);
        tmp.byte(0x3d);
        this.rule(m.get(r)!, s, addressSize);
      }
      t = tmp.take();
    } finally {
      this.out = saved;
    }
    this.ruleText.set(m, t);
    return t;
  }

  /** The header and fields of a CIE, then its instructions (the rows follow with {@link rows}). */
  cie(s: FrameSection, c: Cie): void {
    const o = this.out;
    const eh = s.kind === 'eh_frame';
    const wide = c.offsetSize === 8;
    this.hex8(c.offset);
    o.byte(0x20);
    this.hex8(c.length, wide ? 16 : 8);
    o.byte(0x20);
    this.hex8(eh ? 0n : c.id, wide && !eh ? 16 : 8);
    o.ascii(' CIE\n  Format:                ').ascii(wide ? 'DWARF64' : 'DWARF32').nl();
    if (eh && c.version !== 1) o.ascii('WARNING: unsupported CIE version\n');
    o.ascii('  Version:               ').dec(c.version).nl();
    o.ascii('  Augmentation:          "').utf8(c.augmentation).ascii('"\n');
    if (c.version >= 4) {
      o.ascii('  Address size:          ').dec(c.addressSize).nl();
      o.ascii('  Segment desc size:     ').dec(c.segmentSize).nl();
    }
    o.ascii('  Code alignment factor: ').dec(c.codeAlign >>> 0).nl();
    o.ascii('  Data alignment factor: ').dec(c.dataAlign | 0).nl();
    o.ascii('  Return address column: ').dec(c.returnAddressRegister | 0).nl();
    if (c.personality !== undefined) {
      o.ascii('  Personality Address: ');
      this.hex8(c.personality, 16);
      o.nl();
    }
    if (c.augmentationData && c.augmentationData.length) {
      o.ascii('  Augmentation data:    ');
      for (const b of c.augmentationData) o.byte(0x20).ascii(b.toString(16).toUpperCase().padStart(2, '0'));
      o.nl();
    }
    o.nl();
  }

  /** The header of an FDE. */
  fde(s: FrameSection, f: Fde): void {
    const o = this.out;
    const eh = s.kind === 'eh_frame';
    const wide = f.offsetSize === 8;
    this.hex8(f.offset);
    o.byte(0x20);
    this.hex8(f.length, wide ? 16 : 8);
    o.byte(0x20);
    this.hex8(f.ciePointer, wide && !eh ? 16 : 8);
    o.ascii(' FDE cie=');
    this.hex8(f.cieOffset);
    o.ascii(' pc=');
    this.hex8(f.initialLocation);
    o.ascii('...');
    this.hex8(BigInt.asUintN(64, f.initialLocation + f.addressRange));
    o.nl();
    o.ascii('  Format:       ').ascii(wide ? 'DWARF64' : 'DWARF32').nl();
    if (f.lsda !== undefined) {
      o.ascii('  LSDA Address: ');
      this.hex8(f.lsda, 16);
      o.nl();
    }
  }

  /** `ZERO terminator`. */
  terminator(offset: number): void {
    this.hex8(offset);
    this.out.ascii(' ZERO terminator\n');
  }

  /** Each instruction of `c` (from the start), then a blank line. */
  instructions(c: CfaInstructionCursor, s: FrameSection): void {
    const o = this.out;
    c.rewind();
    while (c.next()) {
      o.ascii(this.opLabel(c.op));
      this.operands(c, s);
      o.nl();
    }
    o.nl();
  }

  private operands(c: CfaInstructionCursor, s: FrameSection): void {
    const o = this.out;
    const ctx = c.context;
    switch (c.op) {
      case D.DW_CFA_advance_loc:
      case D.DW_CFA_advance_loc1:
      case D.DW_CFA_advance_loc2:
      case D.DW_CFA_advance_loc4:
      case D.DW_CFA_MIPS_advance_loc8:
        o.byte(0x20);
        if (ctx.codeAlign) o.dec(c.delta);
        else o.dec(c.raw).ascii('*code_alignment_factor');
        return;
      case D.DW_CFA_set_loc:
        o.byte(0x20).ascii(c.address.toString(16));
        return;
      case D.DW_CFA_offset:
      case D.DW_CFA_offset_extended:
      case D.DW_CFA_offset_extended_sf:
      case D.DW_CFA_val_offset:
      case D.DW_CFA_val_offset_sf:
      case D.DW_CFA_GNU_negative_offset_extended:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        if (ctx.dataAlign) o.dec(c.offset);
        else o.dec(c.raw).ascii('*data_alignment_factor');
        return;
      case D.DW_CFA_restore:
      case D.DW_CFA_restore_extended:
      case D.DW_CFA_undefined:
      case D.DW_CFA_same_value:
      case D.DW_CFA_def_cfa_register:
        o.byte(0x20);
        this.reg(c.register);
        return;
      case D.DW_CFA_register:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        this.reg(c.register2);
        return;
      case D.DW_CFA_def_cfa:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20).signed(c.offset);
        return;
      case D.DW_CFA_def_cfa_sf:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20).dec(c.offset);
        return;
      case D.DW_CFA_def_cfa_offset:
      case D.DW_CFA_GNU_args_size:
        o.byte(0x20).signed(c.offset);
        return;
      case D.DW_CFA_def_cfa_offset_sf:
        o.byte(0x20).dec(c.offset);
        return;
      case D.DW_CFA_LLVM_def_aspace_cfa:
      case D.DW_CFA_LLVM_def_aspace_cfa_sf:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        if (c.op === D.DW_CFA_LLVM_def_aspace_cfa) o.signed(c.offset);
        else o.dec(c.offset);
        o.ascii(' in addrspace').dec(c.addressSpace);
        return;
      case D.DW_CFA_def_cfa_expression:
        o.byte(0x20);
        this.expression(c.expression, c.expressionOffset, s, c.context.addressSize);
        return;
      case D.DW_CFA_expression:
      case D.DW_CFA_val_expression:
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        this.expression(c.expression, c.expressionOffset, s, c.context.addressSize);
        return;
      default:
        return;
    }
  }

  private expression(bytes: Uint8Array, offset: number, s: FrameSection, addressSize: number): void {
    writeExpression(this.out, new OperationCursor(bytes, { offsetSize: 4, version: 4, addressSize }, s.order, s.name, offset), this.machine);
  }

  /** The rows of a table: `  0x1020: CFA=RSP+16: RIP=[CFA-8]` (without the address for a CIE), then a blank line. */
  rows(rows: readonly UnwindRow[], withAddress: boolean, s: FrameSection, addressSize: number): void {
    const o = this.out;
    for (const row of rows) {
      o.ascii('  ');
      if (withAddress) {
        o.ascii('0x');
        this.hex8(row.start, 0);
        o.ascii(': ');
      }
      o.ascii('CFA=');
      this.cfa(row.cfa, s, addressSize);
      if (row.registers.size) o.raw(this.registersText(row.registers, s, addressSize));
      o.nl();
    }
    o.nl();
  }

  private cfa(rule: CfaRule, s: FrameSection, addressSize: number): void {
    const o = this.out;
    if (rule.kind === 'expression') return this.expression(rule.expression, rule.offset, s, addressSize);
    if (rule.register < 0) {
      o.ascii('unspecified');
      return;
    }
    this.reg(rule.register);
    if (rule.offset !== 0 || rule.addressSpace !== undefined) {
      if (rule.offset >= 0) o.byte(0x2b);
      o.dec(rule.offset);
    }
    if (rule.addressSpace !== undefined) o.ascii(' in addrspace').dec(rule.addressSpace);
  }

  private cfaPlus(off: number): void {
    const o = this.out;
    o.ascii('CFA');
    if (off > 0) o.byte(0x2b);
    if (off !== 0) o.dec(off);
  }

  private rule(r: RegisterRule, s: FrameSection, addressSize: number): void {
    const o = this.out;
    switch (r.kind) {
      case 'undefined':
        o.ascii('undefined');
        return;
      case 'same-value':
        o.ascii('same');
        return;
      case 'offset':
        o.byte(0x5b);
        this.cfaPlus(r.offset);
        o.byte(0x5d);
        return;
      case 'val-offset':
        this.cfaPlus(r.offset);
        return;
      case 'register':
        this.reg(r.register);
        return;
      case 'expression':
        o.byte(0x5b);
        this.expression(r.expression, r.offset, s, addressSize);
        o.byte(0x5d);
        return;
      case 'val-expression':
        this.expression(r.expression, r.offset, s, addressSize);
        return;
      case 'constant':
        o.dec(r.value);
        return;
    }
  }
}
