import { cfiStep, framePointerStep, Registers, signalStep, type Memory, type ModuleResolver, type StepOutcome, type UnwindModule } from '@elfkit/unwind';
import { entryOf, FUNC_FLAG_SPWRITE, FUNC_FLAG_TOPFRAME, isInjectedCall, isSignalTrampoline, readSpDelta, spDelta, type FuncAt, type GoCode } from './go-code.js';
import type { GRecord } from './g-record.js';
import type { GoMachine } from './machine.js';
import type { MRecord } from './m-record.js';
import type { Target } from './target.js';

/** How the walk reached a frame from the one below it. */
export type FrameArrival =
  /** The first frame. */
  | 'start'
  /** A return address. */
  | 'return'
  /** The stack switched from the system stack (g0) to the goroutine (systemstack, morestack, mcall). */
  | 'stack-switch'
  /** The frame was interrupted by a signal (read from the signal frame the kernel saved). */
  | 'signal';

/** One physical frame: a Go function's frame as the runtime's unwinder sees it, or a native (C, vDSO) frame. */
export interface PhysicalFrame {
  readonly kind: 'go' | 'native';
  /** Where the frame stopped: a return address, or the interrupted pc. */
  readonly pc: bigint;
  readonly sp: bigint;
  /** The caller's stack pointer (`frame.fp`); 0 for a native frame; undefined when the function's SP delta cannot be read (the walk's last frame). */
  readonly fp: bigint | undefined;
  /** The pc looked up for function, file and line (the runtime's `symPC`: pc − 1 after a call, pc after a trap). */
  readonly symPc: bigint;
  /** The Go function, for a Go frame. */
  readonly func?: FuncAt;
  readonly module?: UnwindModule;
  /** Where the frame's arguments start (`frame.argp`, Go frames); undefined with `fp`. */
  readonly argp: bigint | undefined;
  /** The g whose stack holds the frame, when known (a goroutine, or an M's g0 or gsignal). */
  readonly g?: bigint;
  readonly arrival: FrameArrival;
}

/** Why a walk ended. */
export type WalkStop =
  /** The outermost frame (runtime.goexit, mstart, rt0_go: funcFlag TOPFRAME). */
  | { readonly kind: 'end'; readonly function: string }
  /** A function that writes SP (runtime.gogo, mcall…) above the innermost frame: the runtime's traceback stops there too. */
  | { readonly kind: 'spwrite'; readonly function: string }
  /** The function's SP delta at the pc cannot be read (its pcsp table is damaged): its frame's size, hence its caller, is unknown. `damage` is the ParseError's message. */
  | { readonly kind: 'unreadable-sp-delta'; readonly function: string; readonly pc: bigint; readonly damage: string }
  /** No Go function, and no native unwind information, at the pc. */
  | { readonly kind: 'unknown-pc'; readonly pc: bigint }
  /** A return address or saved register could not be read. */
  | { readonly kind: 'unreadable'; readonly address: bigint }
  /** The same frame came back. */
  | { readonly kind: 'stuck'; readonly pc: bigint; readonly sp: bigint }
  | { readonly kind: 'depth-limit'; readonly limit: number };

/** The frames of a walk and why it stopped. */
export interface Walk {
  readonly frames: PhysicalFrame[];
  readonly stop: WalkStop;
}

/** The runtime structures a stack walk consults to switch stacks. */
export interface RuntimeState {
  /** The g at `address`, read with the binary's layout (undefined when unreadable). */
  g(address: bigint): GRecord | undefined;
  /** The m at `address`, read with the binary's layout (undefined when unreadable). */
  m(address: bigint): MRecord | undefined;
}

/** Where a walk starts. */
export type WalkStart =
  /** A goroutine that is not running: its saved state (`syscallsp/pc` in a system call, else `sched`), as the runtime's traceback starts. */
  | { readonly kind: 'goroutine'; readonly g: GRecord; readonly pc?: bigint; readonly sp?: bigint }
  /** A thread's registers (running code, or a crash): stacks are switched g0 → goroutine and signal frames followed. */
  | { readonly kind: 'registers'; readonly registers: Registers; readonly m?: MRecord; readonly pacMask?: bigint };

/** What the walker reads. */
export interface WalkContext {
  readonly machine: GoMachine;
  readonly target: Target;
  readonly code: GoCode;
  readonly modules: ModuleResolver;
  readonly runtime: RuntimeState;
  readonly maxFrames?: number;
}

