import type { Target } from './target.js';

/** A time (nanotime, CLOCK_MONOTONIC nanoseconds) the runtime recorded, and where it was read. */
export interface ClockReading {
  readonly value: bigint;
  readonly source: string;
}

/**
 * The latest of the runtime's recorded times: the process was still
 * running then, so a goroutine's wait measured against it is a lower
 * bound of the wait the runtime itself would print (it reads the clock
 * when it prints; a core has no clock).
 */
export function clockReading(
  target: Target,
  clocks: readonly { readonly name: string; readonly address: bigint; readonly size: number }[],
  bias: bigint,
  waitSinces: () => bigint[],
): ClockReading | undefined {
  let best: ClockReading | undefined;
  for (const c of clocks) {
    const v = target.readInt(c.address + bias, c.size);
    if (v !== undefined && v > 0n && (!best || v > best.value)) best = { value: v, source: c.name };
  }
  for (const w of waitSinces()) if (w > 0n && (!best || w > best.value)) best = { value: w, source: 'g.waitsince' };
  return best;
}
