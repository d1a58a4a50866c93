import { ParseError } from '@elfkit/binary';
import type { CfaInstructionCursor } from './cfa-instruction.js';
import type { Cie, Fde } from './frame-entry.js';
import type { CfaRule, RegisterRule, UnwindTableOptions } from './unwind-table.js';

/** AArch64's RA_SIGN_STATE pseudo-register, toggled by DW_CFA_AARCH64_negate_ra_state. */
export const AARCH64_RA_SIGN_STATE = 34;

const EM_AARCH64 = 183;
const EM_SPARC = 2;
const EM_SPARC32PLUS = 18;
const EM_SPARCV9 = 43;

const MAX_EXACT = Number.MAX_SAFE_INTEGER;


/** Ids of register rule sets, unique in the process: a cache keyed by one never confuses two machines' sets. */
let lastRulesId = 0;

/**
 * Small keys of the shared rules (undefined, same value, the offset rules
 * of {@link offsetRule}): a rule set made from set `p` by giving register
 * `r` one of these rules is named by the transition `(p, r, key)`, so the
 * same instructions from the same set give the same id in every entry
 * (as V8's hidden classes do for objects). A dump's per-set text is then
 * formatted once for all the FDEs that push the same registers, not once
 * per FDE. Rules without a key (expressions, val-offset…) and deletions
 * make a fresh id, as before.
 */
const ruleKeys = new Map<RegisterRule, number>();
/** Key of the deletion of a register's rule (no shared rule has it). */
const DELETE_KEY = 8191;
/** Transitions by parent id, then `register * 8192 + rule key`: the child's id. */
let transitions = new Map<number, Map<number, number>>();
/** Parents kept before the table is dropped (ids are never reused, so dropping it only costs cache hits). */
const MAX_TRANSITION_PARENTS = 1 << 14;

/** The id of the set that giving register `reg` the rule keyed `key` makes from set `parent`. */
function transition(parent: number, reg: number, key: number | undefined): number {
  if (key === undefined || reg >= 1 << 16) return ++lastRulesId;
  let byEdge = transitions.get(parent);
  if (!byEdge) {
    if (transitions.size >= MAX_TRANSITION_PARENTS) transitions = new Map();
    transitions.set(parent, (byEdge = new Map()));
  }
  const edge = reg * 8192 + key;
  let id = byEdge.get(edge);
  if (id === undefined) byEdge.set(edge, (id = ++lastRulesId));
  return id;
}

/** The undefined rule (a shared instance). */
export const undefinedRule: RegisterRule = { kind: 'undefined' };
/** The same-value rule (a shared instance). */
export const sameValueRule: RegisterRule = { kind: 'same-value' };
ruleKeys.set(undefinedRule, 0);
ruleKeys.set(sameValueRule, 1);

/** `offset` rules by offset, shared: most rules of a table are a few of these (RBP at CFA-16, RBX at CFA-24…). */
const offsetRules = new Map<number, RegisterRule>();
function offsetRule(offset: number): RegisterRule {
  let r = offsetRules.get(offset);
  if (!r) {
    r = { kind: 'offset', offset };
    if (offsetRules.size < 4096) {
      offsetRules.set(offset, r);
      ruleKeys.set(r, offsetRules.size + 1);
    }
  }
  return r;
}

const NO_REGISTERS: readonly number[] = [];
const NO_RULES: readonly RegisterRule[] = [];

/** A state kept aside: a remembered one (DW_CFA_remember_state) or a CIE's initial rules. */
interface SavedState {
  readonly cfaRegister: number;
  readonly cfaOffset: number;
  readonly cfaAddressSpace: number | undefined;
  readonly cfaExpression: Uint8Array | undefined;
  readonly cfaExpressionOffset: number;
  readonly argsSize: number;
  readonly registers: readonly number[];
  readonly rules: readonly RegisterRule[];
  readonly rulesId: number;
}

/** A CIE's initial state, run once per CIE object and machine. */
const cieStates = new WeakMap<Cie, { machine: number; state: SavedState }>();

