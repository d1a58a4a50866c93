// fs's callback copyFile, not fs/promises': the same kernel copy, without loading fs/promises (and readline) into every rewrite.
import { constants as fsc, copyFile, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { mark } from './timing.js';

/** Where a rewrite goes: a new file (`-o`) or the input itself (`--in-place`). */
export interface RewriteTarget {
  readonly input: string;
  readonly output: string;
}

/** Resolves `-o`/`--in-place` into a target; exactly one of them is required. */
export function rewriteTarget(input: string, o: string | undefined, inPlace: boolean | undefined): RewriteTarget {
  if (input === '-') throw new UsageError('a rewrite needs a file, not standard input');
  if (o !== undefined && inPlace) throw new UsageError('give either -o FILE or --in-place, not both');
  if (o === undefined && !inPlace) throw new UsageError('give -o FILE (write a new file) or --in-place (replace the input)');
  return { input, output: o ?? input };
}

/** A copy of the input to a temporary file beside the output, under way. */
export interface StartedCopy {
  readonly tmp: string;
  readonly copying: Promise<void>;
}

/**
 * Starts copying `target.input` to a temporary file in the output's
 * directory, in the kernel (copy_file_range or a reflink) on libuv's thread
 * pool. This module imports nothing heavy, so a command can start the copy
 * before it loads the reader and the writer, and the copy overlaps that
 * loading too. (Flushing while the copy runs was tried: it slows the copy
 * more than it saves.)
 */
export function startCopy(target: RewriteTarget): StartedCopy {
  // The name only has to be unlikely: COPYFILE_EXCL refuses an existing file.
  const tmp = join(dirname(target.output), `.${basename(target.output)}.elfkit-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  const copying = new Promise<void>((resolve, reject) => copyFile(target.input, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE, (e) => (e ? reject(e) : resolve())));
  copying.catch(() => {});
  mark('copy started');
  return { tmp, copying };
}

/**
 * Cleans up after a started copy whose rewrite never ran (an option error
 * found after the copy began): waits for it and removes the temporary
 * file, unless the copy failed because the name was someone else's.
 */
export async function abandonCopy(started: StartedCopy): Promise<void> {
  try {
    await started.copying;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
  }
  try {
    unlinkSync(started.tmp);
  } catch {
    // Already removed or renamed by the rewrite.
  }
}
