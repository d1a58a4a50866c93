import { isParseError } from '@elfkit/binary';
import type { GoFunc, PcLnTable } from '@elfkit/gosym';
import type { ModuleResolver, UnwindModule } from '@elfkit/unwind';

/** A Go function at a runtime address: the function, and the load bias of its module. */
export interface FuncAt {
  readonly fn: GoFunc;
  /** Runtime address = link-time address + bias. */
  readonly bias: bigint;
  readonly module: UnwindModule;
}

/** funcFlag bits of `_func.flag` (Go 1.17+): the outermost frame of a stack, and functions that write SP. */
export const FUNC_FLAG_TOPFRAME = 1;
export const FUNC_FLAG_SPWRITE = 2;

/**
 * The Go code of a process: finds the function at a runtime address in
 * whichever module's pclntab covers it (the executable, or a Go shared
 * library), and answers the table questions the stack walk asks with
 * runtime addresses.
 */
export class GoCode {
  private readonly tables = new Map<UnwindModule, PcLnTable | null>();

  constructor(private readonly modules: ModuleResolver) {}

  /** The Go function holding `pc` (from its module's pclntab), or undefined outside Go code. */
  funcAt(pc: bigint): FuncAt | undefined {
    const module = this.modules.moduleAt(pc);
    if (!module) return undefined;
    const table = this.table(module);
    if (!table) return undefined;
    try {
      const fn = table.funcAt(BigInt.asUintN(64, pc - module.bias));
      return fn ? { fn, bias: module.bias, module } : undefined;
    } catch (e) {
      if (isParseError(e)) return undefined;
      throw e;
    }
  }

  private table(module: UnwindModule): PcLnTable | undefined {
    let t = this.tables.get(module);
    if (t === undefined) {
      try {
        t = module.goTable?.() ?? null;
      } catch (e) {
        if (!isParseError(e)) throw e;
        t = null;
      }
      this.tables.set(module, t);
    }
    return t ?? undefined;
  }
}

/** The runtime address of `f`'s entry. */
export function entryOf(f: FuncAt): bigint {
  return f.fn.entry + f.bias;
}

/** The pcsp value (SP delta) of `f` at runtime address `pc`; -1 when the table does not cover it. */
export function spDelta(f: FuncAt, pc: bigint): number {
  try {
    return f.fn.spDeltaAt(Number(pc - f.bias));
  } catch (e) {
    if (isParseError(e)) return -1;
    throw e;
  }
}

/**
 * Functions whose calls the runtime injects (the signal handler makes the
 * interrupted code look as if it called them): the frame they return to
 * stopped at its pc, it did not call from pc − 1.
 */
export function isInjectedCall(name: string): boolean {
  return name === 'runtime.sigpanic' || name === 'runtime.asyncPreempt' || name === 'runtime.debugCallV2';
}

/** The signal trampolines the kernel calls (Go's, and cgo's wrapper of it). */
export function isSignalTrampoline(name: string): boolean {
  return name === 'runtime.sigtramp' || name === 'runtime.cgoSigtramp' || name === 'runtime.sigtrampgo_trampoline';
}