/**
 * The unwind-table row machine (DWARF 5 §6.4.3) over flat state: the CFA
 * rule as numbers, the register rules as two arrays in register order, the
 * row's start address as a number (a bigint only past 2^53). A dump steps
 * it instruction by instruction and prints each row from its fields, so a
 * table of many rows allocates next to nothing; {@link unwindTable} and
 * {@link unwindRowFor} build their `UnwindRow` objects from it.
 *
 * DW_CFA_remember_state saves the CFA rule too, as GCC's unwinder, gdb and
 * gimli do (GCC emits `remember_state; def_cfa_offset 8; ret;
 * restore_state` around mid-function returns and relies on it).
 *
 * Malformed instructions throw ParseError naming the entry.
 */
export class UnwindRowMachine {
  /** The CFA's register (−1: no CFA rule yet); the CFA is its value plus {@link cfaOffset}, unless {@link cfaExpression} is set. */
  cfaRegister = -1;
  cfaOffset = 0;
  /** DW_CFA_LLVM_def_aspace_cfa's address space, when that set the CFA. */
  cfaAddressSpace: number | undefined = undefined;
  /** DW_CFA_def_cfa_expression's expression, and its section offset, when that set the CFA. */
  cfaExpression: Uint8Array | undefined = undefined;
  cfaExpressionOffset = 0;
  /** DW_CFA_GNU_args_size. */
  argsSize = 0;
  /** The registers with a rule, ascending; `rules[i]` is the rule of `registers[i]`. Shared with saved states: read only. */
  registers: readonly number[] = NO_REGISTERS;
  rules: readonly RegisterRule[] = NO_RULES;
  /** Names the current set of register rules: states with the same id have the same rules (text formatted for one id fits all). */
  rulesId = 0;
  /** The current row's start: exact as a number unless {@link startBig} is set (addresses past 2^53). */
  start = 0;
  startBig: bigint | undefined = undefined;
  /** After {@link step} returned true: the start of the row that instruction ended (its end is {@link start}). */
  rowStart = 0;
  rowStartBig: bigint | undefined = undefined;

  private owned = false;
  private stack: SavedState[] = [];
  private count = 0;
  /** The most instructions {@link step} applies to one entry (more throw ParseError). */
  readonly maxInstructions: number;
  private readonly machine: number;
  private initial: SavedState | undefined = undefined;
  private entryOffset = 0;

  constructor(options: UnwindTableOptions = {}) {
    this.maxInstructions = options.maxInstructions ?? 1_000_000;
    this.machine = options.machine ?? 0;
  }

  /** Starts on a CIE's initial instructions: no rules, no advances allowed. */
  beginCie(cie: Cie): this {
    this.reset(cie.offset, undefined);
    this.restoreFrom(EMPTY_STATE);
    this.setStart(0n);
    return this;
  }

  /** Starts on an FDE's instructions: its CIE's initial rules (run from `cieCursor` once per CIE), at its initial location. */
  beginFde(fde: Fde, cieCursor: CfaInstructionCursor): this {
    const initial = this.cieState(fde.cie, cieCursor);
    this.reset(fde.offset, initial);
    this.restoreFrom(initial);
    this.setStart(fde.initialLocation);
    return this;
  }

  /** The rules a CIE's initial instructions leave (run once per CIE object and machine; kept). */
  private cieState(cie: Cie, cursor: CfaInstructionCursor): SavedState {
    const hit = cieStates.get(cie);
    if (hit && hit.machine === this.machine) return hit.state;
    const m = new UnwindRowMachine({ machine: this.machine, maxInstructions: this.maxInstructions }).beginCie(cie);
    cursor.rewind();
    while (cursor.next()) m.step(cursor);
    const state = m.save();
    cieStates.set(cie, { machine: this.machine, state });
    return state;
  }

  private reset(entryOffset: number, initial: SavedState | undefined): void {
    this.entryOffset = entryOffset;
    this.initial = initial;
    this.count = 0;
    if (this.stack.length) this.stack = [];
  }

  /** True when the state has any rule: a CFA rule or a register rule. */
  get hasRules(): boolean {
    return this.registers.length > 0 || this.cfaExpression !== undefined || this.cfaRegister >= 0;
  }

  /** {@link start} as a bigint. */
  startAddress(): bigint {
    return this.startBig ?? BigInt(this.start);
  }

  /** {@link rowStart} as a bigint. */
  rowStartAddress(): bigint {
    return this.rowStartBig ?? BigInt(this.rowStart);
  }

