import { ParseError } from '@elfkit/binary';
import * as C from './constants.js';
import { DW_CFA_AARCH64_negate_ra_state, DW_CFA_GNU_args_size, DW_CFA_GNU_negative_offset_extended, DW_CFA_MIPS_advance_loc8, type CfaInstructionCursor } from './cfa-instruction.js';
import type { Cie, Fde } from './frame-entry.js';

/** How to compute the CFA (canonical frame address) of a row. */
export type CfaRule =
  /** The value of `register` plus `offset`. */
  | { readonly kind: 'register'; readonly register: number; readonly offset: number; readonly addressSpace?: number }
  /** The value of a DWARF expression (DW_CFA_def_cfa_expression); `offset` is its section offset. */
  | { readonly kind: 'expression'; readonly expression: Uint8Array; readonly offset: number };

/** How to recover a register's value in the caller (DWARF 5 §6.4.1). */
export type RegisterRule =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'same-value' }
  /** Saved at CFA + offset. */
  | { readonly kind: 'offset'; readonly offset: number }
  /** The value is CFA + offset. */
  | { readonly kind: 'val-offset'; readonly offset: number }
  /** Saved in another register. */
  | { readonly kind: 'register'; readonly register: number }
  /** Saved at the address the expression computes (the CFA pushed first). */
  | { readonly kind: 'expression'; readonly expression: Uint8Array; readonly offset: number }
  /** The value is what the expression computes (the CFA pushed first). */
  | { readonly kind: 'val-expression'; readonly expression: Uint8Array; readonly offset: number }
  /** A constant (AArch64's RA_SIGN_STATE pseudo-register after DW_CFA_AARCH64_negate_ra_state). */
  | { readonly kind: 'constant'; readonly value: number };

/** AArch64's RA_SIGN_STATE pseudo-register, toggled by DW_CFA_AARCH64_negate_ra_state. */
export const AARCH64_RA_SIGN_STATE = 34;

/** One row of the unwind table: the rules for the addresses `[start, end)`. */
export interface UnwindRow {
  readonly start: bigint;
  readonly end: bigint;
  readonly cfa: CfaRule;
  /** The rules set by the CIE's and FDE's instructions, by register; a register without one keeps the target's default. */
  readonly registers: ReadonlyMap<number, RegisterRule>;
  /** DW_CFA_GNU_args_size: bytes of outgoing arguments on the stack (for landing pads). */
  readonly argsSize: number;
}

/**
 * The row machine's state. `registers` is copied on write: rows, remembered
 * states and the CIE's initial rules share a map until an instruction
 * changes it (`shared`), so a table of many rows allocates few maps.
 */
interface State {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
  shared: boolean;
  argsSize: number;
}

function setRule(s: State, reg: number, rule: RegisterRule): void {
  if (s.shared) {
    s.registers = new Map(s.registers);
    s.shared = false;
  }
  s.registers.set(reg, rule);
}

function deleteRule(s: State, reg: number): void {
  if (!s.registers.has(reg)) return;
  if (s.shared) {
    s.registers = new Map(s.registers);
    s.shared = false;
  }
  s.registers.delete(reg);
}

const UNSET_CFA: CfaRule = { kind: 'register', register: -1, offset: 0 };
const UNDEFINED: RegisterRule = { kind: 'undefined' };
const SAME: RegisterRule = { kind: 'same-value' };

/** Which machine the instructions are for: it gives 0x2d its meaning. */
export interface UnwindTableOptions {
  /** ELF e_machine (183 = AArch64 makes 0x2d negate_ra_state; 2/18/43 = SPARC makes it GNU_window_save). */
  readonly machine?: number;
  /** Stop after this many instructions (a guard against hostile input); default 1e6. */
  readonly maxInstructions?: number;
}

const EM_AARCH64 = 183;
const EM_SPARC = 2;
const EM_SPARC32PLUS = 18;
const EM_SPARCV9 = 43;

/** The rules a CIE's initial instructions leave: the start of every FDE's table, and what DW_CFA_restore goes back to. */
export interface CieRules {
  readonly cfa: CfaRule;
  readonly registers: ReadonlyMap<number, RegisterRule>;
  readonly argsSize: number;
}

const initialRules = new WeakMap<Cie, { machine: number; rules: CieRules }>();

/** Runs a CIE's initial instructions (once per CIE object and machine; the result is kept). */
export function cieInitialState(cie: Cie, cursor: CfaInstructionCursor, options: UnwindTableOptions = {}): CieRules {
  const machine = options.machine ?? 0;
  const hit = initialRules.get(cie);
  if (hit && hit.machine === machine) return hit.rules;
  const state: State = { cfa: UNSET_CFA, registers: new Map(), shared: false, argsSize: 0 };
  const m = new RowMachine(state, undefined, options, cie.offset);
  cursor.rewind();
  while (cursor.next()) m.step(cursor, true);
  const rules: CieRules = { cfa: state.cfa, registers: state.registers, argsSize: state.argsSize };
  initialRules.set(cie, { machine, rules });
  return rules;
}

