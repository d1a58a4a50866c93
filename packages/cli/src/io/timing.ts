/**
 * `ELFKIT_TIMING=1`: phase timestamps on stderr (milliseconds since the
 * process started), for finding where a command spends its time. Written
 * with writeErr, not process.stderr: making that stream costs the first
 * mark a few milliseconds, which would show up between two phases.
 */
import { writeErr } from './output.js';

const on = !!process.env.ELFKIT_TIMING;

/** Records that `label` happened now (a no-op unless ELFKIT_TIMING is set). */
export function mark(label: string): void {
  if (on) writeErr(`elfkit timing: ${performance.now().toFixed(1).padStart(7)} ms ${label}\n`);
}

if (on) process.on('exit', () => mark('exit'));
