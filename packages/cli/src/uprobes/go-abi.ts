import * as D from '@elfkit/dwarf';
import type { DwarfFunction, DwarfType } from '@elfkit/dwarf';

/** Go's ABIInternal register sequences of one architecture (src/cmd/compile/abi-internal.md). */
export interface GoRegisterAbi {
  readonly arch: 'amd64' | 'arm64';
  readonly ints: readonly string[];
  readonly floats: readonly string[];
  readonly pointerSize: number;
  /** Bytes between the stack pointer at entry and the first stack-assigned argument (amd64: the return PC; arm64: the reserved frame word). */
  readonly stackBase: number;
}

export const AMD64_ABI: GoRegisterAbi = {
  arch: 'amd64',
  ints: ['RAX', 'RBX', 'RCX', 'RDI', 'RSI', 'R8', 'R9', 'R10', 'R11'],
  floats: Array.from({ length: 15 }, (_, i) => `X${i}`),
  pointerSize: 8,
  stackBase: 8,
};

export const ARM64_ABI: GoRegisterAbi = {
  arch: 'arm64',
  ints: Array.from({ length: 16 }, (_, i) => `R${i}`),
  floats: Array.from({ length: 16 }, (_, i) => `F${i}`),
  pointerSize: 8,
  stackBase: 8,
};

/** Where one argument or result of a Go function is at the call (arguments) or the return (results). */
export interface GoArgLocation {
  readonly name: string;
  readonly type: string;
  readonly result: boolean;
  /** The registers holding its parts, in order (a string: pointer, length); empty for a zero-sized value. */
  readonly registers?: readonly string[];
  /** Stack-assigned: its offset from the stack pointer at function entry. */
  readonly stack?: number;
  readonly size: number;
}

/** A value the assignment cannot place (a type DWARF leaves incomplete). */
class Unplaceable extends Error {}

function stripped(t: DwarfType | undefined): DwarfType {
  const s = t?.strip();
  if (!s) throw new Unplaceable('void');
  return s;
}

/** Go's alignment of a type (abi-internal.md "Memory layout"), from its DWARF shape. */
function alignOf(t: DwarfType | undefined, ptr: number): number {
  const s = stripped(t);
  switch (s.kind) {
    case 'base': {
      const size = s.size ?? 1;
      if (s.encoding === D.DW_ATE_complex_float) return Math.min(size / 2, ptr);
      return Math.max(1, Math.min(size, ptr));
    }
    case 'pointer':
    case 'function':
      return ptr;
    case 'struct':
    case 'class':
    case 'union':
      return s.members.reduce((a, m) => Math.max(a, alignOf(m.type, ptr)), 1);
    case 'array':
      return alignOf(s.element, ptr);
    case 'enum':
      return Math.max(1, Math.min(s.size ?? 1, ptr));
    default:
      return Math.max(1, Math.min(s.size ?? 1, ptr));
  }
}

const align = (x: number, a: number) => Math.ceil(x / a) * a;

/**
 * Register-assigns a value of type `t` (abi-internal.md): integers,
 * booleans and pointers (maps, channels, funcs, unsafe.Pointer) take one
 * integer register, floats one float register, complex numbers two;
 * strings, interfaces, slices and structs their fields in order; arrays of
 * 0 or 1 elements their element; anything else fails (false).
 */
function registerAssign(t: DwarfType | undefined, abi: GoRegisterAbi, state: { i: number; f: number; regs: string[] }): boolean {
  const s = stripped(t);
  switch (s.kind) {
    case 'base': {
      const size = s.size ?? 0;
      if (s.encoding === D.DW_ATE_float) return take(abi.floats, state, 'f', 1);
      if (s.encoding === D.DW_ATE_complex_float) return take(abi.floats, state, 'f', 2);
      return take(abi.ints, state, 'i', size > abi.pointerSize ? 2 : 1);
    }
    case 'enum':
    case 'pointer':
    case 'function':
    case 'ptr-to-member':
      return take(abi.ints, state, 'i', 1);
    case 'struct':
    case 'class':
      for (const m of s.members) if (!registerAssign(m.type, abi, state)) return false;
      return true;
    case 'array': {
      const n = s.count;
      if (n === 0) return true;
      if (n === 1) return registerAssign(s.element, abi, state);
      return false;
    }
    default:
      return false;
  }
}

