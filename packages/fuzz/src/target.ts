import { isParseError, type ByteOrder } from '@elfkit/binary';
import type { Field } from './fields.js';

/** One input a target starts from, with what it needs to be read (the rest of its file). */
export interface Seed<C = unknown> {
  /** Where it came from: a fixture, and the section for a section-level target (`c/gcc-dwarf5 .debug_line`). */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly order: ByteOrder;
  /** Header and table fields mutations aim at. */
  readonly fields: readonly Field[];
  /** Ranges most mutations stay inside (a whole-file target's tables); default the whole input. */
  readonly regions?: readonly (readonly [number, number])[];
  /** Whatever `run` needs besides the input (the file's other sections). */
  readonly context: C;
}

/**
 * A parser under fuzzing. `run` reads a (mutated) input the way a user of
 * the API would, through every entry point the parser offers, and may
 * throw only a ParseError; the harness checks that, the time per input and
 * the memory kept per input byte.
 */
export interface FuzzTarget<C = unknown> {
  /** Short name, `<package>-<part>` (`elf-notes`, `dwarf-line`, `go-pclntab`). */
  readonly name: string;
  /** What is read, for `pnpm fuzz --list`. */
  readonly describe: string;
  /** True when the input stands alone (a section's bytes), so bytes can be inserted and removed. */
  readonly resizable: boolean;
  /** Errors other than ParseError that the API documents as its answer to bad input (gosym's ModInfoError). */
  readonly typedErrors?: (e: unknown) => boolean;
  /** Memory the run may keep per input byte before it counts as out of proportion (default 64). */
  readonly heapPerByte?: number;
  /** The seeds, built from the fixtures (called once per run; a promise where making them reads asynchronously, as a symbolizer does). */
  seeds(): Seed<C>[] | Promise<Seed<C>[]>;
  /**
   * Reads the input; the value returned (or, for a reader that is
   * asynchronous, awaited) is held while memory is measured.
   */
  run(input: Uint8Array, seed: Seed<C>, probe: Probe): unknown;
}

/** Thrown by {@link Probe.attempt} for a ParseError that does not say where. */
export class UnplacedParseError extends Error {
  override readonly name = 'UnplacedParseError';
}

/**
 * Runs the parts of a read one by one so that a ParseError in one part
 * does not hide the others, as a command printing what it can would.
 */
export class Probe {
  /** ParseErrors seen in this run. */
  parseErrors = 0;

  constructor(private readonly typed: (e: unknown) => boolean = () => false) {}

  /** `fn()`, or `undefined` after a ParseError; anything else propagates (a bug). */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.check(e);
      return undefined;
    }
  }

  /** An error sink for the readers' `onError` parameters. */
  readonly sink = (e: unknown): void => {
    this.check(e);
  };

  /** Rethrows `e` unless it is a ParseError with a section and a non-negative integer offset. */
  check(e: unknown): void {
    if (this.typed(e)) return;
    if (!isParseError(e)) throw e;
    if (typeof e.section !== 'string' || e.section.length === 0 || !Number.isSafeInteger(e.offset) || e.offset < 0) {
      const bad = new UnplacedParseError(`ParseError without a valid place (section ${JSON.stringify(e.section)}, offset ${e.offset}): ${e.message}`);
      // The signature names where the ParseError was made, not where it was checked.
      bad.stack = `${bad.name}: ${bad.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
      throw bad;
    }
    this.parseErrors++;
  }
}

/** Declares a target (a typed identity, so a target module reads as a table). */
export function defineTarget<C>(t: FuzzTarget<C>): FuzzTarget<C> {
  return t;
}
