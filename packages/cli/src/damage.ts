import { isParseError, type ParseError } from '@elfkit/binary';
import { writeErr } from './io/output.js';

/**
 * The damaged parts of a file that a command stepped over while printing
 * everything it could read. Each is reported once — one line naming the
 * section and offset, after the output — and makes the exit status 1, as
 * readelf prints what it can and still fails.
 */
export class Damage {
  private readonly seen = new Set<string>();
  /** The damaged parts, in the order met. */
  readonly errors: ParseError[] = [];

  /** Records a damaged part once; anything but a ParseError is rethrown. */
  readonly add = (e: unknown): void => {
    if (!isParseError(e)) throw e;
    const key = `${e.section}\0${e.offset}\0${e.reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push(e);
  };

  /** `fn()`, or `fallback` when it meets damage (which is recorded). */
  attempt<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.add(e);
      return fallback;
    }
  }

  /**
   * Prints each damaged part on stderr (`elfkit: <file>: …`; past `limit`,
   * a count of the rest) and, if there was any, sets the exit status to 1.
   */
  report(file: string, limit = 20): void {
    for (const e of this.errors.slice(0, limit)) writeErr(`elfkit: ${file}: ${e.message}\n`);
    if (this.errors.length > limit) writeErr(`elfkit: ${file}: … and ${this.errors.length - limit} more damaged parts\n`);
    if (this.errors.length) process.exitCode = 1;
  }
}
