import { createHash } from 'node:crypto';

/** What a run can find wrong with an input. */
export type FindingKind = 'exception' | 'slow' | 'heap' | 'hang' | 'out-of-memory';

/** A failing input and why it fails. */
export interface Finding {
  readonly target: string;
  readonly kind: FindingKind;
  /** Stable across inputs that fail the same way: kind, error type, message shape and the throwing frame. */
  readonly signature: string;
  /** One line for people. */
  readonly message: string;
  readonly stack?: string;
  /** The seed the input was derived from (it supplies the rest of the file). */
  readonly seed: string;
  readonly input: Uint8Array;
  /** The smallest input found that fails the same way. */
  readonly minimized?: Uint8Array;
}

/** The frame of elfkit code (not the harness) that threw, as `packages/<pkg>/dist/<file>.js:<line>`. */
function throwingFrame(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /(packages\/[^/]+\/(?:dist|src)\/[^:)]+):(\d+)/.exec(line);
    if (m && !m[1]!.startsWith('packages/fuzz/')) return `${m[1]}:${m[2]}`;
  }
  return '?';
}

/** The signature of an exception: type, message with numbers blanked, and the throwing frame. */
export function exceptionSignature(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  // Numbers and parenthesized details (section names, sizes) vary between inputs that fail the same way.
  const msg = err.message.replace(/\([^()]*\)/g, '(…)').replace(/0x[0-9a-f]+/gi, 'N').replace(/\d+/g, 'N').slice(0, 160);
  return `exception ${err.name}: ${msg} @ ${throwingFrame(err.stack)}`;
}

/** A short stable id for a signature (file names). */
export function signatureId(signature: string): string {
  return createHash('sha256').update(signature).digest('hex').slice(0, 10);
}
