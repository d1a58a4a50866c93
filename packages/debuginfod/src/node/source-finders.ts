import { lstatSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Blob } from '../blob.js';
import type { SourceFinder } from '../debug-index.js';
import { canonicalPath, isUnder } from '../source-path.js';
import { fileBlob } from './file-blob.js';

/**
 * Finds sources in the served directories: the DWARF path itself when it
 * lies under a root, the path under a root taken as a sysroot
 * (`ROOT/elfkit/src/main.c`), or the path under the comp_dir found under a
 * root (`ROOT/main.c` for a build tree served as is). Whatever the path
 * resolves to — symlinks followed by the system — must still be a regular
 * file under the root's real path, so a link out of the tree serves
 * nothing.
 */
export function directorySourceFinder(roots: readonly string[]): SourceFinder {
  const real = roots.map((r) => ({ root: r, real: realpathSync(r) }));
  return async (path, under) => {
    for (const { root, real: rootReal } of real) {
      const candidates: string[] = [];
      if (isUnder(path, root)) candidates.push(path);
      candidates.push(canonicalPath(join(root, path)));
      if (under) candidates.push(canonicalPath(join(root, under)));
      for (const c of candidates) {
        if (!isUnder(c, root)) continue;
        let resolved: string;
        try {
          resolved = realpathSync(c);
        } catch {
          continue;
        }
        if (!isUnder(resolved, rootReal)) continue;
        const st = lstatSync(resolved, { throwIfNoEntry: false });
        if (!st || !st.isFile()) continue;
        return fileBlob(resolved, st.size, st.mtimeMs);
      }
    }
    return undefined;
  };
}

/** Tries finders in order. */
export function firstSource(...finders: (SourceFinder | undefined)[]): SourceFinder {
  return async (path, under) => {
    for (const f of finders) {
      const b: Blob | undefined = await f?.(path, under);
      if (b) return b;
    }
    return undefined;
  };
}
