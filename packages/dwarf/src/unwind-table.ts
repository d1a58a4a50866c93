import type { CfaInstructionCursor } from './cfa-instruction.js';
import type { Cie, Fde } from './frame-entry.js';
import { UnwindRowMachine } from './unwind-row-machine.js';

export { AARCH64_RA_SIGN_STATE, undefinedRule, sameValueRule, UnwindRowMachine } from './unwind-row-machine.js';

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

/** Which machine the instructions are for: it gives 0x2d its meaning. */
export interface UnwindTableOptions {
  /** ELF e_machine (183 = AArch64 makes 0x2d negate_ra_state; 2/18/43 = SPARC makes it GNU_window_save). */
  readonly machine?: number;
  /** Stop after this many instructions (a guard against hostile input); default 1e6. */
  readonly maxInstructions?: number;
}

/** The rules a CIE's initial instructions leave: the start of every FDE's table, and what DW_CFA_restore goes back to. */
export interface CieRules {
  readonly cfa: CfaRule;
  readonly registers: ReadonlyMap<number, RegisterRule>;
  readonly argsSize: number;
}


const cieRules = new WeakMap<Cie, { machine: number; rules: CieRules }>();

/** Runs a CIE's initial instructions (once per CIE object and machine; the result is kept). */
export function cieInitialState(cie: Cie, cursor: CfaInstructionCursor, options: UnwindTableOptions = {}): CieRules {
  const machine = options.machine ?? 0;
  const hit = cieRules.get(cie);
  if (hit && hit.machine === machine) return hit.rules;
  const m = new UnwindRowMachine(options).beginCie(cie);
  cursor.rewind();
  while (cursor.next()) m.step(cursor);
  const rules: CieRules = { cfa: m.cfaRule(), registers: m.registerMap(), argsSize: m.argsSize };
  cieRules.set(cie, { machine, rules });
  return rules;
}

/**
 * The rows of an FDE's unwind table (gimli's `UnwindTable`): the CIE's
 * initial rules, then one row per advance of the FDE's instructions — a
 * row ends where the next begins (rows may be empty when an advance is
 * zero; lookups never match them) and the last ends at the FDE's end.
 * Rows with the same register rules share one map.
 *
 * Malformed instructions throw ParseError naming the entry.
 */
export function* unwindRows(fde: Fde, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): Generator<UnwindRow, void, undefined> {
  yield* unwindTable(fde, cieCursor, fdeCursor, options);
}

/** Every row of {@link unwindRows} at once, in an array (no generator). */
export function unwindTable(fde: Fde, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): UnwindRow[] {
  const m = new UnwindRowMachine(options).beginFde(fde, cieCursor);
  const end = fde.initialLocation + fde.addressRange;
  const rows: UnwindRow[] = [];
  let start = fde.initialLocation;
  fdeCursor.rewind();
  while (fdeCursor.next()) {
    if (m.step(fdeCursor)) {
      const next = m.startAddress();
      rows.push(row(m, start, next));
      start = next;
    }
  }
  rows.push(row(m, start, end > start ? end : start));
  return rows;
}

/**
 * The row of `fde` that covers `pc`, or undefined when `pc` is outside the
 * FDE. Runs the instructions only up to `pc`, and makes one row object.
 */
export function unwindRowFor(fde: Fde, pc: bigint, cieCursor: CfaInstructionCursor, fdeCursor: CfaInstructionCursor, options: UnwindTableOptions = {}): UnwindRow | undefined {
  const end = fde.initialLocation + fde.addressRange;
  if (pc < fde.initialLocation || pc >= end) return undefined;
  const m = new UnwindRowMachine(options).beginFde(fde, cieCursor);
  // pc as a number when exact: the comparisons below then need no bigint.
  const exact = pc <= BigInt(Number.MAX_SAFE_INTEGER);
  const pcNumber = Number(pc);
  fdeCursor.rewind();
  while (fdeCursor.next()) {
    // An advance beyond pc ends the row that covers it.
    if (m.step(fdeCursor) && (exact && m.startBig === undefined ? m.start > pcNumber : m.startAddress() > pc)) return row(m, m.rowStartAddress(), m.startAddress());
  }
  return row(m, m.startAddress(), end);
}

function row(m: UnwindRowMachine, start: bigint, end: bigint): UnwindRow {
  return { start, end, cfa: m.cfaRule(), registers: m.registerMap(), argsSize: m.argsSize };
}
