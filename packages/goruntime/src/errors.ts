/**
 * Why the Go runtime's state cannot be read from a process image.
 *
 * - `not-go`: the executable has no Go pclntab (a C program, or no executable at all).
 * - `no-types`: the executable has no DWARF (`-ldflags=-w`): the layouts of `runtime.g` and `runtime.m` are unknown.
 * - `other-build`: the executable given is not the build the process ran (its build id differs).
 * - `missing-file`: the executable's file is not available, and the core does not hold its code.
 * - `unreadable`: a runtime structure the core should hold is not in it (a truncated core).
 * - `damaged`: a runtime structure holds values it cannot have (a corrupt `runtime.allgs`).
 * - `unsupported`: a machine or runtime layout this reader does not know.
 */
export type GoRuntimeErrorCode = 'not-go' | 'no-types' | 'other-build' | 'missing-file' | 'unreadable' | 'damaged' | 'unsupported';

/** A failure to read the Go runtime's state, with a stable code and, where one applies, the address. */
export class GoRuntimeError extends Error {
  override readonly name = 'GoRuntimeError';
  constructor(
    readonly code: GoRuntimeErrorCode,
    message: string,
    /** The address of the structure that could not be read, when there is one. */
    readonly address?: bigint,
  ) {
    super(message);
  }
}

/** True when `e` is a {@link GoRuntimeError} (also across package copies). */
export function isGoRuntimeError(e: unknown): e is GoRuntimeError {
  return e instanceof GoRuntimeError || (e instanceof Error && e.name === 'GoRuntimeError' && typeof (e as GoRuntimeError).code === 'string');
}

/** `0x…` for messages. */
export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}
