import type { ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';
import { OperationCursor } from './expression.js';

/** What an expression reads from the machine it describes. */
export interface EvaluationContext {
  /** Target address size in bytes (the width of the generic type). */
  readonly addressSize: number;
  readonly order: ByteOrder;
  /** The value of DWARF register `n`, or undefined when it is not known. */
  register(n: number): bigint | undefined;
  /** `size` bytes of memory at `address` as an unsigned number in the target's byte order, or undefined when unreadable. */
  memory(address: bigint, size: number): bigint | undefined;
  /** The CFA, for DW_OP_call_frame_cfa (not available inside CFI itself). */
  readonly cfa?: bigint;
  /** The frame base, for DW_OP_fbreg. */
  readonly frameBase?: bigint;
}

/** Why an expression could not be evaluated. */
export type EvaluationFailure = 'register' | 'memory' | 'stack' | 'unsupported' | 'divide-by-zero' | 'too-long';

/** An expression that could not be evaluated against the given machine state (not a format error: those throw ParseError). */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  constructor(
    readonly failure: EvaluationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The result of an expression: a memory location, a register location, or a value (DW_OP_stack_value / implicit). */
export type EvaluationResult =
  | { readonly kind: 'memory'; readonly address: bigint }
  | { readonly kind: 'register'; readonly register: number }
  | { readonly kind: 'value'; readonly value: bigint };

/**
 * Evaluates a DWARF expression (DWARF 5 §2.5) on a stack machine of the
 * target's address width: literals and constants, register-relative
 * values, memory reads, stack manipulation, arithmetic and logic,
 * comparisons and branches, DW_OP_call_frame_cfa, and the location forms
 * DW_OP_reg0–31, DW_OP_regx and DW_OP_stack_value. `initial` is pushed first
 * (the CFA, for CFI register rules). Operations that need a compilation
 * unit (DW_OP_addrx, calls, typed stack entries, pieces) fail with
 * `unsupported`; at most `maxSteps` operations run (branches may loop).
 */
export function evaluateExpression(bytes: Uint8Array, ctx: EvaluationContext, initial: bigint[] = [], maxSteps = 10_000): EvaluationResult {
  const bits = ctx.addressSize * 8;
  const mask = (v: bigint) => BigInt.asUintN(bits, v);
  const signed = (v: bigint) => BigInt.asIntN(bits, v);
  const stack: bigint[] = initial.map(mask);
  const cursor = new OperationCursor(bytes, { offsetSize: 4, version: 5, addressSize: ctx.addressSize }, ctx.order, 'expression');
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new EvaluationError('stack', 'the expression pops an empty stack');
    return v;
  };
  const reg = (n: number): bigint => {
    const v = ctx.register(n);
    if (v === undefined) throw new EvaluationError('register', `register ${n} is not known`);
    return v;
  };
  const mem = (address: bigint, size: number): bigint => {
    const v = ctx.memory(address, size);
    if (v === undefined) throw new EvaluationError('memory', `memory at 0x${address.toString(16)} is not readable`);
    return v;
  };
  const num = (x: unknown): bigint => (typeof x === 'bigint' ? x : BigInt(x as number));
  let steps = 0;
  // cursor.offset counts from the last reset; `origin` makes it absolute for branch targets.
  let origin = 0;
  while (cursor.next()) {
    if (++steps > maxSteps) throw new EvaluationError('too-long', `more than ${maxSteps} operations (a loop?)`);
    const op = cursor.op;
    const o = cursor.operands;
    if (op >= C.DW_OP_lit0 && op <= C.DW_OP_lit31) {
      stack.push(BigInt(op - C.DW_OP_lit0));
      continue;
    }
    if (op >= C.DW_OP_breg0 && op <= C.DW_OP_breg31) {
      stack.push(mask(reg(op - C.DW_OP_breg0) + num(o[0])));
      continue;
    }
    if (op >= C.DW_OP_reg0 && op <= C.DW_OP_reg31) {
      return { kind: 'register', register: op - C.DW_OP_reg0 };
    }
    switch (op) {
      case C.DW_OP_regx:
        return { kind: 'register', register: Number(o[0]) };
      case C.DW_OP_addr:
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
        stack.push(mask(num(o[0])));
        break;
      case C.DW_OP_bregx:
        stack.push(mask(reg(Number(o[0])) + num(o[1])));
        break;
      case C.DW_OP_fbreg:
        if (ctx.frameBase === undefined) throw new EvaluationError('unsupported', 'DW_OP_fbreg without a frame base');
        stack.push(mask(ctx.frameBase + num(o[0])));
        break;
      case C.DW_OP_call_frame_cfa:
        if (ctx.cfa === undefined) throw new EvaluationError('unsupported', 'DW_OP_call_frame_cfa without a CFA');
        stack.push(ctx.cfa);
        break;
      case C.DW_OP_dup: {
        const v = pop();
        stack.push(v, v);
        break;
      }
      case C.DW_OP_drop:
        pop();
        break;
      case C.DW_OP_over: {
        if (stack.length < 2) throw new EvaluationError('stack', 'DW_OP_over needs two entries');
        stack.push(stack[stack.length - 2]!);
        break;
      }
      case C.DW_OP_pick: {
        const i = Number(o[0]);
        if (i >= stack.length) throw new EvaluationError('stack', `DW_OP_pick ${i} on a stack of ${stack.length}`);
        stack.push(stack[stack.length - 1 - i]!);
        break;
      }
      case C.DW_OP_swap: {
        const a = pop();
        const b = pop();
        stack.push(a, b);
        break;
      }
      case C.DW_OP_rot: {
        const a = pop();
        const b = pop();
        const c = pop();
        stack.push(a, c, b);
        break;
      }
      case C.DW_OP_deref:
        stack.push(mem(pop(), ctx.addressSize));
        break;
      case C.DW_OP_deref_size: {
        const size = Number(o[0]);
        if (size < 1 || size > ctx.addressSize) throw new EvaluationError('unsupported', `DW_OP_deref_size ${size}`);
        stack.push(mem(pop(), size));
        break;
      }
      case C.DW_OP_abs: {
        const v = signed(pop());
        stack.push(mask(v < 0n ? -v : v));
        break;
      }
      case C.DW_OP_neg:
        stack.push(mask(-signed(pop())));
        break;
      case C.DW_OP_not:
        stack.push(mask(~pop()));
        break;
      case C.DW_OP_plus_uconst:
        stack.push(mask(pop() + num(o[0])));
        break;
      case C.DW_OP_and:
      case C.DW_OP_or:
      case C.DW_OP_xor:
      case C.DW_OP_plus:
      case C.DW_OP_minus:
      case C.DW_OP_mul:
      case C.DW_OP_div:
      case C.DW_OP_mod:
      case C.DW_OP_shl:
      case C.DW_OP_shr:
      case C.DW_OP_shra:
      case C.DW_OP_eq:
      case C.DW_OP_ne:
      case C.DW_OP_lt:
      case C.DW_OP_gt:
      case C.DW_OP_le:
      case C.DW_OP_ge: {
        const b = pop();
        const a = pop();
        stack.push(mask(binary(op, a, b, signed, bits)));
        break;
      }
      case C.DW_OP_skip:
      case C.DW_OP_bra: {
        const take = op === C.DW_OP_skip || pop() !== 0n;
        if (take) {
          // The offset counts from the end of this operation.
          const target = origin + cursor.offset + 3 + Number(o[0]);
          if (target < 0 || target > bytes.length) throw new EvaluationError('unsupported', `branch to ${target} outside the expression`);
          cursor.reset(target, bytes.length);
          origin = target;
        }
        break;
      }
      case C.DW_OP_nop:
        break;
      case C.DW_OP_stack_value:
        return { kind: 'value', value: pop() };
      default:
        throw new EvaluationError('unsupported', `DWARF operation 0x${op.toString(16)} is not supported here`);
    }
  }
  return { kind: 'memory', address: pop() };
}

function binary(op: number, a: bigint, b: bigint, signed: (v: bigint) => bigint, bits: number): bigint {
  switch (op) {
    case C.DW_OP_and:
      return a & b;
    case C.DW_OP_or:
      return a | b;
    case C.DW_OP_xor:
      return a ^ b;
    case C.DW_OP_plus:
      return a + b;
    case C.DW_OP_minus:
      return a - b;
    case C.DW_OP_mul:
      return a * b;
    case C.DW_OP_div:
      if (b === 0n) throw new EvaluationError('divide-by-zero', 'DW_OP_div by zero');
      return signed(a) / signed(b);
    case C.DW_OP_mod:
      if (b === 0n) throw new EvaluationError('divide-by-zero', 'DW_OP_mod by zero');
      return a % b;
    case C.DW_OP_shl:
      return b >= BigInt(bits) ? 0n : a << b;
    case C.DW_OP_shr:
      return b >= BigInt(bits) ? 0n : a >> b;
    case C.DW_OP_shra:
      return signed(a) >> (b >= BigInt(bits) ? BigInt(bits - 1) : b);
    case C.DW_OP_eq:
      return a === b ? 1n : 0n;
    case C.DW_OP_ne:
      return a !== b ? 1n : 0n;
    case C.DW_OP_lt:
      return signed(a) < signed(b) ? 1n : 0n;
    case C.DW_OP_gt:
      return signed(a) > signed(b) ? 1n : 0n;
    case C.DW_OP_le:
      return signed(a) <= signed(b) ? 1n : 0n;
    default:
      return signed(a) >= signed(b) ? 1n : 0n;
  }
}
