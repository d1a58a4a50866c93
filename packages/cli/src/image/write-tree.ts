import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * Writes `bytes` at `rel` under `root`: parent directories made, a
 * temporary file fsync'd and renamed. `rel` must stay inside `root`.
 */
export async function writeUnder(root: string, rel: string, bytes: Uint8Array): Promise<string> {
  const base = resolve(root);
  const path = resolve(base, rel);
  if (!path.startsWith(base + sep)) throw new Error(`refusing to write outside ${root}: ${rel}`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o644);
  try {
    let done = 0;
    while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  return join(root, rel);
}
