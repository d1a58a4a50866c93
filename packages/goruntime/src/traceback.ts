import { inlineFrames, type GoFrame, type GoFunc } from '@elfkit/gosym';
import { frameArgs } from './args.js';
import { entryOf, UNREADABLE_NAME } from './go-code.js';
import { printName } from './func-name.js';
import type { Target } from './target.js';
import type { FrameArrival, PhysicalFrame, Walk, WalkStop } from './unwinder.js';

/** Which stack a frame is on, relative to the goroutine or thread traced. */
export type FrameStack = 'goroutine' | 'g0' | 'gsignal' | 'unknown';

/** One frame of a traceback as the runtime prints it: a physical frame, or a call inlined into one. */
export interface TraceFrame {
  /** The function as the pclntab names it (the inlined callee, for an inlined frame); for a native frame its symbol, when known; undefined when the name cannot be read. */
  readonly function: string | undefined;
  /** As the runtime prints it (`panic` for runtime.gopanic, `[...]` for generic shapes). */
  readonly printName: string;
  readonly file?: string;
  readonly line?: number;
  /** A call the compiler inlined: it has no frame of its own (no args, offset, sp or fp printed). */
  readonly inlined: boolean;
  /** The argument words as the runtime prints them (`0x1, {0x2, 0x3?}`); undefined for inlined and native frames, and when `fp` is unknown. */
  readonly args?: string;
  /** The physical frame's pc, sp and fp (the caller's sp), as `pc=`, `sp=`, `fp=`; fp is undefined when the function's SP delta cannot be read. */
  readonly pc: bigint;
  readonly sp: bigint;
  readonly fp: bigint | undefined;
  /** The function's entry, and `pc − entry` (the `+0x…` printed when it is positive). */
  readonly entry?: bigint;
  readonly offset?: number;
  /** The pc looked up for file, line and inlining. */
  readonly symPc: bigint;
  readonly kind: 'go' | 'native';
  /** For a native frame: its module's name and the pc's offset from the module's load address. */
  readonly module?: string;
  readonly stack: FrameStack;
  readonly arrival: FrameArrival;
  /** The g whose stack holds the frame. */
  readonly g?: bigint;
}

/** A goroutine's or thread's frames, innermost first, and why the walk stopped. */
export interface Traceback {
  readonly frames: readonly TraceFrame[];
  readonly stop: WalkStop;
  /** How the stack was found: the goroutine's saved state, or its thread's registers. */
  readonly source: 'saved' | 'syscall' | 'registers';
}

/** Names a frame's stack from the g it is on. */
export type StackNamer = (g: bigint | undefined) => FrameStack;

/** A native frame's symbol, when the module's symbol table has one. */
export type NativeNamer = (f: PhysicalFrame) => { name?: string; module?: string; offset?: bigint } | undefined;

/**
 * Each function's inline expansion by pc, once: the goroutines of a pool
 * park at the same call (200 of the 384 frames of the goroutine tests'
 * core are one pc), and a frame's inline tree, file and line reads are
 * most of what expanding it costs. The frames are only read from.
 */
const logicalCache = new WeakMap<GoFunc, Map<number, GoFrame[]>>();

function logicalFrames(fn: GoFunc, pc: number): GoFrame[] {
  let byPc = logicalCache.get(fn);
  if (!byPc) logicalCache.set(fn, (byPc = new Map()));
  let frames = byPc.get(pc);
  if (!frames) byPc.set(pc, (frames = inlineFrames(fn, pc)));
  return frames;
}

/**
 * Expands a walk into the frames the runtime prints: each Go frame's
 * inlined calls at its looked-up pc (innermost first, each with its own
 * file and line), then the frame itself with its arguments, `+0x` offset,
 * sp and fp.
 */
export function expandWalk(walk: Walk, target: Target, stackOf: StackNamer, native: NativeNamer, source: Traceback['source']): Traceback {
  const out: TraceFrame[] = [];
  for (const f of walk.frames) {
    const stack = stackOf(f.g);
    if (f.kind === 'native' || !f.func) {
      const n = native(f);
      out.push({
        function: n?.name,
        printName: n?.name ?? '?',
        file: undefined,
        line: undefined,
        inlined: false,
        args: undefined,
        pc: f.pc,
        sp: f.sp,
        fp: f.fp,
        entry: undefined,
        offset: n?.offset === undefined ? undefined : Number(n.offset),
        symPc: f.symPc,
        kind: 'native',
        module: n?.module,
        stack,
        arrival: f.arrival,
        g: f.g,
      });
      continue;
    }
    const fa = f.func;
    const entry = entryOf(fa);
    let logical: GoFrame[];
    try {
      logical = logicalFrames(fa.fn, Number(f.symPc - fa.bias));
    } catch (e) {
      fa.damaged(e);
      logical = [{ pc: f.symPc - fa.bias, function: fa.name, file: undefined, line: undefined, inlined: false, func: fa.fn, startLine: undefined }];
    }
    for (const l of logical) {
      // Plain literals of one shape (no spreads): tracebacks of many goroutines make many frames.
      out.push({
        // An unreadable name prints as `?` (printName) but is no name.
        function: l.function === UNREADABLE_NAME ? undefined : l.function,
        printName: printName(l.function),
        file: l.file,
        line: l.line,
        inlined: l.inlined,
        args: l.inlined || f.argp === undefined ? undefined : frameArgs(fa, f.argp, f.symPc, target),
        pc: f.pc,
        sp: f.sp,
        fp: f.fp,
        entry: l.inlined ? undefined : entry,
        offset: l.inlined ? undefined : Number(f.pc - entry),
        symPc: f.symPc,
        kind: 'go',
        module: undefined,
        stack,
        arrival: f.arrival,
        g: f.g,
      });
    }
  }
  return { frames: out, stop: walk.stop, source };
}

/** A one-line description of why a traceback stopped, or undefined for its normal end. */
export function describeWalkStop(s: WalkStop): string | undefined {
  const hx = (v: bigint) => `0x${v.toString(16)}`;
  switch (s.kind) {
    case 'end':
      return undefined;
    case 'spwrite':
      return `${s.function} writes the stack pointer: the frames above it cannot be found`;
    case 'unreadable-sp-delta':
      return `${s.function}'s SP delta at pc ${hx(s.pc)} cannot be read: ${s.damage}; its frame's size and the frames above it are unknown`;
    case 'unknown-pc':
      return `no function at pc ${hx(s.pc)}`;
    case 'unreadable':
      return `memory at ${hx(s.address)} is not in the core`;
    case 'stuck':
      return `the frame at pc ${hx(s.pc)}, sp ${hx(s.sp)} repeats`;
    case 'depth-limit':
      return `more than ${s.limit} frames`;
  }
}
