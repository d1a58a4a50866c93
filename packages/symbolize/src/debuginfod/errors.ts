/** Why a debuginfod lookup gave no file. */
export type DebuginfodErrorCode =
  /** No server has it (every server answered with an HTTP error), or a remembered miss. */
  | 'not-found'
  /** The build id is not lowercase hex of an even length (2 to 128 digits). */
  | 'invalid-build-id'
  /** A source path that is not absolute, or a section name that is empty or has a `/`. */
  | 'invalid-name'
  /** `DEBUGINFOD_URLS` is empty: nothing to ask. */
  | 'no-servers'
  /** `DEBUGINFOD_TIMEOUT` (less than 100 KiB in that many seconds) or `DEBUGINFOD_MAXTIME` ran out. */
  | 'timeout'
  /** Larger than `DEBUGINFOD_MAXSIZE` (or the server said 406). */
  | 'too-large'
  /** The server's file has another build id than the one asked for (or is no ELF file). */
  | 'wrong-build-id'
  /** The connection failed or closed before the whole file came. */
  | 'network'
  /** The cache could not be read or written. */
  | 'cache';

/** A debuginfod lookup that failed, with the reason and, where one server is to blame, its URL. */
export class DebuginfodError extends Error {
  override readonly name = 'DebuginfodError';
  constructor(
    readonly code: DebuginfodErrorCode,
    message: string,
    readonly url?: string,
  ) {
    super(message);
  }
}

/** True for a {@link DebuginfodError}. */
export function isDebuginfodError(e: unknown): e is DebuginfodError {
  return e instanceof DebuginfodError;
}
