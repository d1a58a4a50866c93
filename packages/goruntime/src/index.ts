/**
 * The Go runtime's state in a process image, read with the binary's own
 * layouts: {@link GoProcess.open} over a `CoreProcess` lists the
 * goroutines of `runtime.allgs` (status and wait reason from the
 * binary's own tables, wait time, locked thread, creator), the Ms and
 * their threads, and unwinds every goroutine as the runtime's traceback
 * does — pclntab SP deltas, inlined calls expanded, system-stack and
 * signal frames followed for running goroutines — to frames with
 * function, file:line, arguments, `+0x` offset, sp and fp.
 *
 * @example
 * ```ts
 * import { CoreProcess } from '@elfkit/core';
 * import { GoProcess, formatGoroutine } from '@elfkit/goruntime';
 * const go = GoProcess.open(CoreProcess.open(coreBytes, { host }));
 * for (const g of go.goroutines().goroutines) process.stdout.write(formatGoroutine(g, go.traceback(g)) + '\n');
 * ```
 * @packageDocumentation
 */
export { GoProcess, type GoProcessOptions, type Goroutine, type GoroutineList, type GoThread } from './go-runtime.js';
export { GoRuntimeError, isGoRuntimeError, type GoRuntimeErrorCode } from './errors.js';
export { type LayoutCacheStore } from './layout-cache.js';
export { RuntimeLayout, scalar, type Field, type GLayout, type MLayout, type GlobalVariable, type StringTable } from './runtime-layout.js';
export { type GRecord } from './g-record.js';
export { type MRecord } from './m-record.js';
export { type CreatedBy } from './created-by.js';
export { type ClockReading } from './clock.js';
export { goMachine, type GoMachine } from './machine.js';
export { walkStack, type Walk, type WalkStart, type WalkStop, type WalkContext, type PhysicalFrame, type FrameArrival, type RuntimeState } from './unwinder.js';
export { expandWalk, describeWalkStop, type StackNamer, type NativeNamer, type Traceback, type TraceFrame, type FrameStack } from './traceback.js';
export { GoCode, type FuncAt, type CodeDamage } from './go-code.js';
export { Target } from './target.js';
export { PageCachedMemory } from './page-cache.js';
export { printName } from './func-name.js';
export { frameArgs } from './args.js';
export { goroutineHeader, frameLines, createdByLines, tracebackLines, formatGoroutine } from './format.js';