/**
 * The rows of an FDE's unwind table (gimli's `UnwindTable`): the CIE's
 * initial rules, then one row per advance of the FDE's instructions — a
 * row ends where the next begins (rows may be empty when an advance is
 * zero; lookups never match them) and the last ends at the FDE's end.
 *
 * DW_CFA_remember_state saves the CFA rule too, as GCC's unwinder, gdb and
 * gimli do (GCC emits `remember_state; def_cfa_offset 8; ret;
 * restore_state` around mid-function returns and relies on it).
 *
 * Malformed instructions throw ParseError naming the entry.
 */
export function* unwindRows(fde: Fde, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): Generator<UnwindRow, void, undefined> {
  yield* unwindTable(fde, cieCursor, fdeCursor, options);
}

/** Every row of {@link unwindRows} at once, in an array (no generator: the fast path of a dump). */
export function unwindTable(fde: Fde, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): UnwindRow[] {
  const initial = cieInitialState(fde.cie, cieCursor, options);
  const state: State = { cfa: initial.cfa, registers: initial.registers as Map<number, RegisterRule>, shared: true, argsSize: initial.argsSize };
  const m = new RowMachine(state, initial, options, fde.offset);
  const end = fde.initialLocation + fde.addressRange;
  const rows: UnwindRow[] = [];
  let start = fde.initialLocation;
  fdeCursor.rewind();
  while (fdeCursor.next()) {
    const next = m.step(fdeCursor, false, start);
    if (next !== undefined) {
      rows.push(snapshot(state, start, next));
      start = next;
    }
  }
  rows.push(snapshot(state, start, end > start ? end : start));
  return rows;
}

/**
 * The row of `fde` that covers `pc`, or undefined when `pc` is outside the
 * FDE. Runs the instructions only up to `pc`.
 */
export function unwindRowFor(fde: Fde, pc: bigint, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): UnwindRow | undefined {
  const end = fde.initialLocation + fde.addressRange;
  if (pc < fde.initialLocation || pc >= end) return undefined;
  const initial = cieInitialState(fde.cie, cieCursor, options);
  const state: State = { cfa: initial.cfa, registers: initial.registers as Map<number, RegisterRule>, shared: true, argsSize: initial.argsSize };
  const m = new RowMachine(state, initial, options, fde.offset);
  let start = fde.initialLocation;
  fdeCursor.rewind();
  while (fdeCursor.next()) {
    // Peek: an advance beyond pc ends the row that covers it.
    const next = m.step(fdeCursor, false, start);
    if (next !== undefined) {
      if (next > pc) return snapshot(state, start, next);
      start = next;
    }
  }
  return snapshot(state, start, end);
}

function snapshot(s: State, start: bigint, end: bigint): UnwindRow {
  s.shared = true;
  return { start, end, cfa: s.cfa, registers: s.registers, argsSize: s.argsSize };
}

/** Executes instructions on a state; a second class so the two entry points share it. */
class RowMachine {
  private readonly stack: { cfa: CfaRule; registers: Map<number, RegisterRule>; argsSize: number }[] = [];
  private count = 0;
  private readonly max: number;
  private readonly machine: number;

  constructor(
    private readonly state: State,
    private readonly initial: CieRules | undefined,
    options: UnwindTableOptions,
    private readonly entryOffset: number,
  ) {
    this.max = options.maxInstructions ?? 1_000_000;
    this.machine = options.machine ?? 0;
  }

  private fail(c: CfaInstructionCursor, why: string): ParseError {
    const name = c.context.pointerEncoding === undefined ? '.debug_frame' : '.eh_frame';
    return new ParseError('invalid', `${why} (in the entry at 0x${this.entryOffset.toString(16)})`, name, c.at);
  }

