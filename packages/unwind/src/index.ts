/**
 * Stack unwinding, container-independent: give it a thread's registers, a
 * {@link Memory} and a {@link ModuleResolver} (which module covers a pc, its
 * call frame information, its Go pclntab) and {@link unwind} walks the
 * stack — DWARF CFI with expressions evaluated against memory, signal
 * frames, Go frames by SP deltas, frame pointers where nothing else
 * applies, AArch64 return addresses stripped of pointer authentication —
 * and says why it stopped. It serves core files (`@elfkit/core`) and
 * stacks a profiler captured (perf, eBPF) alike.
 *
 * @example
 * ```ts
 * import { unwind, Registers, X86_64, ModuleList } from '@elfkit/unwind';
 * const regs = Registers.fromNamed(X86_64, [['rip', pc], ['rsp', sp], ['rbp', bp]]);
 * const { frames, stop } = unwind(regs, memory, new ModuleList(modules));
 * ```
 * @packageDocumentation
 */
export { type Arch, X86_64, I386, AARCH64, RISCV64, ARM, archOf } from './arch.js';
export { Registers } from './registers.js';
export { type Memory, BufferMemory, readUnsigned, decodeUnsigned } from './memory.js';
export { type UnwindModule, type ModuleResolver, ModuleList } from './module.js';
export { type Frame, type FrameMethod, type StopReason, type Backtrace, describeStop } from './frame.js';
export { unwind, walk, type UnwindOptions } from './unwinder.js';
export { cfiStep, type CfiStepContext } from './cfi-step.js';
export { goStep } from './go-step.js';
export { framePointerStep } from './frame-pointer-step.js';
export { signalStep } from './signal-step.js';
export { type StepResult, type StepOutcome } from './step.js';
