import { isParseError, type ParseError } from '@elfkit/binary';
import type { GoFunc, PcLnTable } from '@elfkit/gosym';
import type { ModuleResolver, UnwindModule } from '@elfkit/unwind';

/** A Go function at a runtime address: the function, and the load bias of its module. */
export interface FuncAt {
  readonly fn: GoFunc;
  /** Its name; `?` (UNREADABLE_NAME) when the name cannot be read (the damage is recorded). */
  readonly name: string;
  /** Runtime address = link-time address + bias. */
  readonly bias: bigint;
  readonly module: UnwindModule;
  /** Records a ParseError met reading the function's tables (see {@link GoCode.damage}); rethrows anything else. */
  readonly damaged: (e: unknown) => void;
}

/** The name a FuncAt has when its name cannot be read: what the runtime's traceback prints for an unknown function (no Go symbol is named so). */
export const UNREADABLE_NAME = '?';

/** A damaged part of a module's pclntab that a walk stepped over. */
export interface CodeDamage {
  readonly module: UnwindModule;
  readonly error: ParseError;
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
  private readonly recorders = new Map<UnwindModule, (e: unknown) => void>();
  private readonly seen = new Set<string>();
  /**
   * The damaged parts of the pclntabs that walks stepped over (a function
   * record or name, a pcsp, pcfile, pcln or pcdata table, an inline tree),
   * once each, in the order met: what they cost (a frame without a name or
   * line, a stack cut short) is in the tracebacks; this says why.
   */
  readonly damage: CodeDamage[] = [];

  /**
   * {@link funcAt}'s answers by pc (null: no Go function): the walks ask
   * each frame's pc and return address, and the goroutines of a pool are
   * parked at the same calls (a lookup is a module search, a binary search
   * of the function table and a name read).
   */
  private readonly byPc = new Map<bigint, FuncAt | null>();

  constructor(private readonly modules: ModuleResolver) {}

  /** The Go function holding `pc` (from its module's pclntab), or undefined outside Go code. */
  funcAt(pc: bigint): FuncAt | undefined {
    let f = this.byPc.get(pc);
    if (f === undefined) this.byPc.set(pc, (f = this.lookup(pc) ?? null));
    return f ?? undefined;
  }

  private lookup(pc: bigint): FuncAt | undefined {
    const module = this.modules.moduleAt(pc);
    if (!module) return undefined;
    const table = this.table(module);
    if (!table) return undefined;
    const damaged = this.recorder(module);
    let fn: GoFunc | undefined;
    try {
      fn = table.funcAt(BigInt.asUintN(64, pc - module.bias));
    } catch (e) {
      damaged(e);
      return undefined;
    }
    if (!fn) return undefined;
    let name = UNREADABLE_NAME;
    try {
      name = fn.name;
    } catch (e) {
      damaged(e);
    }
    return { fn, name, bias: module.bias, module, damaged };
  }

  /** The function recording `module`'s damage (one per module, so a FuncAt costs no closure). */
  private recorder(module: UnwindModule): (e: unknown) => void {
    let r = this.recorders.get(module);
    if (!r) {
      r = (e) => {
        if (!isParseError(e)) throw e;
        const key = `${module.name}\0${e.section}\0${e.offset}\0${e.reason}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        this.damage.push({ module, error: e });
      };
      this.recorders.set(module, r);
    }
    return r;
  }

  private table(module: UnwindModule): PcLnTable | undefined {
    let t = this.tables.get(module);
    if (t === undefined) {
      try {
        t = module.goTable?.() ?? null;
      } catch (e) {
        this.recorder(module)(e);
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

/** The pcsp value (SP delta) of `f` at runtime address `pc`; -1 when the table does not cover it or cannot be read. */
export function spDelta(f: FuncAt, pc: bigint): number {
  const d = readSpDelta(f, pc);
  return typeof d === 'number' ? d : -1;
}

/**
 * The pcsp value (SP delta) of `f` at runtime address `pc` (-1 when the
 * table does not cover it), or the ParseError that stopped reading a
 * damaged table (recorded with {@link FuncAt.damaged}).
 */
export function readSpDelta(f: FuncAt, pc: bigint): number | ParseError {
  try {
    return f.fn.spDeltaAt(Number(pc - f.bias));
  } catch (e) {
    f.damaged(e);
    return e as ParseError;
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
