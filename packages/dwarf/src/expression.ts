import { Reader, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { readSlebValue, readUlebValue, type Encoding } from './encoding.js';

/** An operand of a DWARF expression operation. */
export type OperandValue = number | bigint | Uint8Array;

/** One decoded operation of a DWARF expression. */
export interface Operation {
  /** Offset of the opcode inside the expression. */
  readonly offset: number;
  /** DW_OP_*. */
  readonly op: number;
  /** The operands in encoding order (register numbers, constants, offsets, blocks). */
  readonly operands: OperandValue[];
  /** For DW_OP_entry_value and its GNU form: the nested expression, decoded. */
  readonly nested?: Operation[];
}

/** How each operand is encoded. */
type OperandKind = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'uleb' | 'sleb' | 'addr' | 'offset' | 'ref' | 'block' | 'size-block';

const kinds = new Map<number, OperandKind[]>([
  [C.DW_OP_addr, ['addr']],
  [C.DW_OP_const1u, ['u8']],
  [C.DW_OP_const1s, ['i8']],
  [C.DW_OP_const2u, ['u16']],
  [C.DW_OP_const2s, ['i16']],
  [C.DW_OP_const4u, ['u32']],
  [C.DW_OP_const4s, ['i32']],
  [C.DW_OP_const8u, ['u64']],
  [C.DW_OP_const8s, ['i64']],
  [C.DW_OP_constu, ['uleb']],
  [C.DW_OP_consts, ['sleb']],
  [C.DW_OP_pick, ['u8']],
  [C.DW_OP_plus_uconst, ['uleb']],
  [C.DW_OP_bra, ['i16']],
  [C.DW_OP_skip, ['i16']],
  [C.DW_OP_regx, ['uleb']],
  [C.DW_OP_fbreg, ['sleb']],
  [C.DW_OP_bregx, ['uleb', 'sleb']],
  [C.DW_OP_piece, ['uleb']],
  [C.DW_OP_deref_size, ['u8']],
  [C.DW_OP_xderef_size, ['u8']],
  [C.DW_OP_call2, ['u16']],
  [C.DW_OP_call4, ['u32']],
  [C.DW_OP_call_ref, ['offset']],
  [C.DW_OP_bit_piece, ['uleb', 'uleb']],
  [C.DW_OP_implicit_value, ['block']],
  [C.DW_OP_implicit_pointer, ['ref', 'sleb']],
  [C.DW_OP_GNU_implicit_pointer, ['ref', 'sleb']],
  [C.DW_OP_addrx, ['uleb']],
  [C.DW_OP_constx, ['uleb']],
  [C.DW_OP_GNU_addr_index, ['uleb']],
  [C.DW_OP_GNU_const_index, ['uleb']],
  [C.DW_OP_entry_value, ['block']],
  [C.DW_OP_GNU_entry_value, ['block']],
  [C.DW_OP_const_type, ['uleb', 'size-block']],
  [C.DW_OP_GNU_const_type, ['uleb', 'size-block']],
  [C.DW_OP_regval_type, ['uleb', 'uleb']],
  [C.DW_OP_GNU_regval_type, ['uleb', 'uleb']],
  [C.DW_OP_deref_type, ['u8', 'uleb']],
  [C.DW_OP_GNU_deref_type, ['u8', 'uleb']],
  [C.DW_OP_xderef_type, ['u8', 'uleb']],
  [C.DW_OP_convert, ['uleb']],
  [C.DW_OP_GNU_convert, ['uleb']],
  [C.DW_OP_reinterpret, ['uleb']],
  [C.DW_OP_GNU_reinterpret, ['uleb']],
  [C.DW_OP_GNU_parameter_ref, ['u32']],
  [C.DW_OP_GNU_variable_value, ['offset']],
  [C.DW_OP_WASM_location, ['u8', 'uleb']],
]);

/** Opcodes without operands that are valid but not in the ranges below. */
function noOperands(op: number): boolean {
  if (op >= C.DW_OP_lit0 && op <= C.DW_OP_reg31) return true; // lit0–31, reg0–31
  switch (op) {
    case C.DW_OP_deref:
    case C.DW_OP_dup:
    case C.DW_OP_drop:
    case C.DW_OP_over:
    case C.DW_OP_swap:
    case C.DW_OP_rot:
    case C.DW_OP_xderef:
    case C.DW_OP_abs:
    case C.DW_OP_and:
    case C.DW_OP_div:
    case C.DW_OP_minus:
    case C.DW_OP_mod:
    case C.DW_OP_mul:
    case C.DW_OP_neg:
    case C.DW_OP_not:
    case C.DW_OP_or:
    case C.DW_OP_plus:
    case C.DW_OP_shl:
    case C.DW_OP_shr:
    case C.DW_OP_shra:
    case C.DW_OP_xor:
    case C.DW_OP_eq:
    case C.DW_OP_ge:
    case C.DW_OP_gt:
    case C.DW_OP_le:
    case C.DW_OP_lt:
    case C.DW_OP_ne:
    case C.DW_OP_nop:
    case C.DW_OP_push_object_address:
    case C.DW_OP_form_tls_address:
    case C.DW_OP_call_frame_cfa:
    case C.DW_OP_stack_value:
    case C.DW_OP_GNU_push_tls_address:
    case C.DW_OP_APPLE_uninit:
      return true;
    default:
      return false;
  }
}

/** The operand encodings of `op`, or undefined for an unknown opcode. */
function operandKinds(op: number): OperandKind[] | undefined {
  if (op >= C.DW_OP_breg0 && op <= C.DW_OP_breg31) return ['sleb'];
  const k = kinds.get(op);
  if (k) return k;
  return noOperands(op) ? [] : undefined;
}

/**
 * A cursor over the operations of a DWARF expression: `next()` decodes one
 * operation into `op`, `offset` and `operands` (an array reused from one
 * operation to the next), allocating nothing else for the common
 * operations, for printers that walk millions of expressions.
 */
export class OperationCursor {
  /** DW_OP_* of the current operation. */
  op = 0;
  /** Offset of the opcode inside the expression. */
  offset = 0;
  /**
   * The operands of the current operation: the first `operandCount` entries
   * of an array reused from one operation to the next (copy to keep them).
   */
  readonly operands: OperandValue[] = [];
  operandCount = 0;
  /** For DW_OP_entry_value and its GNU form: the nested expression's bytes and their offset in `bytes`. */
  nested: Uint8Array | undefined;
  nestedOffset = 0;
  private readonly r: Reader;
  private start = 0;
  private end: number;

  /**
   * A cursor over the expression `bytes`; `base` and `section` place it for
   * messages. `view` may be a DataView over `bytes` to share.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly encoding: Encoding,
    readonly order: ByteOrder,
    readonly section = 'expression',
    readonly base = 0,
    view?: DataView,
  ) {
    this.r = new Reader(bytes, { order, addressSize: encoding.addressSize, section, base, view });
    this.end = bytes.length;
  }

  /**
   * Restarts the cursor on the expression at `bytes[start, end)` — for a
   * cursor made over a whole section and reused for each expression in it,
   * which saves a cursor and a view per expression in a dump.
   */
  reset(start: number, end: number): this {
    if (!(start >= 0 && start <= end && end <= this.bytes.length)) throw this.r.error('out-of-range', `expression [0x${start.toString(16)}, 0x${end.toString(16)}) is outside the data`, 0);
    this.start = start;
    this.end = end;
    this.r.pos = start;
    return this;
  }

  /** Decodes the next operation; false at the end. Throws ParseError for an unknown opcode or a truncated operand. */
  next(): boolean {
    const r = this.r;
    if (r.pos >= this.end) return false;
    const enc = this.encoding;
    const offset = r.pos;
    const op = r.u8();
    const ks = operandKinds(op);
    if (!ks) throw r.error('unsupported', `unknown DWARF expression operation 0x${op.toString(16)}`, offset);
    this.op = op;
    this.offset = offset - this.start;
    this.nested = undefined;
    const operands = this.operands;
    let count = 0;
    for (let i = 0; i < ks.length; i++) {
      switch (ks[i]) {
        case 'u8':
          operands[count++] = r.u8();
          break;
        case 'i8':
          operands[count++] = r.i8();
          break;
        case 'u16':
          operands[count++] = r.u16();
          break;
        case 'i16':
          operands[count++] = r.i16();
          break;
        case 'u32':
          operands[count++] = r.u32();
          break;
        case 'i32':
          operands[count++] = r.i32();
          break;
        case 'u64':
          operands[count++] = r.u64();
          break;
        case 'i64':
          operands[count++] = r.i64();
          break;
        case 'uleb':
          operands[count++] = readUlebValue(r);
          break;
        case 'sleb':
          operands[count++] = readSlebValue(r);
          break;
        case 'addr':
          operands[count++] = r.address();
          break;
        case 'offset':
          operands[count++] = enc.offsetSize === 4 ? r.u32() : r.u64n('offset');
          break;
        case 'ref':
          operands[count++] = enc.version <= 2 ? r.uint(enc.addressSize, 'reference') : enc.offsetSize === 4 ? r.u32() : r.u64n('reference');
          break;
        case 'block': {
          const n = r.uleb();
          const at = r.pos;
          const b = r.bytesView(n);
          operands[count++] = b;
          if (op === C.DW_OP_entry_value || op === C.DW_OP_GNU_entry_value) {
            this.nested = b;
            this.nestedOffset = at;
          }
          break;
        }
        case 'size-block':
          operands[count++] = r.bytesView(r.u8());
          break;
      }
    }
    this.operandCount = count;
    if (r.pos > this.end) throw r.error('truncated', `operands of ${op.toString(16)} run past the end of the expression`, offset);
    return true;
  }
}

/**
 * Decodes a DWARF expression (a location description, a `DW_AT_frame_base`,
 * an entry in a location list) into operations. An unknown opcode or a
 * truncated operand throws ParseError at its offset; `section` and `base`
 * place the expression for messages.
 */
export function decodeExpression(bytes: Uint8Array, enc: Encoding, order: ByteOrder, section = 'expression', base = 0): Operation[] {
  const c = new OperationCursor(bytes, enc, order, section, base);
  const ops: Operation[] = [];
  while (c.next()) {
    const operands = c.operands.slice(0, c.operandCount);
    ops.push(c.nested ? { offset: c.offset, op: c.op, operands, nested: decodeExpression(c.nested, enc, order, section, base + c.nestedOffset) } : { offset: c.offset, op: c.op, operands });
  }
  return ops;
}
