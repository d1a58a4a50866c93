import type { Attribute } from './attribute.js';
import * as C from './constants.js';
import { formClass } from './forms.js';
import { constCount } from './const-value.js';
import type { Unit } from './unit.js';

/**
 * The byte offset a DW_AT_data_member_location gives: a constant, or an
 * expression evaluated with the object's address (0) on the stack, as
 * DWARF 2 producers write `DW_OP_plus_uconst N`. Undefined when the
 * expression reads the object (a C++ virtual base class:
 * `DW_OP_dup, DW_OP_deref, …`), so the offset differs per object.
 */
export function memberLocation(unit: Unit, a: Attribute): number | undefined {
  const cls = formClass(a.form);
  if (cls === 'constant') return constCount(a);
  if (cls !== 'exprloc' && cls !== 'block') return undefined;
  const stack: bigint[] = [0n];
  for (const op of unit.expression(a.value as Uint8Array)) {
    const arg = op.operands[0];
    const n = typeof arg === 'number' || typeof arg === 'bigint' ? BigInt(arg) : 0n;
    if (op.op >= C.DW_OP_lit0 && op.op <= C.DW_OP_lit31) {
      stack.push(BigInt(op.op - C.DW_OP_lit0));
      continue;
    }
    switch (op.op) {
      case C.DW_OP_plus_uconst:
        if (!stack.length) return undefined;
        stack.push(stack.pop()! + n);
        break;
      case C.DW_OP_const1u:
      case C.DW_OP_const2u:
      case C.DW_OP_const4u:
      case C.DW_OP_const8u:
      case C.DW_OP_constu:
      case C.DW_OP_const1s:
      case C.DW_OP_const2s:
      case C.DW_OP_const4s:
      case C.DW_OP_const8s:
      case C.DW_OP_consts:
        stack.push(n);
        break;
      case C.DW_OP_plus:
      case C.DW_OP_minus: {
        if (stack.length < 2) return undefined;
        const b = stack.pop()!;
        const x = stack.pop()!;
        stack.push(op.op === C.DW_OP_plus ? x + b : x - b);
        break;
      }
      default:
        return undefined;
    }
  }
  const r = stack[stack.length - 1];
  return r !== undefined && r >= 0n && r <= 0x1fffffffffffffn ? Number(r) : undefined;
}