  /** The CFA rule as an object. */
  cfaRule(): CfaRule {
    if (this.cfaExpression !== undefined) return { kind: 'expression', expression: this.cfaExpression, offset: this.cfaExpressionOffset };
    if (this.cfaAddressSpace !== undefined) return { kind: 'register', register: this.cfaRegister, offset: this.cfaOffset, addressSpace: this.cfaAddressSpace };
    return { kind: 'register', register: this.cfaRegister, offset: this.cfaOffset };
  }

  private mapId = -1;
  private map: ReadonlyMap<number, RegisterRule> = new Map();
  /** The register rules as a map (one map per rule set, shared by the rows that have it). */
  registerMap(): ReadonlyMap<number, RegisterRule> {
    if (this.mapId === this.rulesId) return this.map;
    const m = new Map<number, RegisterRule>();
    const regs = this.registers;
    const rules = this.rules;
    for (let i = 0; i < regs.length; i++) m.set(regs[i]!, rules[i]!);
    this.mapId = this.rulesId;
    return (this.map = m);
  }

  /** The rule of register `r`, if it has one. */
  ruleOf(r: number): RegisterRule | undefined {
    const regs = this.registers;
    for (let i = 0; i < regs.length; i++) if (regs[i] === r) return this.rules[i];
    return undefined;
  }

  private save(): SavedState {
    this.owned = false;
    return {
      cfaRegister: this.cfaRegister,
      cfaOffset: this.cfaOffset,
      cfaAddressSpace: this.cfaAddressSpace,
      cfaExpression: this.cfaExpression,
      cfaExpressionOffset: this.cfaExpressionOffset,
      argsSize: this.argsSize,
      registers: this.registers,
      rules: this.rules,
      rulesId: this.rulesId,
    };
  }

  private restoreFrom(s: SavedState): void {
    this.cfaRegister = s.cfaRegister;
    this.cfaOffset = s.cfaOffset;
    this.cfaAddressSpace = s.cfaAddressSpace;
    this.cfaExpression = s.cfaExpression;
    this.cfaExpressionOffset = s.cfaExpressionOffset;
    this.argsSize = s.argsSize;
    this.registers = s.registers;
    this.rules = s.rules;
    this.rulesId = s.rulesId;
    this.owned = false;
  }

  private setStart(a: bigint): void {
    // Tested as a number (a bigint comparison is a runtime call before the code is optimized): the conversion
    // rounds, but monotonically, so it is within [0, 2^53) exactly when the bigint is.
    const n = Number(a);
    this.start = n;
    this.startBig = n >= 0 && n <= MAX_EXACT ? undefined : a;
  }

  /** DW_CFA_offset (and its extended forms): register `reg` saved at CFA + `offset`. */
  setOffset(reg: number, offset: number): void {
    this.setRule(reg, offsetRule(offset));
  }

  /**
   * DW_CFA_restore: register `reg` gets its rule from the CIE's initial
   * instructions back (or loses its rule). False, changing nothing, in a
   * CIE's own instructions, where it is an error.
   */
  restore(reg: number): boolean {
    const initial = this.initial;
    if (!initial) return false;
    const k = initial.registers.indexOf(reg);
    if (k >= 0) this.setRule(reg, initial.rules[k]!);
    else this.deleteRule(reg);
    return true;
  }

  /** DW_CFA_remember_state; false, changing nothing, past 1000 nested states (an error). */
  remember(): boolean {
    if (this.stack.length >= 1000) return false;
    this.stack.push(this.save());
    return true;
  }

  /** DW_CFA_restore_state; false, changing nothing, without a remembered state (an error). */
  restoreState(): boolean {
    const saved = this.stack.pop();
    if (!saved) return false;
    this.restoreFrom(saved);
    return true;
  }

