import { cfiStep } from './cfi-step.js';
import type { Backtrace, Frame, FrameMethod, StopReason } from './frame.js';
import { framePointerStep } from './frame-pointer-step.js';
import { goStep, inGoTrap } from './go-step.js';
import type { Memory } from './memory.js';
import type { ModuleResolver } from './module.js';
import type { Registers } from './registers.js';
import { signalStep } from './signal-step.js';
import { isStop, type StepOutcome } from './step.js';

/** Options of {@link unwind}. */
export interface UnwindOptions {
  /** At most this many frames (default 1024). */
  readonly maxFrames?: number;
  /** AArch64: NT_ARM_PAC_MASK's instruction mask, to strip pointer authentication codes from return addresses. */
  readonly pacMask?: bigint;
  /** Try frame pointers where no CFI or Go table covers the pc (default true). */
  readonly framePointers?: boolean;
}

/**
 * Walks a stack from a thread's registers (gimli/libunwind style): for
 * each frame, the module's CFI (`.eh_frame`, else `.debug_frame`) at the
 * frame's lookup pc, else a signal trampoline recognized by its code, else
 * the Go pclntab's SP deltas, else the frame-pointer chain. Caller frames
 * are looked up at `pc − 1` except after a signal frame. It stops, and
 * says why, at the outermost frame, an unreadable return address, a stack
 * pointer that does not grow, a repeated frame or the depth limit; the
 * frames found so far are always returned.
 */
export function unwind(initial: Registers, memory: Memory, modules: ModuleResolver, options: UnwindOptions = {}): Backtrace {
  const frames: Frame[] = [];
  const it = walk(initial, memory, modules, options);
  for (;;) {
    const r = it.next();
    if (r.done) return { frames, stop: r.value };
    frames.push(r.value);
  }
}

/** The frames of {@link unwind} one at a time; the generator's return value is the stop reason. */
export function* walk(initial: Registers, memory: Memory, modules: ModuleResolver, options: UnwindOptions = {}): Generator<Frame, StopReason, undefined> {
  const max = options.maxFrames ?? 1024;
  const useFp = options.framePointers ?? true;
  const arch = initial.arch;
  let regs = initial;
  let adjusted = false;
  let method: FrameMethod = 'initial';
  const seen = new FramesSeen();
  seen.add(initial.pc, initial.sp);
  for (let index = 0; ; index++) {
    const pc = regs.pc;
    if (pc === undefined) return { kind: 'unknown-register', register: arch.pc };
    if (pc === 0n) return { kind: 'end', detail: 'the return address is 0' };
    const lookupPc: bigint = adjusted ? pc - 1n : pc;
    const module = modules.moduleAt(lookupPc);
    const sp = regs.sp;
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = { index, pc, lookupPc, adjusted, sp, registers: regs, module, method, signalFrame: false };
    if (index >= max) {
      yield frame;
      return { kind: 'depth-limit', limit: max };
    }
    // A return address outside every module is corrupt (or JIT code no module describes): do not guess on.
    if (!module && index > 0) {
      yield frame;
      return { kind: 'no-module', pc };
    }
    let o: StepOutcome;
    if (module) o = cfiStep(regs, lookupPc, module, { memory, pacMask: options.pacMask });
    if (o === undefined) o = signalStep(regs, pc, memory);
    if (o === undefined && module) o = goStep(regs, lookupPc, module, memory, index === 0 || !adjusted);
    if (o === undefined && useFp) o = framePointerStep(regs, memory);
    if (o === undefined) {
      yield frame;
      return module ? { kind: 'no-unwind-info', pc: lookupPc, module: module.name } : { kind: 'no-module', pc };
    }
    if (isStop(o)) {
      yield frame;
      return o.stop;
    }
    // A Go frame the signal handler injected (runtime.sigpanic) makes its caller an interrupted frame too.
    const interrupted: boolean = o.signalFrame || (o.method === 'cfi' && !!module && inGoTrap(module, lookupPc));
    frame.signalFrame = interrupted;
    yield frame;
    const next = o.registers;
    const nsp = next.sp;
    const npc = next.pc;
    if (sp !== undefined && nsp !== undefined && !interrupted && (nsp < sp || (nsp === sp && npc === pc))) {
      return { kind: 'cfa-not-growing', sp, callerSp: nsp };
    }
    if (!seen.add(npc, nsp)) return { kind: 'loop', pc: npc ?? 0n, sp: nsp ?? 0n };
    adjusted = !interrupted;
    regs = next;
    method = o.method;
  }
}

/**
 * The (pc, sp) pairs of a walk's frames, to stop at one seen before. By
 * stack pointer, the first pc with it in a map: a pair as a string (two
 * BigInts in decimal) cost more than the rest of a frame's bookkeeping.
 */
class FramesSeen {
  /** The first pc seen with each sp. */
  private readonly first = new Map<bigint | undefined, bigint | undefined>();
  /** The pairs after the first with their sp (a frame that left the stack pointer alone), as `pc/sp`. */
  private more?: Set<string>;

  /** Adds (pc, sp): false when it was there already. */
  add(pc: bigint | undefined, sp: bigint | undefined): boolean {
    const first = this.first;
    if (!first.has(sp)) {
      first.set(sp, pc);
      return true;
    }
    if (first.get(sp) === pc) return false;
    const key = `${pc}/${sp}`;
    const more = (this.more ??= new Set());
    if (more.has(key)) return false;
    more.add(key);
    return true;
  }
}
