/**
 * Core files as the process they record, container- and host-independent:
 * {@link CoreProcess.open} reads an ET_CORE file's notes (threads,
 * registers, signal, auxv, mapped files), its memory (the core's segments,
 * falling back to the mapped files through a {@link CoreHost}), and its
 * modules (from NT_FILE and the ELF headers and build ids in memory, the
 * vDSO included, each matched to its file and load bias), and unwinds any
 * thread with `@elfkit/unwind`.
 *
 * @example
 * ```ts
 * import { CoreProcess } from '@elfkit/core';
 * const p = CoreProcess.open(coreBytes, { host, sysroot });
 * for (const t of p.threads) console.log(t.tid, p.backtrace(t).frames.map((f) => f.pc));
 * ```
 * @packageDocumentation
 */
export { CoreFile, type CoreThread } from './core-file.js';
export { CoreProcess, type CoreProcessOptions } from './process-image.js';
export { CoreModule, type ModuleFileStatus, type ModuleUnwindTables } from './module.js';
export { CoreMemory, memorySource } from './memory.js';
export { type CoreHost, underSysroot } from './host.js';