  private setRule(reg: number, rule: RegisterRule): void {
    let regs = this.registers as number[];
    let rules = this.rules as RegisterRule[];
    const n = regs.length;
    let i = 0;
    while (i < n && regs[i]! < reg) i++;
    if (i < n && regs[i] === reg) {
      if (rules[i] === rule) return;
      if (!this.owned) this.own();
      (this.rules as RegisterRule[])[i] = rule;
    } else {
      // A copy of a shared set by slice() and push(): concat() is a C++ builtin, several times their cost in the
      // baseline code a dump runs in (an FDE's first rule change copies its CIE's set).
      if (!this.owned) {
        this.registers = regs = regs.slice();
        this.rules = rules = rules.slice();
        this.owned = true;
      }
      regs.push(reg);
      rules.push(rule);
      for (let k = n; k > i; k--) {
        regs[k] = regs[k - 1]!;
        rules[k] = rules[k - 1]!;
      }
      regs[i] = reg;
      rules[i] = rule;
    }
    this.rulesId = transition(this.rulesId, reg, ruleKeys.get(rule));
  }

  private deleteRule(reg: number): void {
    const i = this.registers.indexOf(reg);
    if (i < 0) return;
    if (!this.owned) this.own();
    (this.registers as number[]).splice(i, 1);
    (this.rules as RegisterRule[]).splice(i, 1);
    this.rulesId = transition(this.rulesId, reg, DELETE_KEY);
  }

  private own(): void {
    this.registers = this.registers.slice();
    this.rules = this.rules.slice();
    this.owned = true;
  }

  private fail(c: CfaInstructionCursor, why: string): ParseError {
    const name = c.context.pointerEncoding === undefined ? '.debug_frame' : '.eh_frame';
    return new ParseError('invalid', `${why} (in the entry at 0x${this.entryOffset.toString(16)})`, name, c.at);
  }