interface State {
  pc: bigint;
  sp: bigint;
  fp: bigint;
  lr: bigint;
  fn: FuncAt | undefined;
  g: bigint | undefined;
  trap: boolean;
  innermost: boolean;
  isSyscall: boolean;
  arrival: FrameArrival;
  /** Registers, when the walk knows more than pc and sp (a thread's, a signal frame's): native steps need them. */
  regs?: Registers;
}

/**
 * Walks a Go stack the way the runtime's own unwinder (`runtime/traceback.go`)
 * does, so that pc, sp, fp and the looked-up pc of every frame are the
 * ones `GOTRACEBACK=crash` prints: the frame size from the pclntab's SP
 * deltas at the frame's pc, the return address at `fp − ptrsize` (x86) or
 * at `sp` (LR machines), injected calls (sigpanic, asyncPreempt) making
 * their caller a trapped frame, stop at the TOPFRAME functions and at
 * SP-writing functions above the innermost frame. From a thread's
 * registers it also follows what the runtime follows only while
 * profiling: from g0 to the goroutine at runtime.systemstack (same
 * return), runtime.morestack and runtime.mcall (the goroutine's saved
 * state), and — beyond the runtime — through signal frames (the kernel's
 * saved context above runtime.sigtramp) and native code (CFI, frame
 * pointers) back into Go.
 */
export function walkStack(start: WalkStart, ctx: WalkContext): Walk {
  return new Walker(ctx).run(start);
}

class Walker {
  private readonly frames: PhysicalFrame[] = [];
  private readonly word: bigint;
  private readonly maxFrames: number;
  private jumpStack = false;
  private m?: MRecord;
  private pacMask?: bigint;
  /** The (pc, sp) pairs walked, as `pc << 64 | sp`: a pair met again means the walk is stuck. */
  private readonly seen = new Set<bigint>();

  constructor(private readonly ctx: WalkContext) {
    this.word = BigInt(ctx.machine.ptrSize);
    this.maxFrames = ctx.maxFrames ?? 100_000;
  }

  run(start: WalkStart): Walk {
    const st = this.initial(start);
    if ('kind' in st) return { frames: this.frames, stop: st };
    return { frames: this.frames, stop: this.loop(st) };
  }

  private readPtr(address: bigint): bigint | undefined {
    return this.ctx.target.readPtr(address);
  }

  private initial(start: WalkStart): State | WalkStop {
    const usesLR = this.ctx.machine.usesLR;
    if (start.kind === 'goroutine') {
      const g = start.g;
      let pc: bigint;
      let sp: bigint;
      let lr = 0n;
      if (start.pc !== undefined && start.sp !== undefined) {
        pc = start.pc;
        sp = start.sp;
      } else if (g.syscallSp !== 0n) {
        pc = g.syscallPc;
        sp = g.syscallSp;
      } else {
        pc = g.sched.pc;
        sp = g.sched.sp;
        if (usesLR) lr = g.sched.lr;
      }
      const isSyscall = pc === g.syscallPc && sp === g.syscallSp;
      // A zero pc is most likely a call through a nil function value: start in the caller.
      if (pc === 0n) {
        const ret = this.readPtr(sp);
        if (ret === undefined) return { kind: 'unreadable', address: sp };
        pc = ret;
        if (usesLR) lr = 0n;
        else sp += this.word;
      }
      return { pc, sp, fp: 0n, lr, fn: undefined, g: g.address, trap: false, innermost: true, isSyscall, arrival: 'start' };
    }
    this.jumpStack = true;
    this.m = start.m;
    this.pacMask = start.pacMask;
    return this.fromRegisters(start.registers, 'start');
  }

  private fromRegisters(regs: Registers, arrival: FrameArrival): State | WalkStop {
    const arch = regs.arch;
    const pc = regs.pc;
    const sp = regs.sp;
    if (pc === undefined) return { kind: 'unknown-pc', pc: 0n };
    if (sp === undefined) return { kind: 'unreadable', address: 0n };
    const lr = arch.lr !== undefined ? (regs.get(arch.lr) ?? 0n) : 0n;
    return { pc, sp, fp: 0n, lr: this.ctx.machine.usesLR ? lr : 0n, fn: undefined, g: this.gOfSp(sp), trap: true, innermost: true, isSyscall: false, arrival, regs };
  }

