import * as D from '@elfkit/dwarf';
import { ParseError } from '@elfkit/binary';
import { CfaInstructionCursor, OperationCursor, type CfaContext, type Cie, type Fde, type FrameSection, type RegisterRule, type UnwindRowMachine } from '@elfkit/dwarf';
import { writeExpression } from './expr-text.js';
import { registerName } from './names.js';
import { TextOut, putDecimal, putHex, putHex8 } from '../io/text-out.js';

/** Slots of the register rule text cache (a power of two), and the longest text a slot keeps. */
const RULE_SLOTS = 1024;
const RULE_SLOT_SIZE = 256;
const EMPTY = new Uint8Array(0);
/** Bytes of each slab {@link FramesTextWriter.numberLine} keeps lines in. */
const SLAB_SIZE = 16384;
const ascii = (t: string) => Uint8Array.from(t, (ch) => ch.charCodeAt(0));

/** Pieces of an FDE's header line, and the most bytes the line and the format line take. */
const FDE_CIE = ascii(' FDE cie=');
const FDE_PC = ascii(' pc=');
const FDE_DOTS = ascii('...');
const FDE_FORMAT32 = ascii('\n  Format:       DWARF32\n');
const FDE_FORMAT64 = ascii('\n  Format:       DWARF64\n');
export const FDE_HEADER_MAX = 160;
const LSDA = ascii('  LSDA Address: ');

/**
 * Writes an FDE's header and format lines (`00000018 00000024 0000001c FDE
 * cie=00000000 pc=00026000...00026360`) at `p` of `buf`, which has room
 * for {@link FDE_HEADER_MAX} bytes, for fields below 2^53; returns the
 * position after them. One reservation for the lot: hex digits by putHex,
 * the constant pieces copied pre-encoded.
 */
export function putFdeHeader(buf: Uint8Array, p: number, offset: number, length: number, ciePointer: number, cieOffset: number, start: number, end: number, wide: boolean, eh: boolean): number {
  // Eight digits straight for what fits in them (nearly every field), else the general writer.
  p = offset <= 0xffffffff ? putHex8(buf, p, offset) : putHex(buf, p, offset, 8);
  buf[p++] = 0x20;
  p = !wide && length <= 0xffffffff ? putHex8(buf, p, length) : putHex(buf, p, length, wide ? 16 : 8);
  buf[p++] = 0x20;
  p = !(wide && !eh) && ciePointer <= 0xffffffff ? putHex8(buf, p, ciePointer) : putHex(buf, p, ciePointer, wide && !eh ? 16 : 8);
  buf.set(FDE_CIE, p);
  p += FDE_CIE.length;
  p = cieOffset <= 0xffffffff ? putHex8(buf, p, cieOffset) : putHex(buf, p, cieOffset, 8);
  buf.set(FDE_PC, p);
  p += FDE_PC.length;
  p = start <= 0xffffffff ? putHex8(buf, p, start) : putHex(buf, p, start, 8);
  buf.set(FDE_DOTS, p);
  p += FDE_DOTS.length;
  p = end <= 0xffffffff ? putHex8(buf, p, end) : putHex(buf, p, end, 8);
  const format = wide ? FDE_FORMAT64 : FDE_FORMAT32;
  buf.set(format, p);
  return p + format.length;
}

/** `  LSDA Address: 00000000001ce610` and a newline at `p` of `buf` (room for 34 bytes), for an address below 2^53; returns the position after it. */
export function putLsda(buf: Uint8Array, p: number, lsda: number): number {
  buf.set(LSDA, p);
  p = putHex(buf, p + LSDA.length, lsda, 16);
  buf[p] = 0x0a;
  return p + 1;
}