  /**
   * Applies the cursor's current instruction. True when it ends a row (an
   * advance or DW_CFA_set_loc): the state is still that row's, which runs
   * from {@link rowStart} to the new {@link start}; the next instruction
   * applies from there on.
   */
  step(c: CfaInstructionCursor): boolean {
    if (++this.count > this.maxInstructions) throw this.fail(c, `more than ${this.maxInstructions} call frame instructions`);
    // Literal cases: the constants are variables in a bundle, and only a switch over literals close together is a
    // jump table (V8 tests the cases one by one when they spread over more than three values per case): the
    // primary opcodes 0x40, 0x80 and 0xc0 are cased as 0x41, 0x42 and 0x43, next to the others.
    const op = c.op;
    switch (op < 0x40 ? op : 0x40 + (op >> 6)) {
      case 0x41: // DW_CFA_advance_loc (0x40)
      case 0x02: // DW_CFA_advance_loc1
      case 0x03: // DW_CFA_advance_loc2
      case 0x04: // DW_CFA_advance_loc4
      case 0x1d: { // DW_CFA_MIPS_advance_loc8
        if (!this.initial) throw this.fail(c, "an advance in a CIE's initial instructions");
        this.rowStart = this.start;
        this.rowStartBig = this.startBig;
        // Addresses below 2^53 advance as numbers: no bigint per row.
        if (this.startBig === undefined && c.advanceExact) {
          const next = this.start + c.advance;
          if (next <= MAX_EXACT) {
            this.start = next;
            return true;
          }
        }
        this.setStart(BigInt.asUintN(64, this.rowStartAddress() + c.delta));
        return true;
      }
      case 0x01: { // DW_CFA_set_loc
        if (!this.initial) throw this.fail(c, "DW_CFA_set_loc in a CIE's initial instructions");
        const from = this.startAddress();
        if (c.address < from) throw this.fail(c, `DW_CFA_set_loc to 0x${c.address.toString(16)} goes back from 0x${from.toString(16)}`);
        this.rowStart = this.start;
        this.rowStartBig = this.startBig;
        this.setStart(c.address);
        return true;
      }
      case 0x00: // DW_CFA_nop
        return false;
      case 0x0c: // DW_CFA_def_cfa
      case 0x12: // DW_CFA_def_cfa_sf
        this.cfaRegister = c.register;
        this.cfaOffset = c.offset;
        this.cfaAddressSpace = undefined;
        this.cfaExpression = undefined;
        return false;
      case 0x30: // DW_CFA_LLVM_def_aspace_cfa
      case 0x31: // DW_CFA_LLVM_def_aspace_cfa_sf
        this.cfaRegister = c.register;
        this.cfaOffset = c.offset;
        this.cfaAddressSpace = c.addressSpace;
        this.cfaExpression = undefined;
        return false;
      case 0x0d: // DW_CFA_def_cfa_register
        if (this.cfaExpression !== undefined) throw this.fail(c, 'DW_CFA_def_cfa_register when the CFA is an expression');
        this.cfaRegister = c.register;
        this.cfaAddressSpace = undefined;
        return false;
      case 0x0e: // DW_CFA_def_cfa_offset
      case 0x13: // DW_CFA_def_cfa_offset_sf
        if (this.cfaExpression !== undefined) throw this.fail(c, 'DW_CFA_def_cfa_offset when the CFA is an expression');
        this.cfaOffset = c.offset;
        this.cfaAddressSpace = undefined;
        return false;
      case 0x0f: // DW_CFA_def_cfa_expression
        this.cfaExpression = c.expression;
        this.cfaExpressionOffset = c.expressionOffset;
        this.cfaAddressSpace = undefined;
        return false;
      case 0x07: // DW_CFA_undefined
        this.setRule(c.register, undefinedRule);
        return false;
      case 0x08: // DW_CFA_same_value
        this.setRule(c.register, sameValueRule);
        return false;
      case 0x42: // DW_CFA_offset (0x80)
      case 0x05: // DW_CFA_offset_extended
      case 0x11: // DW_CFA_offset_extended_sf
      case 0x2f: // DW_CFA_GNU_negative_offset_extended
        this.setOffset(c.register, c.offset);
        return false;
      case 0x14: // DW_CFA_val_offset
      case 0x15: // DW_CFA_val_offset_sf
        this.setRule(c.register, { kind: 'val-offset', offset: c.offset });
        return false;
      case 0x09: // DW_CFA_register
        this.setRule(c.register, { kind: 'register', register: c.register2 });
        return false;
      case 0x10: // DW_CFA_expression
        this.setRule(c.register, { kind: 'expression', expression: c.expression, offset: c.expressionOffset });
        return false;
      case 0x16: // DW_CFA_val_expression
        this.setRule(c.register, { kind: 'val-expression', expression: c.expression, offset: c.expressionOffset });
        return false;
      case 0x43: // DW_CFA_restore (0xc0)
      case 0x06: // DW_CFA_restore_extended
        if (!this.restore(c.register)) throw this.fail(c, "DW_CFA_restore in a CIE's initial instructions");
        return false;
      case 0x0a: // DW_CFA_remember_state
        if (!this.remember()) throw this.fail(c, 'more than 1000 nested DW_CFA_remember_state');
        return false;
      case 0x0b: // DW_CFA_restore_state
        if (!this.restoreState()) throw this.fail(c, 'DW_CFA_restore_state without a DW_CFA_remember_state');
        return false;
      case 0x2e: // DW_CFA_GNU_args_size
        this.argsSize = c.offset;
        return false;
      case 0x2d: { // DW_CFA_AARCH64_negate_ra_state
        if (this.machine === EM_AARCH64) {
          const cur = this.ruleOf(AARCH64_RA_SIGN_STATE);
          if (cur && cur.kind !== 'constant') throw this.fail(c, 'DW_CFA_AARCH64_negate_ra_state when RA_SIGN_STATE has a rule that is not a constant');
          this.setRule(AARCH64_RA_SIGN_STATE, { kind: 'constant', value: (cur?.kind === 'constant' ? cur.value : 0) ^ 1 });
        } else if (this.machine === EM_SPARC || this.machine === EM_SPARC32PLUS || this.machine === EM_SPARCV9) {
          // GNU_window_save: the caller's in/local registers (16–31) were saved at the CFA by the register window.
          const word = this.machine === EM_SPARCV9 ? 8 : 4;
          for (let r = 16; r < 32; r++) this.setRule(r, { kind: 'offset', offset: (r - 16) * word });
        } else {
          throw this.fail(c, 'DW_CFA opcode 0x2d is only defined for AArch64 and SPARC');
        }
        return false;
      }
      default:
        throw this.fail(c, `unknown call frame instruction 0x${c.op.toString(16)}`);
    }
  }
}

const EMPTY_STATE: SavedState = {
  cfaRegister: -1,
  cfaOffset: 0,
  cfaAddressSpace: undefined,
  cfaExpression: undefined,
  cfaExpressionOffset: 0,
  argsSize: 0,
  registers: NO_REGISTERS,
  rules: NO_RULES,
  rulesId: 0,
};