  /** The g of the walk's M whose stack holds `sp`: its g0, its signal stack, or its goroutine. */
  private gOfSp(sp: bigint): bigint | undefined {
    const m = this.m;
    if (!m) return undefined;
    for (const a of [m.curg, m.g0, m.gsignal]) {
      if (a === 0n) continue;
      const g = this.ctx.runtime.g(a);
      if (g && sp >= g.stackLo && sp < g.stackHi) return a;
    }
    return undefined;
  }

  private loop(st: State): WalkStop {
    const ctx = this.ctx;
    for (;;) {
      if (this.frames.length >= this.maxFrames) return { kind: 'depth-limit', limit: this.maxFrames };
      const key = pairKey(st.pc, st.sp);
      if (this.seen.has(key)) return { kind: 'stuck', pc: st.pc, sp: st.sp };
      this.seen.add(key);
      st.fn = ctx.code.funcAt(st.pc);
      if (!st.fn) {
        const next = this.native(st);
        if ('kind' in next) return next;
        st = next;
        continue;
      }
      const stop = this.resolve(st);
      if (stop) {
        // The frame itself was found (pc, sp, function); only its size and what lies above it are unknown.
        if (stop.kind === 'unreadable-sp-delta') this.push(st, 'go', false);
        return stop;
      }
      const fn = st.fn!;
      const name = fn.name;
      this.push(st, 'go');
      // The kernel called runtime.sigtramp: above it lies the signal frame with the interrupted registers.
      if (this.jumpStack && isSignalTrampoline(name)) {
        const next = this.signalContext(st);
        if ('kind' in next) return next;
        st = next;
        continue;
      }
      if (st.lr === 0n) {
        if ((fn.fn.flag & FUNC_FLAG_TOPFRAME) !== 0) return { kind: 'end', function: name };
        // A cgo call ran C code on g0: the goroutine that made it continues from where it entered the call.
        if (name === 'runtime.asmcgocall' && this.jumpStack) {
          const resumed = this.resumeGoroutine(st);
          if (resumed) {
            st = resumed;
            continue;
          }
        }
        // An M's g0 stack starts afresh at each mcall (the scheduler runs from there): its outermost frame.
        if (this.m && st.g === this.m.g0 && (name === 'runtime.mcall' || name === 'runtime.morestack')) return { kind: 'end', function: name };
        return { kind: 'spwrite', function: name };
      }
      const caller = ctx.code.funcAt(st.lr);
      if (!caller) {
        // A Go frame returning into native code (a cgo callback's C caller).
        if (!this.jumpStack) return { kind: 'unknown-pc', pc: st.lr };
        const bp = this.ctx.machine.usesLR ? undefined : this.readPtr(st.fp - 2n * this.word);
        const arch = ctx.machine.arch;
        const regs = new Registers(arch, [[arch.pc, st.lr], [arch.sp, st.fp], ...(bp !== undefined ? [[arch.fp, bp] as [number, bigint]] : [])]);
        st = { pc: st.lr, sp: st.fp, fp: 0n, lr: 0n, fn: undefined, g: st.g, trap: false, innermost: false, isSyscall: false, arrival: 'return', regs };
        continue;
      }
      if (st.pc === st.lr && st.sp === st.fp) return { kind: 'stuck', pc: st.pc, sp: st.sp };
      const injected = isInjectedCall(name);
      let pc = st.lr;
      let sp = st.fp;
      let lr = 0n;
      if (ctx.machine.usesLR && injected) {
        // On LR machines the signal handler saved LR on the stack before faking the call.
        const x = this.readPtr(sp);
        if (x === undefined) return { kind: 'unreadable', address: sp };
        sp += alignUp(BigInt(ctx.machine.minFrameSize), BigInt(ctx.machine.stackAlign));
        const f = ctx.code.funcAt(pc);
        if (!f) pc = x;
        else if (spDelta(f, pc) === 0) lr = x;
      }
      st = { pc, sp, fp: 0n, lr, fn: undefined, g: st.g, trap: injected, innermost: false, isSyscall: false, arrival: 'return' };
    }
  }

