import { ParseError, Reader, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { readEncodedPointer, type PointerBases } from './eh-pointer.js';

// Vendor call frame instructions LLVM's Dwarf.def lists under a target
// predicate (constants.ts has only the standard ones). 0x2d means
// DW_CFA_GNU_window_save on SPARC and DW_CFA_AARCH64_negate_ra_state on
// AArch64: which one depends on the machine, not on the bytes.
/** MIPS call frame instruction: advance the location by an 8-byte delta. */
export const DW_CFA_MIPS_advance_loc8 = 0x1d;
/** SPARC call frame instruction: the register window was saved (0x2d; AArch64 reads 0x2d as `DW_CFA_AARCH64_negate_ra_state`). */
export const DW_CFA_GNU_window_save = 0x2d;
/** AArch64 call frame instruction: toggle whether the return address is signed (pointer authentication; 0x2d, as SPARC's `DW_CFA_GNU_window_save`). */
export const DW_CFA_AARCH64_negate_ra_state = 0x2d;
/** GNU call frame instruction: the size of the arguments pushed at this location. */
export const DW_CFA_GNU_args_size = 0x2e;
/** GNU call frame instruction (obsolete): a register saved at a negative factored offset from the CFA. */
export const DW_CFA_GNU_negative_offset_extended = 0x2f;
/** First call frame instruction opcode reserved for vendors. */
export const DW_CFA_lo_user = 0x1c;
/** Last call frame instruction opcode reserved for vendors. */
export const DW_CFA_hi_user = 0x3f;

const EM_AARCH64 = 183;

/**
 * The name of call frame instruction `op` (a primary opcode is its high
 * two bits: 0x40, 0x80 or 0xc0); `machine` (ELF e_machine) picks the
 * meaning of 0x2d. Undefined for an unknown opcode.
 */
export function cfaInstructionName(op: number, machine = 0): string | undefined {
  switch (op) {
    case DW_CFA_MIPS_advance_loc8:
      return 'DW_CFA_MIPS_advance_loc8';
    case 0x2d:
      return machine === EM_AARCH64 ? 'DW_CFA_AARCH64_negate_ra_state' : 'DW_CFA_GNU_window_save';
    case DW_CFA_GNU_args_size:
      return 'DW_CFA_GNU_args_size';
    case DW_CFA_GNU_negative_offset_extended:
      return 'DW_CFA_GNU_negative_offset_extended';
    default:
      return C.cfaName(op);
  }
}

/** How the cursor decodes operands that depend on the entry: the CIE's factors and, for `.eh_frame`, its pointer encoding. */
export interface CfaContext {
  /** Code alignment factor (advances are multiplied by it). */
  readonly codeAlign: number;
  /** Data alignment factor (factored offsets are multiplied by it). */
  readonly dataAlign: number;
  /** Size of a target address (DW_CFA_set_loc in `.debug_frame`). */
  readonly addressSize: number;
  /** The CIE's FDE pointer encoding for DW_CFA_set_loc in `.eh_frame`; undefined in `.debug_frame`. */
  readonly pointerEncoding?: number;
  /** Bases for DW_CFA_set_loc's encoded pointer. */
  readonly bases?: PointerBases;
}

/**
 * A cursor over call frame instructions (DWARF 5 §6.4.2): `next()` decodes
 * one instruction into public fields, allocating nothing, for dumps and
 * the row machine alike. Operands:
 * - `register`: the register of offset/restore/undefined/same_value/
 *   register/expression rules and of def_cfa*;
 * - `register2`: DW_CFA_register's second register;
 * - `offset`: the offset *after* applying the data alignment factor
 *   (def_cfa and def_cfa_offset are not factored; the `_sf` forms are;
 *   GNU_negative_offset_extended is negated), or the args size;
 * - `raw`: the undecoded numeric operand (the factored value as stored);
 * - `delta`: an advance in bytes (already multiplied by the code
 *   alignment factor) as a bigint, and `advance` the same as a number
 *   (exact below 2^53, which `advanceExact` says; an advance reads it
 *   without allocating a bigint); `address` for DW_CFA_set_loc;
 * - `expression`: the DWARF expression block of the expression rules,
 *   with `expressionOffset` its offset in the section;
 * - `addressSpace`: DW_CFA_LLVM_def_aspace_cfa's address space.
 *
 * An unknown opcode or an operand that runs past the instructions throws
 * ParseError at the instruction.
 */
export class CfaInstructionCursor {
  /** Opcode; primary opcodes are normalized to 0x40 (advance_loc), 0x80 (offset), 0xc0 (restore). */
  op = 0;
  /** Section offset of the opcode byte. */
  at = 0;
  /** Length in bytes of the instruction, opcode and operands: it is `bytes[at, at + size)`. */
  size = 0;
  register = 0;
  register2 = 0;
  offset = 0;
  raw = 0;
  /** The advance in bytes as a number; exact when {@link advanceExact}. */
  advance = 0;
  /** The advance in bytes as a bigint (made when asked for: a dump of a large table has hundreds of thousands). */
  get delta(): bigint {
    return this.bigAdvance ?? BigInt(this.advance);
  }
  /** True when {@link advance} holds the advance exactly. */
  get advanceExact(): boolean {
    return this.bigAdvance === undefined;
  }
  private bigAdvance: bigint | undefined = undefined;
  address = 0n;
  addressSpace = 0;
  expression: Uint8Array = EMPTY;
  expressionOffset = 0;
  private readonly r: Reader;
  private start: number;
  private end: number;

  /**
   * A cursor over the instructions at `bytes[start, end)`: `bytes` is the
   * whole section (so offsets are section offsets and one DataView serves
   * every cursor over it), or just the instructions with `start` 0.
   */
  constructor(
    readonly bytes: Uint8Array,
    public context: CfaContext,
    order: ByteOrder,
    section: string,
    start = 0,
    end = bytes.length,
    view?: DataView,
  ) {
    if (!(start >= 0 && start <= end && end <= bytes.length)) throw new ParseError('out-of-range', `instructions [0x${start.toString(16)}, 0x${end.toString(16)}) outside the section`, section, start);
    this.r = new Reader(bytes, { order, addressSize: context.addressSize, section, view });
    this.r.pos = start;
    this.start = start;
    this.end = end;
  }

  /**
   * Moves the cursor to other instructions of the same bytes (another
   * entry's, decoded with `context`), at their first: a dump of thousands
   * of entries then makes one cursor, not one per entry.
   */
  retarget(context: CfaContext, start: number, end: number): this {
    if (!(start >= 0 && start <= end && end <= this.bytes.length)) throw this.r.error('out-of-range', `instructions [0x${start.toString(16)}, 0x${end.toString(16)}) outside the section`, start);
    this.context = context;
    this.start = start;
    this.end = end;
    this.r.pos = start;
    return this;
  }

  /** Restarts at the first instruction. */
  rewind(): this {
    this.r.pos = this.start;
    return this;
  }

  /** True when every instruction has been read. */
  get done(): boolean {
    return this.r.pos >= this.end;
  }

  private setAdvance(units: number, codeAlign: number): void {
    const a = units * codeAlign;
    this.advance = a;
    this.bigAdvance = Number.isSafeInteger(a) ? undefined : BigInt(units) * BigInt(codeAlign);
  }

  /**
   * Decodes the next instruction; false at the end. The instructions nearly
   * every entry is made of (advances, offsets, restores, def_cfa*, nops,
   * remember/restore_state) with one-byte operands are decoded here from
   * the bytes; the rest, and anything near the entry's end, by
   * `decode()` through the reader. A dump runs this a few hundred
   * thousand times in a process that lives a fraction of a second, mostly
   * before the optimizing compiler has got to it, so fewer calls matter.
   */
  next(): boolean {
    const r = this.r;
    const p = r.pos;
    const end = this.end;
    if (p >= end) return false;
    const b = this.bytes;
    const byte = b[p]!;
    const high = byte & 0xc0;
    // The byte after the opcode, when it is a whole one-byte LEB128 inside the entry (else -1).
    const next = p + 1 < end ? b[p + 1]! : 0x80;
    const one = next < 0x80 ? next : -1;
    // Literal cases: the constants are variables in a bundle, and only a switch over literals close together is a
    // jump table (V8 tests the cases one by one when they spread over more than three values per case): the
    // primary opcodes are told apart first.
    if (high !== 0) {
      if (high === 0x40) { // DW_CFA_advance_loc
        const low = byte & 0x3f;
        this.raw = low;
        const a = low * this.context.codeAlign;
        if (a > MAX_SAFE) return this.decode();
        this.advance = a;
        this.bigAdvance = undefined;
        r.pos = p + 1;
        this.size = 1;
      } else if (high === 0x80) { // DW_CFA_offset
        if (one < 0) return this.decode();
        this.register = byte & 0x3f;
        this.raw = one;
        // factored(), inlined on the path nearly every DW_CFA_offset takes.
        this.offset = one === 0 ? 0 : one * this.context.dataAlign;
        r.pos = p + 2;
        this.size = 2;
      } else { // DW_CFA_restore
        this.register = byte & 0x3f;
        r.pos = p + 1;
        this.size = 1;
      }
      this.op = high;
      this.at = r.base + p;
      return true;
    }
    switch (byte) {
      case 0x00: // DW_CFA_nop
      case 0x0a: // DW_CFA_remember_state
      case 0x0b: // DW_CFA_restore_state
        r.pos = p + 1;
        this.size = 1;
        this.op = byte;
        this.at = r.base + p;
        return true;
      case 0x0e: // DW_CFA_def_cfa_offset
        if (one < 0) break;
        this.raw = one;
        this.offset = one;
        r.pos = p + 2;
        this.size = 2;
        this.op = byte;
        this.at = r.base + p;
        return true;
      case 0x0d: // DW_CFA_def_cfa_register
        if (one < 0) break;
        this.register = one;
        r.pos = p + 2;
        this.size = 2;
        this.op = byte;
        this.at = r.base + p;
        return true;
      case 0x0c: { // DW_CFA_def_cfa
        if (one < 0 || p + 2 >= end) break;
        const off = b[p + 2]!;
        if (off >= 0x80) break;
        this.register = one;
        this.raw = off;
        this.offset = off;
        r.pos = p + 3;
        this.size = 3;
        this.op = byte;
        this.at = r.base + p;
        return true;
      }
      case 0x02: { // DW_CFA_advance_loc1
        if (p + 1 >= end) break;
        const a = next * this.context.codeAlign;
        if (a > MAX_SAFE) break;
        this.raw = next;
        this.advance = a;
        this.bigAdvance = undefined;
        r.pos = p + 2;
        this.size = 2;
        this.op = byte;
        this.at = r.base + p;
        return true;
      }
    }
    return this.decode();
  }

  /** {@link next} for any instruction, through the reader. */
  private decode(): boolean {
    const r = this.r;
    this.at = r.offset;
    const start = r.pos;
    const byte = r.u8();
    const high = byte & 0xc0;
    const ctx = this.context;
    if (high !== 0) {
      this.op = high;
      const low = byte & 0x3f;
      if (high === C.DW_CFA_advance_loc) {
        this.raw = low;
        this.setAdvance(low, ctx.codeAlign);
      } else if (high === C.DW_CFA_offset) {
        this.register = low;
        this.raw = r.uleb();
        this.offset = factored(this.raw, ctx.dataAlign);
      } else {
        this.register = low;
      }
      if (r.pos > this.end) throw r.error('truncated', 'DW_CFA_offset operand runs past the entry', start);
      this.size = r.pos - start;
      return true;
    }
    this.op = byte;
    switch (byte) {
      case C.DW_CFA_nop:
      case C.DW_CFA_remember_state:
      case C.DW_CFA_restore_state:
      case DW_CFA_GNU_window_save:
        break;
      case C.DW_CFA_set_loc:
        this.address =
          ctx.pointerEncoding === undefined || ctx.pointerEncoding === 0
            ? r.uintBig(ctx.addressSize)
            : readEncodedPointer(r, ctx.pointerEncoding, ctx.bases ?? {}, ctx.addressSize);
        break;
      case C.DW_CFA_advance_loc1:
        this.raw = r.u8();
        this.setAdvance(this.raw, ctx.codeAlign);
        break;
      case C.DW_CFA_advance_loc2:
        this.raw = r.u16();
        this.setAdvance(this.raw, ctx.codeAlign);
        break;
      case C.DW_CFA_advance_loc4:
        this.raw = r.u32();
        this.setAdvance(this.raw, ctx.codeAlign);
        break;
      case DW_CFA_MIPS_advance_loc8: {
        const v = r.u64();
        this.raw = Number(v);
        this.bigAdvance = v * BigInt(ctx.codeAlign);
        this.advance = Number(this.bigAdvance);
        if (Number.isSafeInteger(this.advance)) this.bigAdvance = undefined;
        break;
      }
      case C.DW_CFA_offset_extended:
      case C.DW_CFA_val_offset:
        this.register = r.uleb();
        this.raw = r.uleb();
        this.offset = factored(this.raw, ctx.dataAlign);
        break;
      case C.DW_CFA_offset_extended_sf:
      case C.DW_CFA_val_offset_sf:
        this.register = r.uleb();
        this.raw = r.sleb();
        this.offset = factored(this.raw, ctx.dataAlign);
        break;
      case DW_CFA_GNU_negative_offset_extended:
        this.register = r.uleb();
        this.raw = r.uleb();
        this.offset = factored(-this.raw, ctx.dataAlign);
        break;
      case C.DW_CFA_restore_extended:
      case C.DW_CFA_undefined:
      case C.DW_CFA_same_value:
      case C.DW_CFA_def_cfa_register:
        this.register = r.uleb();
        break;
      case C.DW_CFA_register:
        this.register = r.uleb();
        this.register2 = r.uleb();
        break;
      case C.DW_CFA_def_cfa:
        this.register = r.uleb();
        this.raw = r.uleb();
        this.offset = this.raw;
        break;
      case C.DW_CFA_def_cfa_sf:
        this.register = r.uleb();
        this.raw = r.sleb();
        this.offset = factored(this.raw, ctx.dataAlign);
        break;
      case C.DW_CFA_def_cfa_offset:
        this.raw = r.uleb();
        this.offset = this.raw;
        break;
      case C.DW_CFA_def_cfa_offset_sf:
        this.raw = r.sleb();
        this.offset = factored(this.raw, ctx.dataAlign);
        break;
      case DW_CFA_GNU_args_size:
        this.raw = r.uleb();
        this.offset = this.raw;
        break;
      case C.DW_CFA_def_cfa_expression: {
        const n = r.uleb();
        this.expressionOffset = r.offset;
        this.expression = r.bytesView(n);
        break;
      }
      case C.DW_CFA_expression:
      case C.DW_CFA_val_expression: {
        this.register = r.uleb();
        const n = r.uleb();
        this.expressionOffset = r.offset;
        this.expression = r.bytesView(n);
        break;
      }
      case C.DW_CFA_LLVM_def_aspace_cfa:
      case C.DW_CFA_LLVM_def_aspace_cfa_sf:
        this.register = r.uleb();
        this.raw = byte === C.DW_CFA_LLVM_def_aspace_cfa ? r.uleb() : r.sleb();
        this.offset = byte === C.DW_CFA_LLVM_def_aspace_cfa ? this.raw : factored(this.raw, ctx.dataAlign);
        this.addressSpace = r.uleb();
        break;
      default:
        r.pos = start;
        throw r.error('unsupported', `unknown call frame instruction 0x${byte.toString(16)}`);
    }
    if (r.pos > this.end) throw r.error('truncated', `operands of call frame instruction 0x${byte.toString(16)} run past the entry`, start);
    this.size = r.pos - start;
    return true;
  }
}

/**
 * `n * factor`, with a zero product as the small integer 0: a factored 0
 * times a negative factor is -0, and the interpreter and baseline code
 * compute any product involving -0 (`-0 + 0` too) as a heap number, never
 * a small integer. Stored in the cursor's `offset` that turns the field
 * (and the row machine's `cfaOffset`, `argsSize` and rules copied from it)
 * into a double field for every object of the class: V8 then throws away
 * the optimized code that read it as an integer (seen with --trace-deopt
 * on libc's .eh_frame: `dec`, `step`, `row` sent back to the interpreter).
 */
function factored(n: number, factor: number): number {
  // Tested before multiplying: optimized code that sees a -0 product deoptimizes ("minus zero").
  return n === 0 || factor === 0 ? 0 : n * factor;
}

const EMPTY = new Uint8Array(0);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** One decoded call frame instruction (a snapshot of {@link CfaInstructionCursor}'s fields that matter for `op`). */
export interface CfaInstruction {
  readonly op: number;
  /** Section offset of the opcode. */
  readonly at: number;
  readonly register?: number;
  readonly register2?: number;
  readonly offset?: number;
  readonly delta?: bigint;
  readonly address?: bigint;
  readonly addressSpace?: number;
  readonly expression?: Uint8Array;
}

/** Decodes every instruction of `cursor` (from the start) into objects. */
export function decodeCfaInstructions(cursor: CfaInstructionCursor): CfaInstruction[] {
  const out: CfaInstruction[] = [];
  cursor.rewind();
  while (cursor.next()) out.push(snapshot(cursor));
  return out;
}

function snapshot(c: CfaInstructionCursor): CfaInstruction {
  const { op, at } = c;
  switch (op) {
    case C.DW_CFA_advance_loc:
    case C.DW_CFA_advance_loc1:
    case C.DW_CFA_advance_loc2:
    case C.DW_CFA_advance_loc4:
    case DW_CFA_MIPS_advance_loc8:
      return { op, at, delta: c.delta };
    case C.DW_CFA_set_loc:
      return { op, at, address: c.address };
    case C.DW_CFA_offset:
    case C.DW_CFA_offset_extended:
    case C.DW_CFA_offset_extended_sf:
    case C.DW_CFA_val_offset:
    case C.DW_CFA_val_offset_sf:
    case DW_CFA_GNU_negative_offset_extended:
    case C.DW_CFA_def_cfa:
    case C.DW_CFA_def_cfa_sf:
      return { op, at, register: c.register, offset: c.offset };
    case C.DW_CFA_restore:
    case C.DW_CFA_restore_extended:
    case C.DW_CFA_undefined:
    case C.DW_CFA_same_value:
    case C.DW_CFA_def_cfa_register:
      return { op, at, register: c.register };
    case C.DW_CFA_register:
      return { op, at, register: c.register, register2: c.register2 };
    case C.DW_CFA_def_cfa_offset:
    case C.DW_CFA_def_cfa_offset_sf:
    case DW_CFA_GNU_args_size:
      return { op, at, offset: c.offset };
    case C.DW_CFA_def_cfa_expression:
      return { op, at, expression: c.expression };
    case C.DW_CFA_expression:
    case C.DW_CFA_val_expression:
      return { op, at, register: c.register, expression: c.expression };
    case C.DW_CFA_LLVM_def_aspace_cfa:
    case C.DW_CFA_LLVM_def_aspace_cfa_sf:
      return { op, at, register: c.register, offset: c.offset, addressSpace: c.addressSpace };
    default:
      return { op, at };
  }
}
