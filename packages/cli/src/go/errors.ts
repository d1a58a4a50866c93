import { isParseError, type ParseError } from '@elfkit/binary';
import { ModInfoError } from '@elfkit/gosym/buildinfo';
import { CliError } from '../errors.js';

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

/**
 * True for failures that belong to one input file (damaged data, a file
 * that is not Go, a system error opening it): reported per file, while a
 * command goes on with the others. Anything else is a bug and propagates.
 */
export function isInputError(e: unknown): boolean {
  const errno = typeof (e as NodeJS.ErrnoException)?.code === 'string' && !!(e as NodeJS.ErrnoException).syscall;
  return isParseError(e) || e instanceof ModInfoError || e instanceof CliError || errno;
}