  /**
   * The runtime's `resolveInternal`: the frame's fp (after any system-stack
   * jump) and its return address. Returns a stop when memory fails.
   */
  private resolve(st: State): WalkStop | undefined {
    const ctx = this.ctx;
    const usesLR = ctx.machine.usesLR;
    let f = st.fn!;
    let flag = f.fn.flag;
    const name = f.name;
    if (f.fn.pcsp === 0) {
      // No frame information (external code linked in): nothing above can be found.
      st.fp = st.sp;
      st.lr = 0n;
      return undefined;
    }
    if (name === 'runtime.cgocallback' || st.isSyscall) flag &= ~FUNC_FLAG_SPWRITE;
    if (st.fp === 0n) {
      const jump = this.jumpStack ? this.systemStackJump(st) : undefined;
      if (jump === 'morestack' || jump === 'mcall') {
        // morestack and mcall do not return: continue in the goroutine, from its saved state.
        const curg = ctx.runtime.g(this.m!.curg)!;
        st.g = curg.address;
        st.pc = curg.sched.pc;
        st.sp = curg.sched.sp;
        st.lr = usesLR ? curg.sched.lr : 0n;
        st.trap = false;
        st.arrival = 'stack-switch';
        const nf = ctx.code.funcAt(st.pc);
        if (!nf) return { kind: 'unknown-pc', pc: st.pc };
        st.fn = f = nf;
        flag = f.fn.flag;
      } else if (jump === 'systemstack') {
        const curg = ctx.runtime.g(this.m!.curg)!;
        st.g = curg.address;
        st.sp = curg.sched.sp;
        st.arrival = 'stack-switch';
        flag &= ~FUNC_FLAG_SPWRITE;
      } else if (jump === 'systemstack-prologue') flag &= ~FUNC_FLAG_SPWRITE;
      const delta = readSpDelta(f, st.pc);
      if (typeof delta !== 'number') return { kind: 'unreadable-sp-delta', function: f.name, pc: st.pc, damage: delta.message };
      st.fp = st.sp + BigInt(Math.max(0, delta));
      if (!usesLR) st.fp += this.word;
    }
    if ((flag & FUNC_FLAG_TOPFRAME) !== 0) st.lr = 0n;
    else if ((flag & FUNC_FLAG_SPWRITE) !== 0 && !st.innermost) st.lr = 0n;
    else if (usesLR) {
      if ((st.innermost && st.sp < st.fp) || st.lr === 0n) {
        const v = this.readPtr(st.sp);
        if (v === undefined) return { kind: 'unreadable', address: st.sp };
        st.lr = v;
      }
    } else if (st.lr === 0n) {
      const at = st.fp - this.word;
      const v = this.readPtr(at);
      if (v === undefined) return { kind: 'unreadable', address: at };
      st.lr = v;
    }
    if (ctx.machine.arch.machine === 183 && this.pacMask !== undefined) st.lr &= ~this.pacMask;
    return undefined;
  }

  /** Which system-stack switch the frame at `st` makes, when the walk is on its M's g0 with a goroutine to go back to. */
  private systemStackJump(st: State): 'morestack' | 'mcall' | 'systemstack' | 'systemstack-prologue' | undefined {
    const m = this.m;
    if (!m || st.g === undefined || st.g !== m.g0 || m.curg === 0n) return undefined;
    const curg = this.ctx.runtime.g(m.curg);
    if (!curg || curg.m !== m.address) return undefined;
    switch (st.fn!.name) {
      case 'runtime.morestack':
        return 'morestack';
      case 'runtime.mcall':
        return 'mcall';
      case 'runtime.systemstack':
        // On LR machines a zero delta means the prologue or epilogue: no switch has happened.
        if (this.ctx.machine.usesLR && spDelta(st.fn!, st.pc) === 0) return 'systemstack-prologue';
        return 'systemstack';
      default:
        return undefined;
    }
  }

  /** The M's goroutine from its saved state (syscallsp/pc in a cgo call or system call, else sched), when the walk is on that M's g0. */
  private resumeGoroutine(st: State): State | undefined {
    const m = this.m;
    if (!m || st.g !== m.g0 || m.curg === 0n) return undefined;
    const g = this.ctx.runtime.g(m.curg);
    if (!g || g.m !== m.address) return undefined;
    const sys = g.syscallSp !== 0n;
    const pc = sys ? g.syscallPc : g.sched.pc;
    const sp = sys ? g.syscallSp : g.sched.sp;
    if (pc === 0n || this.seen.has(pairKey(pc, sp))) return undefined;
    const lr = this.ctx.machine.usesLR && !sys ? g.sched.lr : 0n;
    return { pc, sp, fp: 0n, lr, fn: undefined, g: g.address, trap: false, innermost: true, isSyscall: sys, arrival: 'stack-switch' };
  }

