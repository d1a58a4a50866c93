import * as D from '@elfkit/dwarf';
import { OperationCursor, type OperandValue } from '@elfkit/dwarf';
import { opText, registerName } from './names.js';
import type { TextOut } from '../io/text-out.js';

/**
 * Writes a base type reference (a unit-relative DIE offset) of
 * DW_OP_convert and its kin as llvm-dwarfdump does: ` (0x0000002a) "int"`.
 */
export type BaseTypeWriter = (out: TextOut, unitRelative: number) => void;

/** Signed operands of DWARF operations (printed `%+d` by llvm-dwarfdump). */
function signedOperand(op: number, i: number): boolean {
  if (op >= D.DW_OP_breg0 && op <= D.DW_OP_breg31) return true;
  switch (op) {
    case D.DW_OP_const1s:
    case D.DW_OP_const2s:
    case D.DW_OP_const4s:
    case D.DW_OP_const8s:
    case D.DW_OP_consts:
    case D.DW_OP_fbreg:
    case D.DW_OP_bra:
    case D.DW_OP_skip:
      return true;
    case D.DW_OP_bregx:
    case D.DW_OP_implicit_pointer:
    case D.DW_OP_GNU_implicit_pointer:
      return i === 1;
    default:
      return false;
  }
}

/** Which operand of `op` is a base type reference, or -1. */
function baseTypeOperand(op: number): number {
  switch (op) {
    case D.DW_OP_convert:
    case D.DW_OP_GNU_convert:
    case D.DW_OP_reinterpret:
    case D.DW_OP_GNU_reinterpret:
    case D.DW_OP_const_type:
    case D.DW_OP_GNU_const_type:
      return 0;
    case D.DW_OP_regval_type:
    case D.DW_OP_GNU_regval_type:
    case D.DW_OP_deref_type:
    case D.DW_OP_GNU_deref_type:
    case D.DW_OP_xderef_type:
      return 1;
    default:
      return -1;
  }
}

/**
 * Writes a DWARF expression as llvm-dwarfdump prints it (LLVM 14's
 * `DWARFExpression::Operation::print`): `DW_OP_breg7 RSP+8, DW_OP_deref`.
 * Register operations name the register for the known targets; unsigned
 * operands print in hex, signed ones with their sign, blocks as their
 * length and bytes, DW_OP_entry_value its nested expression in parentheses.
 */
export function writeExpression(out: TextOut, c: OperationCursor, machine: number, baseType?: BaseTypeWriter): void {
  let first = true;
  while (c.next()) {
    if (!first) out.ascii(', ');
    first = false;
    const op = c.op;
    out.ascii(opText(op));
    if (c.nested) {
      out.byte(0x28);
      writeExpression(out, new OperationCursor(c.nested, c.encoding, c.order, c.section, c.base + c.nestedOffset), machine, baseType);
      out.byte(0x29);
      continue;
    }
    writeOperands(out, op, c.operands, c.operandCount, machine, baseType);
  }
}

function writeOperands(out: TextOut, op: number, operands: OperandValue[], count: number, machine: number, baseType?: BaseTypeWriter): void {
  const regOp = op >= D.DW_OP_reg0 && op <= D.DW_OP_reg31 ? op - D.DW_OP_reg0 : op >= D.DW_OP_breg0 && op <= D.DW_OP_breg31 ? op - D.DW_OP_breg0 : -1;
  if (regOp >= 0 || op === D.DW_OP_regx || op === D.DW_OP_bregx) {
    const name = registerName(machine, regOp >= 0 ? regOp : Number(operands[0]));
    if (name) {
      out.byte(0x20).ascii(name);
      if ((op >= D.DW_OP_breg0 && op <= D.DW_OP_breg31) || op === D.DW_OP_bregx) out.signed(operands[regOp >= 0 ? 0 : 1] as number | bigint);
      return;
    }
  }
  const bt = baseType ? baseTypeOperand(op) : -1;
  for (let i = 0; i < count; i++) {
    const x = operands[i]!;
    if (i === bt && !((op === D.DW_OP_convert || op === D.DW_OP_GNU_convert) && x === 0)) baseType!(out, Number(x));
    else if (x instanceof Uint8Array) {
      // Blocks (implicit_value, const_type) print their length, then each byte.
      out.byte(0x20).hex(x.length, 0);
      for (const b of x) out.byte(0x20).hex(b, 2);
    } else if (signedOperand(op, i)) out.byte(0x20).signed(x);
    else out.byte(0x20).hex(typeof x === 'bigint' ? BigInt.asUintN(64, x) : x < 0 ? BigInt.asUintN(64, BigInt(x)) : x, 0);
  }
}
