import type { GoFunc } from '@elfkit/gosym';
import type { Damage } from '../damage.js';

/**
 * The fields of a function that come from its pcvalue tables and the file
 * tables (pcsp, pcfile, pcln, the CU and file name tables): the parts of a
 * function `elfkit go funcs` prints that can be damaged once its record and
 * name read.
 */
export interface TableFields {
  /** File at the entry; undefined when the table records none or it cannot be read. */
  readonly file: string | undefined;
  /** Largest SP delta; undefined when the pcsp table cannot be read. */
  readonly frameSize: number | undefined;
  /** Line at the entry; undefined when the pcln table does not cover it or cannot be read. */
  readonly entryLine: number | undefined;
}

/**
 * Each of `f`'s {@link TableFields} that reads, undefined for the others,
 * whose damage is recorded in `damage` (once per damaged part). For a
 * function a plain read of the fields failed on: the intact ones pay for
 * no closures.
 */
export function salvageTableFields(f: GoFunc, damage: Damage): TableFields {
  return {
    file: damage.attempt(() => f.file, undefined),
    frameSize: damage.attempt<number | undefined>(() => f.frameSize, undefined),
    entryLine: damage.attempt(() => f.entryLine, undefined),
  };
}