  /**
   * Applies the cursor's current instruction. For an advance or set_loc,
   * the row's state is left as it is (the caller snapshots it) and the new
   * start address is returned (the state applies from there on).
   */
  step(c: CfaInstructionCursor, inCie: boolean, start = 0n): bigint | undefined {
    if (++this.count > this.max) throw this.fail(c, `more than ${this.max} call frame instructions`);
    const s = this.state;
    switch (c.op) {
      case C.DW_CFA_advance_loc:
      case C.DW_CFA_advance_loc1:
      case C.DW_CFA_advance_loc2:
      case C.DW_CFA_advance_loc4:
      case DW_CFA_MIPS_advance_loc8:
        if (inCie) throw this.fail(c, 'an advance in a CIE\'s initial instructions');
        return BigInt.asUintN(64, start + c.delta);
      case C.DW_CFA_set_loc:
        if (inCie) throw this.fail(c, 'DW_CFA_set_loc in a CIE\'s initial instructions');
        if (c.address < start) throw this.fail(c, `DW_CFA_set_loc to 0x${c.address.toString(16)} goes back from 0x${start.toString(16)}`);
        return c.address;
      case C.DW_CFA_nop:
        return undefined;
      case C.DW_CFA_def_cfa:
      case C.DW_CFA_def_cfa_sf:
        s.cfa = { kind: 'register', register: c.register, offset: c.offset };
        return undefined;
      case C.DW_CFA_LLVM_def_aspace_cfa:
      case C.DW_CFA_LLVM_def_aspace_cfa_sf:
        s.cfa = { kind: 'register', register: c.register, offset: c.offset, addressSpace: c.addressSpace };
        return undefined;
      case C.DW_CFA_def_cfa_register:
        if (s.cfa.kind !== 'register') throw this.fail(c, 'DW_CFA_def_cfa_register when the CFA is an expression');
        s.cfa = { kind: 'register', register: c.register, offset: s.cfa.offset };
        return undefined;
      case C.DW_CFA_def_cfa_offset:
      case C.DW_CFA_def_cfa_offset_sf:
        if (s.cfa.kind !== 'register') throw this.fail(c, 'DW_CFA_def_cfa_offset when the CFA is an expression');
        s.cfa = { kind: 'register', register: s.cfa.register, offset: c.offset };
        return undefined;
      case C.DW_CFA_def_cfa_expression:
        s.cfa = { kind: 'expression', expression: c.expression, offset: c.expressionOffset };
        return undefined;
      case C.DW_CFA_undefined:
        setRule(s, c.register, UNDEFINED);
        return undefined;
      case C.DW_CFA_same_value:
        setRule(s, c.register, SAME);
        return undefined;
      case C.DW_CFA_offset:
      case C.DW_CFA_offset_extended:
      case C.DW_CFA_offset_extended_sf:
      case DW_CFA_GNU_negative_offset_extended:
        setRule(s, c.register, { kind: 'offset', offset: c.offset });
        return undefined;
      case C.DW_CFA_val_offset:
      case C.DW_CFA_val_offset_sf:
        setRule(s, c.register, { kind: 'val-offset', offset: c.offset });
        return undefined;
      case C.DW_CFA_register:
        setRule(s, c.register, { kind: 'register', register: c.register2 });
        return undefined;
      case C.DW_CFA_expression:
        setRule(s, c.register, { kind: 'expression', expression: c.expression, offset: c.expressionOffset });
        return undefined;
      case C.DW_CFA_val_expression:
        setRule(s, c.register, { kind: 'val-expression', expression: c.expression, offset: c.expressionOffset });
        return undefined;
      case C.DW_CFA_restore:
      case C.DW_CFA_restore_extended: {
        if (!this.initial) throw this.fail(c, 'DW_CFA_restore in a CIE\'s initial instructions');
        const rule = this.initial.registers.get(c.register);
        if (rule) setRule(s, c.register, rule);
        else deleteRule(s, c.register);
        return undefined;
      }
      case C.DW_CFA_remember_state:
        if (this.stack.length >= 1000) throw this.fail(c, 'more than 1000 nested DW_CFA_remember_state');
        s.shared = true;
        this.stack.push({ cfa: s.cfa, registers: s.registers, argsSize: s.argsSize });
        return undefined;
      case C.DW_CFA_restore_state: {
        const saved = this.stack.pop();
        if (!saved) throw this.fail(c, 'DW_CFA_restore_state without a DW_CFA_remember_state');
        s.cfa = saved.cfa;
        s.registers = saved.registers;
        s.shared = true;
        s.argsSize = saved.argsSize;
        return undefined;
      }
      case DW_CFA_GNU_args_size:
        s.argsSize = c.offset;
        return undefined;
      case DW_CFA_AARCH64_negate_ra_state: {
        if (this.machine === EM_AARCH64) {
          const cur = s.registers.get(AARCH64_RA_SIGN_STATE);
          if (cur && cur.kind !== 'constant') throw this.fail(c, 'DW_CFA_AARCH64_negate_ra_state when RA_SIGN_STATE has a rule that is not a constant');
          setRule(s, AARCH64_RA_SIGN_STATE, { kind: 'constant', value: (cur?.kind === 'constant' ? cur.value : 0) ^ 1 });
        } else if (this.machine === EM_SPARC || this.machine === EM_SPARC32PLUS || this.machine === EM_SPARCV9) {
          // GNU_window_save: the caller's in/local registers (16–31) were saved at the CFA by the register window.
          const word = this.machine === EM_SPARCV9 ? 8 : 4;
          for (let r = 16; r < 32; r++) setRule(s, r, { kind: 'offset', offset: (r - 16) * word });
        } else {
          throw this.fail(c, 'DW_CFA opcode 0x2d is only defined for AArch64 and SPARC');
        }
        return undefined;
      }
      default:
        throw this.fail(c, `unknown call frame instruction 0x${c.op.toString(16)}`);
    }
  }
}

/** The undefined rule (a shared instance). */
export const undefinedRule: RegisterRule = UNDEFINED;
/** The same-value rule (a shared instance). */
export const sameValueRule: RegisterRule = SAME;