/** What {@link FramesTextWriter}'s CFA text is made of (a row machine has it). */
type CfaState = Pick<UnwindRowMachine, 'cfaRegister' | 'cfaOffset' | 'cfaExpression' | 'cfaExpressionOffset' | 'cfaAddressSpace'>;

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
      // Tested as a number (a bigint comparison is a runtime call before the code is optimized): the conversion
      // rounds, but monotonically, so it is below 2^53 exactly when the bigint is.
      const n = Number(v);
      if (n >= 0 && n < 2 ** 53) v = n;
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
   * per rule set: the row machine names each set with an id, and rows
   * share a set until an instruction changes a rule. The text of recent
   * sets is kept in a ring of slots, each its own array, copied by the
   * runtime in one call (a byte loop costs ~100 instructions a byte in the
   * baseline code most of a dump runs in); a set with expression rules,
   * whose text has no small bound, is formatted each time.
   */
  private readonly slotIds = new Float64Array(RULE_SLOTS).fill(-1);
  private readonly slotTexts: Uint8Array[] = new Array<Uint8Array>(RULE_SLOTS).fill(EMPTY);
  private registersText(m: UnwindRowMachine, s: FrameSection, addressSize: number): void {
    const o = this.out;
    const id = m.rulesId;
    const slot = id & (RULE_SLOTS - 1);
    if (this.slotIds[slot] === id) {
      o.copy(this.slotTexts[slot]!);
      return;
    }
    const start = o.position;
    const bounded = this.rules(m.registers, m.rules, s, addressSize);
    const end = o.position;
    if (!bounded || end - start > RULE_SLOT_SIZE) return;
    // The row text is built in a growable buffer: the bytes just written are still there to copy.
    this.slotTexts[slot] = o.reserve(0).slice(start, end);
    this.slotIds[slot] = id;
  }

  /** `: RBX=[CFA-16], RIP=[CFA-8]` for the rules `rules[i]` of `regs[i]`; false when one is an expression (a text of no small bound). */
  private rules(regs: readonly number[], rules: readonly RegisterRule[], s: FrameSection | undefined, addressSize: number): boolean {
    const o = this.out;
    let bounded = true;
    o.ascii(': ');
    for (let i = 0; i < regs.length; i++) {
      const rule = rules[i]!;
      if (rule.kind === 'expression' || rule.kind === 'val-expression') bounded = false;
      if (i) o.ascii(', ');
      this.reg(regs[i]!);
      o.byte(0x3d);
      this.rule(rule, s!, addressSize);
    }
    return bounded;
  }

  /**
   * Runs `write` with the writer's output moved to a scratch buffer and
   * returns what it wrote, as an array of its own (the output buffer may go
   * to standard output in the middle of a text).
   */
  private scratch(write: () => void): Uint8Array {
    const main = this.out;
    const scratch = (this.out = this.lineOut);
    scratch.commit(0);
    try {
      write();
    } finally {
      this.out = main;
    }
    return scratch.reserve(0).slice(0, scratch.position);
  }

  /**
   * The text a row gives `regs` with `rules` (as {@link registersText}; empty
   * for none); an expression rule is of section `s` with addresses of
   * `addressSize` bytes (without `s`, undefined for a set with one).
   */
  rulesText(regs: readonly number[], rules: readonly RegisterRule[], s?: FrameSection, addressSize = 0): Uint8Array | undefined {
    if (regs.length === 0) return new Uint8Array(0);
    let bounded = true;
    const text = this.scratch(() => (bounded = this.rules(regs, rules, s, addressSize)));
    return bounded || s ? text : undefined;
  }

  /**
   * `CFA=RSP+16` for the CFA rule of `register` (−1: none) and `offset`, as
   * {@link cfa} writes it, made straight from a string: through the scratch
   * output, a state object and the writer's calls, each of the few hundred
   * a dump makes took some 6 µs of code run too seldom to be compiled.
   */
  cfaText(register: number, offset: number): Uint8Array {
    const t = register < 0 ? 'CFA=unspecified' : `CFA=${registerName(this.machine, register) || `reg${register}`}${offset === 0 ? '' : offset > 0 ? `+${offset}` : `${offset}`}`;
    const b = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) b[i] = t.charCodeAt(i);
    return b;
  }

  /**
   * The line of an advance (`op` 0x40, 0x02 or 0x03, `v` its advance in
   * bytes) or of DW_CFA_def_cfa_offset (`v` its offset, printed signed),
   * 0 ≤ `v` < 2^31, as {@link instructionLine} makes it, without a
   * cursor: a view of a slab the writer keeps such lines in.
   */
  numberLine(op: number, v: number): Uint8Array {
    const label = (this.numberLabels[op] ??= ascii(`${this.opLabel(op)} ${op === D.DW_CFA_def_cfa_offset ? '+' : ''}`));
    // A view of a slab, not an array of its own each (a typed array, its buffer object and its bytes on the heap).
    let b = this.slab;
    let start = this.slabPos;
    if (start + label.length + 11 > b.length) {
      b = this.slab = new Uint8Array(SLAB_SIZE);
      start = 0;
    }
    b.set(label, start);
    const end = putDecimal(b, start + label.length, v);
    b[end] = 0x0a;
    this.slabPos = end + 1;
    return b.subarray(start, end + 1);
  }
  /** {@link numberLine}'s text before the number, by opcode, and the slab it writes lines to. */
  private readonly numberLabels: Uint8Array[] = [];
  private slab = new Uint8Array(0);
  private slabPos = 0;

  /** `  DW_CFA_name: operands` and a newline for the instruction at `c`, as an array of its own. */
  instructionLine(c: CfaInstructionCursor, s: FrameSection): Uint8Array {
    return this.scratch(() => this.instruction(c, s));
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
    const eh = s.kind === 'eh_frame';
    const wide = f.offsetSize === 8;
    // In numbers when every field is below 2^53 (no bigint made per FDE), written at one reservation.
    const ciePointer = Number(f.ciePointer);
    const start = Number(f.initialLocation);
    const end = start + Number(f.addressRange);
    if (!(ciePointer < 2 ** 53 && end < 2 ** 53 && start >= 0 && end >= start)) return this.fdeBig(s, f);
    const o = this.out;
    o.commit(putFdeHeader(o.reserve(FDE_HEADER_MAX), o.position, f.offset, f.length, ciePointer, f.cieOffset, start, end, wide, eh));
    if (f.lsda !== undefined) this.lsda(f.lsda);
  }

  /** {@link fde} for an FDE with a field past 2^53. */
  private fdeBig(s: FrameSection, f: Fde): void {
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
    if (f.lsda !== undefined) this.lsda(f.lsda);
  }

  private lsda(a: bigint): void {
    const n = Number(a);
    if (n >= 0 && n < 2 ** 53) return void this.out.commit(putLsda(this.out.reserve(40), this.out.position, n));
    this.out.ascii('  LSDA Address: ');
    this.hex8(a, 16);
    this.out.nl();
  }

  /** `ZERO terminator`. */
  terminator(offset: number): void {
    this.hex8(offset);
    this.out.ascii(' ZERO terminator\n');
  }

  /**
   * Each instruction of `c` (from the start) and a blank line, then the
   * rows of the entry's table and a blank line: `m`, begun on the entry
   * (or undefined for no rows), steps through the instructions as they are
   * printed, and each row goes to a second buffer until the instructions
   * are done (one decoding serves both). A malformed instruction throws;
   * the row machine's error is returned, and then no rows are printed.
   */
  instructionsAndRows(c: CfaInstructionCursor, s: FrameSection, m: UnwindRowMachine | undefined, withAddress: boolean, addressSize: number): ParseError | undefined {
    const o = this.out;
    const rows = this.rowsOut;
    rows.commit(0);
    let failed: ParseError | undefined;
    const lines = this.linesOf(c.context);
    c.rewind();
    while (c.next()) {
      // An instruction of one or two bytes is printed from its bytes alone (but DW_CFA_set_loc, which may be
      // pc-relative, and an expression): its line is formatted once and copied after that.
      const op = c.op;
      if (c.size <= 2 && op !== 0x01 && op !== 0x0f) {
        const b = c.bytes;
        const at = c.at;
        const key = c.size === 1 ? b[at]! : 0x10000 | (b[at]! << 8) | b[at + 1]!;
        let line = lines.get(key);
        if (line === undefined) lines.set(key, (line = this.instructionLine(c, s)));
        o.copy(line);
      } else this.instruction(c, s);
      if (m) {
        try {
          if (m.step(c) && withAddress) this.row(m, m.rowStart, m.rowStartBig, true, s, addressSize);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          failed = err;
          m = undefined;
        }
      }
    }
    o.nl();
    // The last row, unless it has no rule at all.
    if (m && m.hasRules) this.row(m, m.start, m.startBig, withAddress, s, addressSize);
    // One native copy of the rows (the buffer is growable: never written out, so a view of it is stable here).
    if (!failed && rows.position) o.copy(rows.reserve(0).subarray(0, rows.position));
    o.nl();
    return failed;
  }

  /** `  DW_CFA_name: operands` and a newline. */
  private instruction(c: CfaInstructionCursor, s: FrameSection): void {
    this.out.ascii(this.opLabel(c.op));
    this.operands(c, s);
    this.out.nl();
  }

  /** Instruction lines by their bytes (see {@link instructionsAndRows}), for each decoding context (a CIE's factors). */
  private readonly lineCaches = new Map<CfaContext, Map<number, Uint8Array>>();
  private linesOf(ctx: CfaContext): Map<number, Uint8Array> {
    let m = this.lineCaches.get(ctx);
    if (!m) this.lineCaches.set(ctx, (m = new Map()));
    return m;
  }

  /** An instruction line is formatted here before it is cached. */
  private readonly lineOut = new TextOut(256, true);

  /** Rows are written here, then copied out after the instructions. */
  private readonly rowsOut = new TextOut(1 << 16, true);

  /** `  0x1020: CFA=RSP+16: RIP=[CFA-8]` (without the address for a CIE) for the machine's state, into {@link rowsOut}. */
  private row(m: UnwindRowMachine, start: number, startBig: bigint | undefined, withAddress: boolean, s: FrameSection, addressSize: number): void {
    const main = this.out;
    const o = (this.out = this.rowsOut);
    if (withAddress) {
      o.ascii('  0x');
      if (startBig === undefined) o.hexDigits(start, 0);
      else o.ascii(BigInt.asUintN(64, startBig).toString(16));
      o.ascii(': ');
    } else o.ascii('  ');
    this.cfa(m, s, addressSize);
    if (m.registers.length) this.registersText(m, s, addressSize);
    o.nl();
    this.out = main;
  }

  /**
   * `CFA=RSP+16` for the machine's CFA rule: a register and an offset
   * (nearly every rule) is formatted once and copied after that.
   */
  private readonly cfaTexts = new Map<number, Uint8Array>();
  private cfa(m: CfaState, s: FrameSection | undefined, addressSize: number): void {
    const o = this.out;
    const reg = m.cfaRegister;
    const off = m.cfaOffset;
    // The rule as one number when it is a register (or none) and a small offset.
    const key = m.cfaExpression === undefined && m.cfaAddressSpace === undefined && reg < 0x10000 && off >= -0x40000000 && off < 0x40000000 ? (reg + 1) * 0x80000000 + off + 0x40000000 : -1;
    const text = key < 0 ? undefined : this.cfaTexts.get(key);
    if (text !== undefined) {
      o.copy(text);
      return;
    }
    const start = o.position;
    o.ascii('CFA=');
    if (m.cfaExpression !== undefined) this.expression(m.cfaExpression, m.cfaExpressionOffset, s!, addressSize);
    else if (reg < 0) o.ascii('unspecified');
    else {
      this.reg(reg);
      const space = m.cfaAddressSpace;
      if (off !== 0 || space !== undefined) {
        if (off >= 0) o.byte(0x2b);
        o.dec(off);
      }
      if (space !== undefined) o.ascii(' in addrspace').dec(space);
    }
    // The rows are built in a growable buffer: the bytes just written are still there to copy.
    if (key >= 0 && this.cfaTexts.size < 4096) this.cfaTexts.set(key, o.reserve(0).slice(start, o.position));
  }

  private operands(c: CfaInstructionCursor, s: FrameSection): void {
    const o = this.out;
    const ctx = c.context;
    // Literal cases: the constants are variables in the bundle, and a switch over literals is a jump table.
    switch (c.op) {
      case 0x40: // DW_CFA_advance_loc
      case 0x02: // DW_CFA_advance_loc1
      case 0x03: // DW_CFA_advance_loc2
      case 0x04: // DW_CFA_advance_loc4
      case 0x1d: // DW_CFA_MIPS_advance_loc8
        o.byte(0x20);
        if (ctx.codeAlign) o.dec(c.advanceExact ? c.advance : c.delta);
        else o.dec(c.raw).ascii('*code_alignment_factor');
        return;
      case 0x01: // DW_CFA_set_loc
        o.byte(0x20).ascii(c.address.toString(16));
        return;
      case 0x80: // DW_CFA_offset
      case 0x05: // DW_CFA_offset_extended
      case 0x11: // DW_CFA_offset_extended_sf
      case 0x14: // DW_CFA_val_offset
      case 0x15: // DW_CFA_val_offset_sf
      case 0x2f: // DW_CFA_GNU_negative_offset_extended
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        if (ctx.dataAlign) o.dec(c.offset);
        else o.dec(c.raw).ascii('*data_alignment_factor');
        return;
      case 0xc0: // DW_CFA_restore
      case 0x06: // DW_CFA_restore_extended
      case 0x07: // DW_CFA_undefined
      case 0x08: // DW_CFA_same_value
      case 0x0d: // DW_CFA_def_cfa_register
        o.byte(0x20);
        this.reg(c.register);
        return;
      case 0x09: // DW_CFA_register
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        this.reg(c.register2);
        return;
      case 0x0c: // DW_CFA_def_cfa
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20).signed(c.offset);
        return;
      case 0x12: // DW_CFA_def_cfa_sf
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20).dec(c.offset);
        return;
      case 0x0e: // DW_CFA_def_cfa_offset
      case 0x2e: // DW_CFA_GNU_args_size
        o.byte(0x20).signed(c.offset);
        return;
      case 0x13: // DW_CFA_def_cfa_offset_sf
        o.byte(0x20).dec(c.offset);
        return;
      case 0x30: // DW_CFA_LLVM_def_aspace_cfa
      case 0x31: // DW_CFA_LLVM_def_aspace_cfa_sf
        o.byte(0x20);
        this.reg(c.register);
        o.byte(0x20);
        if (c.op === D.DW_CFA_LLVM_def_aspace_cfa) o.signed(c.offset);
        else o.dec(c.offset);
        o.ascii(' in addrspace').dec(c.addressSpace);
        return;
      case 0x0f: // DW_CFA_def_cfa_expression
        o.byte(0x20);
        this.expression(c.expression, c.expressionOffset, s, c.context.addressSize);
        return;
      case 0x10: // DW_CFA_expression
      case 0x16: // DW_CFA_val_expression
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