  /** Records the frame at `st`; `fpKnown` false when its SP delta could not be read (fp and argp unknown). */
  private push(st: State, kind: 'go' | 'native', fpKnown = true): void {
    const f = st.fn;
    const entry = f ? entryOf(f) : 0n;
    const symPc = kind === 'go' && !st.trap && st.pc > entry ? st.pc - 1n : st.pc;
    this.frames.push({
      kind,
      pc: st.pc,
      sp: st.sp,
      fp: fpKnown ? st.fp : undefined,
      symPc,
      func: f,
      module: f?.module ?? this.ctx.modules.moduleAt(st.pc),
      argp: fpKnown ? st.fp + BigInt(this.ctx.machine.minFrameSize) : undefined,
      g: st.g,
      arrival: st.arrival,
    });
  }

  /** Above runtime.sigtramp: the registers the kernel saved when the signal interrupted the thread. */
  private signalContext(st: State): State | WalkStop {
    const arch = this.ctx.machine.arch;
    // x86: the return address (the restorer) is just below fp and the ucontext at fp; LR machines: the rt_sigframe starts at fp, LR holds the restorer.
    // (LR machines: sigtramp's prologue saved LR, the restorer, at its frame's bottom; a TOPFRAME keeps no lr.)
    const restorer = this.ctx.machine.usesLR ? (st.sp < st.fp ? this.readPtr(st.sp) : st.regs?.get(this.ctx.machine.arch.lr!)) : this.readPtr(st.fp - this.word);
    if (restorer === undefined || restorer === 0n) return { kind: 'end', function: st.fn!.name };
    const o = signalStep(new Registers(arch, [[arch.pc, restorer], [arch.sp, st.fp]]), restorer, this.ctx.target.memory);
    if (!o) return { kind: 'end', function: st.fn!.name };
    if ('stop' in o) return { kind: 'unreadable', address: o.stop.kind === 'unreadable-memory' ? o.stop.address : st.fp };
    return this.fromRegisters(o.registers, 'signal');
  }

  /** A frame outside Go code (vDSO, libc in a cgo program): pushed, then unwound by CFI, a signal frame or frame pointers. */
  private native(st: State): State | WalkStop {
    const ctx = this.ctx;
    if (!this.jumpStack || !st.regs) return { kind: 'unknown-pc', pc: st.pc };
    const regs = st.regs;
    const lookupPc = st.trap ? st.pc : st.pc - 1n;
    const module = ctx.modules.moduleAt(lookupPc);
    if (!module) return { kind: 'unknown-pc', pc: st.pc };
    st.fp = 0n;
    this.push({ ...st, fn: undefined }, 'native');
    const memory: Memory = ctx.target.memory;
    let o: StepOutcome = cfiStep(regs, lookupPc, module, { memory, pacMask: this.pacMask });
    if (o === undefined) o = signalStep(regs, st.pc, memory);
    if (o === undefined) o = framePointerStep(regs, memory);
    if (o === undefined) return { kind: 'unknown-pc', pc: st.pc };
    if ('stop' in o) {
      const s = o.stop;
      if (s.kind === 'end') return { kind: 'end', function: module.name };
      if (s.kind === 'unreadable-memory' || s.kind === 'unreadable-return-address') return { kind: 'unreadable', address: s.address ?? st.sp };
      return { kind: 'unknown-pc', pc: st.pc };
    }
    if (o.signalFrame) return this.fromRegisters(o.registers, 'signal');
    const next = o.registers;
    const pc = next.pc;
    const sp = next.sp;
    if (pc === undefined || pc === 0n) return { kind: 'end', function: module.name };
    if (sp === undefined) return { kind: 'unreadable', address: st.sp };
    const lr = ctx.machine.usesLR ? 0n : 0n;
    return { pc, sp, fp: 0n, lr, fn: undefined, g: this.gOfSp(sp) ?? st.g, trap: false, innermost: false, isSyscall: false, arrival: 'return', regs: next };
  }
}

/** One bigint for a pc and an sp (both below 2^64): cheaper to make and hash than a string of their digits. */
function pairKey(pc: bigint, sp: bigint): bigint {
  return (pc << 64n) | sp;
}

function alignUp(v: bigint, a: bigint): bigint {
  return (v + a - 1n) & ~(a - 1n);
}
