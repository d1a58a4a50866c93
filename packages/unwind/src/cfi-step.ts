import { isParseError, ParseError } from '@elfkit/binary';
import { AARCH64_RA_SIGN_STATE, EvaluationError, evaluateExpression, type EvaluationContext, type RegisterRule, type UnwindRow } from '@elfkit/dwarf';
import type { Arch } from './arch.js';
import { readUnsigned, type Memory } from './memory.js';
import type { UnwindModule } from './module.js';
import { Registers } from './registers.js';
import type { StepOutcome } from './step.js';

/** What a CFI step needs besides the frame. */
export interface CfiStepContext {
  readonly memory: Memory;
  /** Bits of an AArch64 return address that hold a pointer authentication code (NT_ARM_PAC_MASK's insn mask). */
  readonly pacMask?: bigint;
}

/**
 * Unwinds one frame with the module's call frame information: the row at
 * `lookupPc` gives the CFA and where each register was saved; the return
 * address register's rule gives the caller's pc. Registers without a rule
 * keep their value when the psABI makes them callee-saved and become
 * unknown otherwise; the stack pointer becomes the CFA. Undefined when no
 * FDE covers the pc.
 */
export function cfiStep(regs: Registers, lookupPc: bigint, module: UnwindModule, ctx: CfiStepContext): StepOutcome {
  const arch = regs.arch;
  let info;
  try {
    const cfi = module.callFrameInfo();
    if (!cfi) return undefined;
    info = cfi.unwindInfo(BigInt.asUintN(64, lookupPc - module.bias));
  } catch (e) {
    if (isParseError(e)) return { stop: { kind: 'bad-cfi', error: e } };
    throw e;
  }
  if (!info) return undefined;
  const { row, cie } = info;
  const bits = arch.addressSize * 8;
  const word = arch.addressSize;
  const evalCtx = (cfa?: bigint): EvaluationContext => ({
    addressSize: word,
    order: arch.order,
    register: (n) => regs.get(n),
    memory: (address, size) => readUnsigned(ctx.memory, address, size, arch.order),
    cfa,
  });
  let cfa: bigint;
  try {
    if (row.cfa.kind === 'register') {
      if (row.cfa.register < 0) return { stop: { kind: 'bad-cfi', error: cfiError(module, lookupPc, 'no CFA rule') } };
      const base = regs.get(row.cfa.register);
      if (base === undefined) return { stop: { kind: 'unknown-register', register: row.cfa.register } };
      cfa = BigInt.asUintN(bits, base + BigInt(row.cfa.offset));
    } else {
      const r = evaluateExpression(row.cfa.expression, evalCtx());
      if (r.kind === 'register') {
        const v = regs.get(r.register);
        if (v === undefined) return { stop: { kind: 'unknown-register', register: r.register } };
        cfa = v;
      } else cfa = r.kind === 'memory' ? r.address : r.value;
    }
  } catch (e) {
    if (e instanceof EvaluationError) return e.failure === 'memory' ? { stop: { kind: 'unreadable-memory', address: 0n } } : { stop: { kind: 'expression', error: e } };
    throw e;
  }
  // The caller's registers by DWARF number (Registers.fromArray takes the array over).
  const next: (bigint | undefined)[] = [];
  // Indexed loops, not `for (const [n, v] of map)`: a core's threads run this a few hundred times, mostly before
  // V8 optimizes it, and the interpreter pays the iterator protocol for every destructured pair.
  const saved = calleeSavedList(arch);
  for (let i = 0; i < saved.length; i++) {
    const n = saved[i]!;
    const v = regs.get(n);
    if (v !== undefined) next[n] = v;
  }
  next[arch.sp] = cfa;
  const ra = cie.returnAddressRegister;
  let raSigned = false;
  const { numbers, rules } = rulesOf(row);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    const rule = rules[i]!;
    if (n === AARCH64_RA_SIGN_STATE && rule.kind === 'constant') {
      raSigned = rule.value === 1;
      continue;
    }
    const v = rule.kind === 'same-value' ? regs.get(n) : recover(rule, cfa, regs, ctx.memory, word, arch.order, evalCtx);
    if (typeof v === 'object') {
      if (n === ra && v.stop.kind === 'unreadable-memory') return { stop: { kind: 'unreadable-return-address', address: v.stop.address } };
      if (n === ra || n === arch.sp) return v;
      next[n] = undefined; // an unreadable saved register is unknown in the caller; unwinding goes on
      continue;
    }
    next[n] = v;
  }
  // The return address: its column's rule, or (a leaf on a link-register machine) the register itself.
  const raRule = row.registers.get(ra);
  if (raRule?.kind === 'undefined') return { stop: { kind: 'end', detail: 'the outermost frame (its return address is undefined)' } };
  let retAddr = raRule ? next[ra] : regs.get(ra);
  if (retAddr === undefined) return { stop: { kind: 'unreadable-return-address' } };
  if (raSigned && ctx.pacMask !== undefined) retAddr &= ~ctx.pacMask;
  else if (raSigned) retAddr = stripPac(retAddr);
  next[arch.pc] = retAddr;
  if (arch.lr !== undefined && ra === arch.lr) next[arch.lr] = retAddr;
  return { registers: Registers.fromArray(arch, next), method: 'cfi', signalFrame: cie.signalFrame };
}

