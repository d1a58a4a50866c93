import { isParseError } from '@elfkit/binary';
import { readUnsigned, type Memory } from './memory.js';
import type { UnwindModule } from './module.js';
import { Registers } from './registers.js';
import type { StepOutcome } from './step.js';

/** funcFlag_TOPFRAME: the function is the outermost frame of a goroutine (runtime.goexit, mstart, rt0_go). */
const TOPFRAME = 1;
const TOP_NAMES = new Set(['runtime.goexit', 'runtime.mstart', 'runtime.rt0_go', 'runtime.mstart0', 'runtime.rt0_go_amd64_linux']);

/**
 * Unwinds one Go frame with the pclntab's SP deltas (Go binaries carry no
 * `.eh_frame`; the runtime's own traceback works this way): the frame's
 * size at `lookupPc` is its pcsp value. On x86 the CALL pushed the return
 * address just above the frame; on link-register machines (arm64,
 * riscv64) the prologue saved LR at the frame's bottom, and a function
 * that has not grown its frame yet still has it in LR. The frame pointer
 * Go saves below the return address on amd64 and arm64 is restored too,
 * so C frames above (cgo) can still be walked by frame pointers.
 */
export function goStep(regs: Registers, lookupPc: bigint, module: UnwindModule, memory: Memory, innermost: boolean): StepOutcome {
  const arch = regs.arch;
  let fn;
  try {
    const table = module.goTable?.();
    if (!table) return undefined;
    fn = table.funcAt(BigInt.asUintN(64, lookupPc - module.bias));
    if (!fn) return undefined;
    // runtime.sigtramp is a top frame to Go's traceback, but the kernel called it: its return address leads to the restorer and on to the interrupted code.
    if (((fn.flag & TOPFRAME) !== 0 && !fn.name.startsWith('runtime.sigtramp')) || TOP_NAMES.has(fn.name)) return { stop: { kind: 'end', detail: `the goroutine's top frame (${fn.name})` } };
    const sp = regs.sp;
    if (sp === undefined) return { stop: { kind: 'unknown-register', register: arch.sp } };
    const delta = fn.spDeltaAt(Number(BigInt.asUintN(64, lookupPc - module.bias)));
    if (delta < 0) return undefined;
    const word = BigInt(arch.addressSize);
    const next = new Map<number, bigint>();
    const lrArch = arch.lr !== undefined;
    let ret: bigint | undefined;
    let callerSp: bigint;
    if (!lrArch) {
      const at = sp + BigInt(delta);
      ret = readUnsigned(memory, at, arch.addressSize, arch.order);
      if (ret === undefined) return { stop: { kind: 'unreadable-return-address', address: at } };
      callerSp = at + word;
      // amd64 saves BP right below the return address in every frame that has one.
      if (delta >= 2 * arch.addressSize) {
        const bp = readUnsigned(memory, at - word, arch.addressSize, arch.order);
        if (bp !== undefined) next.set(arch.fp, bp);
      } else if (regs.get(arch.fp) !== undefined) next.set(arch.fp, regs.get(arch.fp)!);
    } else {
      if (delta === 0) {
        if (!innermost) return undefined; // LR was overwritten by the call this frame made
        ret = regs.get(arch.lr!);
        if (ret === undefined) return { stop: { kind: 'unreadable-return-address' } };
      } else {
        ret = readUnsigned(memory, sp, arch.addressSize, arch.order);
        if (ret === undefined) return { stop: { kind: 'unreadable-return-address', address: sp } };
      }
      callerSp = sp + BigInt(delta);
      if (delta > 0) {
        const fp = readUnsigned(memory, sp - word, arch.addressSize, arch.order);
        if (fp !== undefined) next.set(arch.fp, fp);
      }
    }
    next.set(arch.sp, callerSp);
    next.set(arch.pc, ret);
    if (arch.lr !== undefined) next.set(arch.lr, ret);
    return { registers: new Registers(arch, next), method: 'go', signalFrame: isGoTrap(fn.name) };
  } catch (e) {
    if (isParseError(e)) return { stop: { kind: 'bad-cfi', error: e } };
    throw e;
  }
}

/**
 * Go functions whose caller did not call them: the signal handler makes the
 * interrupted goroutine look as if it had called runtime.sigpanic (or
 * asyncPreempt) at the faulting pc, so that frame is looked up at its pc,
 * not pc − 1 (the runtime's own traceback does the same).
 */
export function isGoTrap(name: string): boolean {
  return name === 'runtime.sigpanic' || name === 'runtime.asyncPreempt' || name === 'runtime.sigreturn' || name === 'runtime.sigreturn__sigaction';
}

/** True when `lookupPc` is in one of the Go functions of {@link isGoTrap} (a module without a Go table never is). */
export function inGoTrap(module: UnwindModule, lookupPc: bigint): boolean {
  try {
    const fn = module.goTable?.()?.funcAt(BigInt.asUintN(64, lookupPc - module.bias));
    return !!fn && isGoTrap(fn.name);
  } catch (e) {
    if (isParseError(e)) return false;
    throw e;
  }
}
