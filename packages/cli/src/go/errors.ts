import type { ParseError } from '@elfkit/binary';

/**
 * Prints the errors of damaged parts that a command skipped (at most 20)
 * and sets exit status 1, after the parts that did parse were printed.
 */
export function reportErrors(file: string, errors: readonly ParseError[]): void {
  if (errors.length === 0) return;
  for (const e of errors.slice(0, 20)) process.stderr.write(`elfkit: ${file}: ${e.message}\n`);
  if (errors.length > 20) process.stderr.write(`elfkit: ${file}: … and ${errors.length - 20} more errors\n`);
  process.exitCode = 1;
}
