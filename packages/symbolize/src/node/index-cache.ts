import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { IndexCacheStore } from '../host.js';

/** The default bound on the index cache folder: 1 GiB (the Go docker CLI's index is ~60 MB). */
export const DEFAULT_INDEX_CACHE_BYTES = 1 << 30;

/**
 * elfkit's cache folder: `$ELFKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/elfkit`,
 * else `~/.cache/elfkit` (as the CLI's code cache); undefined without a home.
 */
export function elfkitCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ELFKIT_CACHE_DIR) return env.ELFKIT_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  if (xdg) return join(xdg, 'elfkit');
  const home = homeDir();
  return home ? join(home, '.cache', 'elfkit') : undefined;
}

/**
 * os.homedir(), without loading node:os where it would only read $HOME (on
 * POSIX, libuv's uv_os_homedir answers $HOME when it is set): the module
 * costs ~0.15 ms of every run that opens this cache (go goroutines, symbolize).
 */
function homeDir(): string {
  if (process.platform !== 'win32' && process.env.HOME) return process.env.HOME;
  return (process.getBuiltinModule('node:os') as typeof import('node:os')).homedir();
}

/**
 * The index cache in a folder (`<dir>/index/*.idx`, dir default
 * {@link elfkitCacheDir}): files written to a temporary name and renamed, so
 * concurrent writers each leave a whole file; a read marks the file used;
 * after a write the least recently used files go until the folder holds at
 * most `maxBytes`. Failures (an unwritable folder, a vanished file) only
 * mean no cache.
 */
export function nodeIndexCache(options: { dir?: string; maxBytes?: number } = {}): IndexCacheStore | undefined {
  const base = options.dir ?? elfkitCacheDir();
  if (!base) return undefined;
  const dir = join(base, 'index');
  const maxBytes = options.maxBytes ?? DEFAULT_INDEX_CACHE_BYTES;
  const fileOf = (name: string) => join(dir, `${name.replace(/[^0-9A-Za-z._-]/g, '_')}.idx`);
  return {
    get(name) {
      const file = fileOf(name);
      try {
        const bytes = readFileSync(file);
        const now = new Date();
        try {
          utimesSync(file, now, now);
        } catch {
          // a read-only cache still answers
        }
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch {
        return undefined;
      }
    },
    put(name, bytes) {
      const file = fileOf(name);
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const fd = openSync(tmp, 'w', 0o600);
        try {
          for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, file);
      } catch {
        rmSync(tmp, { force: true });
        return;
      }
      evict(dir, maxBytes);
    },
    stamp(path) {
      try {
        const st = statSync(path);
        return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Removes the least recently used files of `dir` until it holds at most `maxBytes` (and temporary files left by killed writers). */
function evict(dir: string, maxBytes: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const files: { path: string; size: number; used: number }[] = [];
  const hourAgo = Date.now() - 3600_000;
  for (const n of names) {
    const path = join(dir, n);
    try {
      const st = statSync(path);
      if (n.endsWith('.tmp')) {
        if (st.mtimeMs < hourAgo) rmSync(path, { force: true });
        continue;
      }
      if (n.endsWith('.idx')) files.push({ path, size: st.size, used: st.mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  let total = files.reduce((s, f) => s + f.size, 0);
  files.sort((a, b) => a.used - b.used);
  for (const f of files) {
    if (total <= maxBytes) break;
    rmSync(f.path, { force: true });
    total -= f.size;
  }
}
