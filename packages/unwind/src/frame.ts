import type { ParseError } from '@elfkit/binary';
import type { EvaluationError } from '@elfkit/dwarf';
import type { UnwindModule } from './module.js';
import type { Registers } from './registers.js';

/** How a frame was found: the step that led from the frame below it. */
export type FrameMethod = 'initial' | 'cfi' | 'signal' | 'go' | 'frame-pointer';

/** One frame of a backtrace, innermost first. */
export interface Frame {
  /** 0 for the innermost frame. */
  readonly index: number;
  /** The frame's pc: where it stopped (frame 0, or after a signal) or the return address into it. */
  readonly pc: bigint;
  /**
   * Where to look the frame up (symbols, lines, CFI): `pc − 1` for a frame
   * entered by a return address, so a call at the end of a function or an
   * inlined call maps to the call, not to the next line; `pc` for frame 0
   * and for the frame a signal interrupted.
   */
  readonly lookupPc: bigint;
  /** True when {@link lookupPc} is `pc − 1`. */
  readonly adjusted: boolean;
  readonly sp?: bigint;
  /** The frame's registers as far as they could be recovered. */
  readonly registers: Registers;
  /** The module that covers {@link lookupPc}, when one does. */
  readonly module?: UnwindModule;
  readonly method: FrameMethod;
  /** The frame is a signal trampoline: the frame above it was interrupted, not called. */
  readonly signalFrame: boolean;
}

/** Why a backtrace ends. */
export type StopReason =
  /** The outermost frame: its return address is undefined in the CFI (`_start`, `clone`), it is Go's top frame, or the pc is 0. */
  | { readonly kind: 'end'; readonly detail: string }
  /** No module covers the pc (a corrupt return address, or code outside every mapping). */
  | { readonly kind: 'no-module'; readonly pc: bigint }
  /** The module has no CFI or Go table covering the pc and frame pointers did not lead anywhere. */
  | { readonly kind: 'no-unwind-info'; readonly pc: bigint; readonly module: string }
  /** A saved register (or the CFA's inputs) could not be read. */
  | { readonly kind: 'unreadable-memory'; readonly address: bigint }
  /** The return address could not be read. */
  | { readonly kind: 'unreadable-return-address'; readonly address?: bigint }
  /** A register the rules need is unknown in this frame. */
  | { readonly kind: 'unknown-register'; readonly register: number }
  /** The caller's stack pointer is not above this frame's (corrupt stack or bad rules). */
  | { readonly kind: 'cfa-not-growing'; readonly sp: bigint; readonly callerSp: bigint }
  /** The same pc and stack pointer came back. */
  | { readonly kind: 'loop'; readonly pc: bigint; readonly sp: bigint }
  /** More frames than the limit. */
  | { readonly kind: 'depth-limit'; readonly limit: number }
  /** The module's call frame information is malformed. */
  | { readonly kind: 'bad-cfi'; readonly error: ParseError }
  /** A CFA or register expression could not be evaluated. */
  | { readonly kind: 'expression'; readonly error: EvaluationError };

/** A backtrace: the frames found, and why there are no more. */
export interface Backtrace {
  readonly frames: readonly Frame[];
  readonly stop: StopReason;
}

/** A one-line description of a stop reason. */
export function describeStop(s: StopReason): string {
  const hx = (v: bigint) => `0x${v.toString(16)}`;
  switch (s.kind) {
    case 'end':
      return s.detail;
    case 'no-module':
      return `no module covers pc ${hx(s.pc)}`;
    case 'no-unwind-info':
      return `no unwind information for pc ${hx(s.pc)} in ${s.module}`;
    case 'unreadable-memory':
      return `memory at ${hx(s.address)} is not readable`;
    case 'unreadable-return-address':
      return s.address === undefined ? 'the return address is unknown' : `the return address at ${hx(s.address)} is not readable`;
    case 'unknown-register':
      return `register ${s.register} is unknown in this frame`;
    case 'cfa-not-growing':
      return `the caller's stack pointer ${hx(s.callerSp)} is not above ${hx(s.sp)} (corrupt stack?)`;
    case 'loop':
      return `the frame at pc ${hx(s.pc)}, sp ${hx(s.sp)} repeats`;
    case 'depth-limit':
      return `more than ${s.limit} frames`;
    case 'bad-cfi':
      return `bad call frame information: ${s.error.message}`;
    case 'expression':
      return `cannot evaluate a CFI expression: ${s.error.message}`;
  }
}
