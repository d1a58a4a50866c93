import { closeSync, chmodSync, fdatasync, fdatasyncSync, fsyncSync, statSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { readElfImage, type ElfImage, type RewriteResult } from '@elfkit/elf/rewrite';
import { CliError } from '../errors.js';
import { startCopy, type RewriteTarget, type StartedCopy } from './rewrite-target.js';
import { FileSource } from '@elfkit/symbolize/node';
import { mark } from './timing.js';

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
 * The copy runs in libuv's thread pool while this thread parses the input
 * and `plan` runs (it may wait for git), and the copied bytes start going
 * to disk while the plan finishes: the steps overlap instead of adding up.
 */
export async function rewriteFile(
  target: RewriteTarget,
  plan: (image: ElfImage) => RewriteResult | Promise<RewriteResult>,
  check?: (written: ElfImage, result: RewriteResult) => void,
  started: StartedCopy = startCopy(target),
): Promise<RewriteResult> {
  const { tmp, copying } = started;
  let fd: number | undefined;
  let planned: Promise<RewriteResult> | undefined;
  let flushing: Promise<void> | undefined;
  let source: FileSource | undefined;
  let created = true;
  try {
    const mode = statSync(target.input).mode & 0o7777;
    source = new FileSource(target.input);
    const image = readElfImage(source);
    mark('input parsed');
    // Runs synchronously up to its first await; errors become rejections.
    planned = (async () => plan(image))();
    planned.catch(() => {});
    await writing(target, () =>
      copying.catch((e: NodeJS.ErrnoException) => {
        // EEXIST: not our file to clean up.
        if (e.code === 'EEXIST') created = false;
        throw e;
      }),
    );
    mark('copied');
    fd = openSync(tmp, 'r+');
    // The copied bytes start going to disk while the plan finishes.
    flushing = new Promise((resolve, reject) => fdatasync(fd!, (e) => (e ? reject(e) : resolve())));
    flushing.catch(() => {});
    const result = await planned;
    mark('planned');
    source.close();
    if (result.identity && target.output === target.input) throw IDENTITY;
    await writing(target, () => {
      ftruncateSync(fd!, result.size);
      for (const w of result.writes) {
        if ('bytes' in w) writeAll(fd!, w.bytes.subarray(0, Math.max(0, result.size - w.offset)), w.offset);
        else {
          const end = Math.min(result.size, w.offset + w.zero);
          for (let at = w.offset; at < end; at += ZERO.length) writeAll(fd!, ZERO.subarray(0, Math.min(ZERO.length, end - at)), at);
        }
      }
    });
    mark('patched');
    verify(tmp, result, check);
    mark('verified');
    await writing(target, async () => {
      await flushing;
      mark('flushed');
      // The patches, and whatever the background flush had not written yet.
      fdatasyncSync(fd!);
      closeSync(fd!);
      fd = undefined;
      chmodSync(tmp, mode);
      mark('synced');
      renameSync(tmp, target.output);
      mark('renamed');
    });
    syncDirectory(dirname(target.output));
    mark('directory synced');
    return result;
  } catch (e) {
    // Let whatever is in flight finish before cleaning up after it.
    await Promise.allSettled([planned, copying, flushing]);
    source?.close();
    if (fd !== undefined) closeSync(fd);
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // Already renamed.
      }
    }
    if (e === IDENTITY) return planned!;
    throw e;
  }
}

/** Thrown internally when an in-place rewrite changes nothing: the copy is discarded. */
const IDENTITY = new Error('identity');

/** Runs a step that writes the output; system errors become one line naming the output. */
async function writing<T>(target: RewriteTarget, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
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

export { rewriteTarget, startCopy, type RewriteTarget, type StartedCopy } from './rewrite-target.js';