function take(seq: readonly string[], state: { i: number; f: number; regs: string[] }, which: 'i' | 'f', n: number): boolean {
  if (state[which] + n > seq.length) return false;
  for (let k = 0; k < n; k++) state.regs.push(seq[state[which]++]!);
  return true;
}

/**
 * Where a function instantiated for generic shapes takes its hidden
 * dictionary pointer, which DWARF before Go 1.27 does not list: first for a function
 * (`pkg.F[go.shape.int]`), after the receiver for a method
 * (`pkg.(*T[go.shape.string]).M`: the code reads the receiver from the
 * first register and the dictionary from the second). Closures inside
 * them and the generated `type:.eq.*` functions take none.
 */
export function dictionaryPosition(name: string): 'first' | 'after-receiver' | undefined {
  if (name.startsWith('type:') || !name.includes('[go.shape.')) return undefined;
  const rest = name.slice(name.lastIndexOf(']') + 1);
  if (rest === '') return 'first';
  if (/^\)?\.[^.]+$/.test(rest) && !/^\)?\.(func|gowrap|deferwrap)\d+$/.test(rest)) return 'after-receiver';
  return undefined;
}

/**
 * Where each parameter of a Go function is at its entry and each result at
 * its return, by Go's ABIInternal assignment over the parameter types
 * DWARF gives (results are the parameters Go marks with
 * DW_AT_variable_parameter), after the hidden dictionary of a shape
 * instantiation (`.dict`). Undefined when a parameter has no type or an
 * incomplete one.
 */
export function goArgLocations(f: DwarfFunction, abi: GoRegisterAbi): GoArgLocation[] | undefined {
  const ptr = abi.pointerSize;
  const out: GoArgLocation[] = [];
  let stack = 0;
  try {
    const assign = (params: readonly (typeof f.params)[number][], result: boolean) => {
      const state = { i: 0, f: 0, regs: [] as string[] };
      // Newer compilers list the dictionary in DWARF themselves (`.dict`).
      const dict = result || params.some((p) => p.name === '.dict') ? undefined : dictionaryPosition(f.name);
      const dictionary = () => {
        state.regs = [];
        take(abi.ints, state, 'i', 1);
        out.push({ name: '.dict', type: 'uintptr', result: false, registers: state.regs, size: ptr });
      };
      if (dict === 'first') dictionary();
      for (const [k, p] of params.entries()) {
        if (k === 1 && dict === 'after-receiver') dictionary();
        const t = p.type;
        if (!t) throw new Unplaceable('untyped');
        const size = t.size;
        if (size === undefined) throw new Unplaceable('unsized');
        const name = p.name ?? '_';
        const typeName = D.typeName(t);
        const before = { i: state.i, f: state.f };
        state.regs = [];
        if (size > 0 && registerAssign(t, abi, state)) {
          out.push({ name, type: typeName, result, registers: state.regs, size });
          continue;
        }
        state.i = before.i;
        state.f = before.f;
        stack = align(stack, alignOf(t, ptr));
        out.push({ name, type: typeName, result, stack: abi.stackBase + stack, size });
        stack += size;
      }
      if (dict === 'after-receiver' && params.length <= 1) dictionary();
      stack = align(stack, ptr);
    };
    assign(
      f.params.filter((p) => !p.variableParameter),
      false,
    );
    assign(
      f.params.filter((p) => p.variableParameter),
      true,
    );
  } catch (e) {
    if (e instanceof Unplaceable) return undefined;
    throw e;
  }
  return out;
}
