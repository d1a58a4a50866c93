import { entryOf, UNREADABLE_NAME, type GoCode } from './go-code.js';
import { printName } from './func-name.js';
import type { GRecord } from './g-record.js';
import type { GoMachine } from './machine.js';

/** The `go` statement that started a goroutine, as the traceback's `created by` lines print it. */
export interface CreatedBy {
  /** The function holding the `go` statement (the physical function, as the runtime names it); undefined when its name cannot be read. */
  readonly function: string | undefined;
  /** Its name as the traceback prints it (`?` when the name cannot be read). */
  readonly printName: string;
  /** File and line of the `go` statement (the innermost inlined position at the call). */
  readonly file?: string;
  readonly line?: number;
  /** `g.gopc`: the return address of the call to newproc. */
  readonly pc: bigint;
  readonly entry: bigint;
  /** `pc − entry`, printed as `+0x…` when positive. */
  readonly offset: number;
  /** The creating goroutine (Go 1.21+'s `in goroutine N`), when recorded. */
  readonly goroutine?: bigint;
}

/** Where goroutine `g` was created (`printcreatedby`): undefined when `gopc` is in no Go function. */
export function createdBy(code: GoCode, g: GRecord, machine: GoMachine): CreatedBy | undefined {
  const pc = g.goPc;
  const f = code.funcAt(pc);
  if (!f) return undefined;
  const entry = entryOf(f);
  // Back up into the CALL for the line, as the runtime does.
  const tracepc = pc > entry ? pc - BigInt(machine.pcQuantum) : pc;
  let file: string | undefined;
  let line: number | undefined;
  try {
    file = f.fn.fileAtPc(Number(tracepc - f.bias));
    line = f.fn.lineAtPc(Number(tracepc - f.bias));
  } catch (e) {
    f.damaged(e);
  }
  const name = f.name;
  // An unreadable name prints as `?` (printName) but is no name.
  return { function: name === UNREADABLE_NAME ? undefined : name, printName: printName(name), file, line, pc, entry, offset: Number(pc - entry), goroutine: g.parentGoid ? g.parentGoid : undefined };
}