const calleeSavedLists = new WeakMap<Arch, readonly number[]>();

/** `arch.calleeSaved` as an array (kept per arch). */
function calleeSavedList(arch: Arch): readonly number[] {
  let l = calleeSavedLists.get(arch);
  if (!l) calleeSavedLists.set(arch, (l = [...arch.calleeSaved]));
  return l;
}

const rowRules = new WeakMap<UnwindRow, { readonly numbers: readonly number[]; readonly rules: readonly RegisterRule[] }>();

/** A row's register rules as two arrays (kept per row: the CFI keeps a row per pc, and threads share their pcs). */
function rulesOf(row: UnwindRow): { readonly numbers: readonly number[]; readonly rules: readonly RegisterRule[] } {
  let r = rowRules.get(row);
  if (!r) {
    const numbers: number[] = [];
    const rules: RegisterRule[] = [];
    row.registers.forEach((rule, n) => {
      numbers.push(n);
      rules.push(rule);
    });
    rowRules.set(row, (r = { numbers, rules }));
  }
  return r;
}

/** A caller's register value by its rule: a value, undefined (unknown), or a stop. */
function recover(
  rule: RegisterRule,
  cfa: bigint,
  regs: Registers,
  memory: Memory,
  word: number,
  order: 'little' | 'big',
  evalCtx: (cfa?: bigint) => EvaluationContext,
): bigint | undefined | { stop: { kind: 'unreadable-memory'; address: bigint } | { kind: 'expression'; error: EvaluationError } } {
  const bits = word * 8;
  switch (rule.kind) {
    case 'undefined':
      return undefined;
    case 'same-value': // handled by the caller, which knows the register
      return undefined;
    case 'offset':
      return load(BigInt.asUintN(bits, cfa + BigInt(rule.offset)), memory, word, order);
    case 'val-offset':
      return BigInt.asUintN(bits, cfa + BigInt(rule.offset));
    case 'register':
      return regs.get(rule.register);
    case 'expression':
    case 'val-expression':
      try {
        const r = evaluateExpression(rule.expression, evalCtx(cfa), [cfa]);
        const v = r.kind === 'register' ? regs.get(r.register) : r.kind === 'memory' ? r.address : r.value;
        if (v === undefined) return undefined;
        return rule.kind === 'expression' && r.kind !== 'value' ? load(v, memory, word, order) : v;
      } catch (e) {
        if (e instanceof EvaluationError) return e.failure === 'memory' ? { stop: { kind: 'unreadable-memory', address: 0n } } : { stop: { kind: 'expression', error: e } };
        throw e;
      }
    case 'constant':
      return BigInt(rule.value);
  }
}

/** The word at `address`, or the stop for unreadable memory. */
function load(address: bigint, memory: Memory, word: number, order: 'little' | 'big'): bigint | { stop: { kind: 'unreadable-memory'; address: bigint } } {
  const v = readUnsigned(memory, address, word, order);
  return v === undefined ? { stop: { kind: 'unreadable-memory', address } } : v;
}

/** Without NT_ARM_PAC_MASK: keep the 48 bits of a user-space virtual address (AArch64 Linux's default VA size). */
function stripPac(ra: bigint): bigint {
  return ra & 0x0000_ffff_ffff_ffffn;
}

function cfiError(module: UnwindModule, pc: bigint, why: string): ParseError {
  return new ParseError('invalid', `${module.name}: ${why} at pc 0x${pc.toString(16)}`, '.eh_frame', 0);
}
