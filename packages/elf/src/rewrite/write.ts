import type { ByteSource } from '@elfkit/binary';
import type { SectionEdit } from './edits.js';
import { readElfImage, type ElfImage } from './image.js';
import { layoutPlan, type RewriteResult } from './layout.js';
import { planEdits } from './plan.js';

/**
 * Plans and lays out `edits` on a parsed file: the result says how to turn
 * the input into the output (see {@link RewriteResult}) without copying it.
 * Throws {@link RewriteError} when the plan does not fit the file.
 */
export function planRewrite(image: ElfImage, edits: readonly SectionEdit[]): RewriteResult {
  return layoutPlan(planEdits(image, edits));
}

/**
 * Applies a {@link RewriteResult} to the input's bytes in memory and
 * returns the output (a new array; the input is not modified).
 */
export function applyRewrite(input: Uint8Array | ByteSource, result: RewriteResult): Uint8Array {
  const out = new Uint8Array(result.size);
  const n = Math.min(result.size, input instanceof Uint8Array ? input.length : input.size);
  out.set(input instanceof Uint8Array ? input.subarray(0, n) : input.read(0, n));
  for (const w of result.writes) {
    if ('bytes' in w) out.set(w.bytes.subarray(0, Math.max(0, result.size - w.offset)), w.offset);
    else out.fill(0, w.offset, Math.min(result.size, w.offset + w.zero));
  }
  return out;
}

/**
 * Rewrites an ELF file held in memory: `edits` applied in one pass. An
 * empty plan returns the input's bytes unchanged (a copy).
 */
export function rewriteElf(bytes: Uint8Array, edits: readonly SectionEdit[]): Uint8Array {
  return applyRewrite(bytes, planRewrite(readElfImage(bytes), edits));
}
