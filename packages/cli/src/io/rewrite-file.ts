import { closeSync, copyFileSync, chmodSync, fsyncSync, statSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync, constants as fsc } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { readElfImage, type ElfImage, type RewriteResult } from '@elfkit/elf/rewrite';
import { CliError, UsageError } from '../errors.js';
import { FileSource } from './source.js';

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

const ZERO = new Uint8Array(1 << 20);

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * Rewrites `target.input` into `target.output` without ever exposing a
 * half-written file: the input is copied in the kernel (copy_file_range or
 * a reflink, never through this process's memory) to a temporary file in
 * the output's directory, patched with the plan's writes, re-parsed and
 * checked (`check` may add its own test), fsynced, given the input's mode,
 * and renamed over the output. Any failure removes the temporary file and
 * leaves the input and any existing output as they were.
 *
 * `plan` gets the parsed input; while it runs (it may wait for git), the
 * copy is already made.
 */
export async function rewriteFile(
  target: RewriteTarget,
  plan: (image: ElfImage) => RewriteResult | Promise<RewriteResult>,
  check?: (written: ElfImage, result: RewriteResult) => void,
): Promise<RewriteResult> {
  const source = new FileSource(target.input);
  const mode = statSync(target.input).mode & 0o7777;
  const tmp = join(dirname(target.output), `.${basename(target.output)}.elfkit-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  let planned: Promise<RewriteResult> | undefined;
  try {
    const image = readElfImage(source);
    // Runs synchronously up to its first await; errors become rejections.
    planned = (async () => plan(image))();
    // Copy while the plan may still be waiting for other processes.
    writing(target, () => copyFileSync(target.input, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE));
    const result = await planned;
    source.close();
    if (result.identity && target.output === target.input) {
      unlinkSync(tmp);
      return result;
    }
    writing(target, () => {
      fd = openSync(tmp, 'r+');
      ftruncateSync(fd, result.size);
      for (const w of result.writes) {
        if ('bytes' in w) writeAll(fd, w.bytes.subarray(0, Math.max(0, result.size - w.offset)), w.offset);
        else {
          const end = Math.min(result.size, w.offset + w.zero);
          for (let at = w.offset; at < end; at += ZERO.length) writeAll(fd, ZERO.subarray(0, Math.min(ZERO.length, end - at)), at);
        }
      }
    });
    verify(tmp, result, check);
    writing(target, () => {
      fsyncSync(fd!);
      closeSync(fd!);
      fd = undefined;
      chmodSync(tmp, mode);
      renameSync(tmp, target.output);
    });
    syncDirectory(dirname(target.output));
    return result;
  } catch (e) {
    // Let a plan still in flight finish with the input open before cleaning up.
    await planned?.catch(() => {});
    source.close();
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    throw e;
  }
}

/** Runs a step that writes the output; system errors become one line naming the output. */
function writing(target: RewriteTarget, step: () => void): void {
  try {
    step();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.syscall) throw e;
    const why: Record<string, string> = {
      EFBIG: 'file too large (file size limit or file system)',
      ENOSPC: 'no space left on the device',
      EDQUOT: 'disk quota exceeded',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EROFS: 'read-only file system',
      ENOENT: 'no such directory',
      EXDEV: 'cannot rename across file systems',
    };
    throw new CliError(`cannot write ${target.output}: ${why[err.code ?? ''] ?? err.code ?? err.message}; nothing was replaced`);
  }
}

/** Re-parses the written file and checks it has the sections and program headers the plan placed. */
function verify(path: string, result: RewriteResult, check?: (written: ElfImage, result: RewriteResult) => void): void {
  const source = new FileSource(path);
  try {
    if (source.size !== result.size) throw new CliError(`the written file has ${source.size} bytes, expected ${result.size}`);
    const image = readElfImage(source);
    const got = image.sections.map((s) => `${s.name}:${s.type}:${s.offset}:${s.size}`);
    const want = result.sections.map((s) => `${s.name}:${s.type}:${s.offset}:${s.size}`);
    if (got.join('\n') !== want.join('\n') || image.header.phnum !== result.phnum) throw new CliError('the written file does not read back as planned; nothing was replaced');
    check?.(image, result);
  } finally {
    source.close();
  }
}

function syncDirectory(dir: string): void {
  // Makes the rename itself durable; not every file system allows it.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort.
  }
}
