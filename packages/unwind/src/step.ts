import type { StopReason, FrameMethod } from './frame.js';
import type { Registers } from './registers.js';

/** What a step found: the caller's registers (pc and sp among them). */
export interface StepResult {
  readonly registers: Registers;
  readonly method: FrameMethod;
  /** The frame just unwound was a signal trampoline: the caller's pc was interrupted, not a return address. */
  readonly signalFrame: boolean;
}

/** A step's answer: the caller, a reason to stop, or undefined when this method does not apply here. */
export type StepOutcome = StepResult | { readonly stop: StopReason } | undefined;

/** True when `o` is a stop. */
export function isStop(o: StepOutcome): o is { readonly stop: StopReason } {
  return o !== undefined && 'stop' in o;
}
