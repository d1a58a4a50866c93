import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * Writes `bytes` at `rel` under `root`: parent directories made, a
 * temporary file fsync'd and renamed. `rel` must stay inside `root`.
 * Synchronous calls: the caller waits for each file anyway, and
 * node:fs/promises would load readline, fs watchers and directory streams
 * into every run (the thread pool's round trips are saved too).
 */
export async function writeUnder(root: string, rel: string, bytes: Uint8Array): Promise<string> {
  const base = resolve(root);
  const path = resolve(base, rel);
  if (!path.startsWith(base + sep)) throw new Error(`refusing to write outside ${root}: ${rel}`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o644);
  let open = true;
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  return join(root, rel);
}
