import { closeSync, constants, fchmodSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, utimesSync, writeSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ByteSource } from '@elfkit/binary';
import type { CacheEntry, CacheStore, CacheWriter } from '../debuginfod/store.js';
import { FileSource } from './file-source.js';

/**
 * Where elfutils keeps its cache: `$DEBUGINFOD_CACHE_PATH`; else the old
 * `$HOME/.debuginfod_client_cache` when it exists; else
 * `$XDG_CACHE_HOME/debuginfod_client` (`$HOME/.cache/debuginfod_client`).
 */
export function defaultCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.DEBUGINFOD_CACHE_PATH) return env.DEBUGINFOD_CACHE_PATH;
  // node:os only without $HOME: importing it costs every run that bundles this module (symbolize, addr2line, core) ~0.15 ms.
  const home = env.HOME || (process.getBuiltinModule('node:os') as typeof import('node:os')).homedir() || '/';
  const legacy = join(home, '.debuginfod_client_cache');
  try {
    statSync(legacy);
    return legacy;
  } catch {
    // the usual case
  }
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'debuginfod_client');
}

/**
 * The debuginfod cache on disk, as elfutils keeps it: a directory (0700)
 * per build id, files made read-only (0400) once complete, downloads
 * written to `NAME.XXXXXX` beside their final name, flushed, and renamed.
 */
export class FsCacheStore implements CacheStore {
  constructor(readonly root: string) {}

  pathOf(name: string): string {
    return name ? join(this.root, name) : this.root;
  }

  stat(name: string): CacheEntry | undefined {
    try {
      const st = statSync(this.pathOf(name));
      return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  open(name: string): ByteSource | undefined {
    try {
      return new FileSource(this.pathOf(name));
    } catch {
      return undefined;
    }
  }

  readText(name: string): string | undefined {
    try {
      return readFileSync(this.pathOf(name), 'utf8');
    } catch {
      return undefined;
    }
  }

  writeText(name: string, text: string, options: { exclusive?: boolean } = {}): void {
    const path = this.pathOf(name);
    this.ensureDir(dirname(path));
    let fd: number;
    try {
      fd = openSync(path, options.exclusive ? constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY : 'w', 0o644);
    } catch (e) {
      if (options.exclusive && (e as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw e;
    }
    try {
      if (text) writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  }

  touch(name: string): void {
    const now = new Date();
    utimesSync(this.pathOf(name), now, now);
  }

  remove(name: string): void {
    try {
      unlinkSync(this.pathOf(name));
    } catch {
      // gone already
    }
  }

  create(name: string): CacheWriter {
    const final = this.pathOf(name);
    this.ensureDir(dirname(final));
    let tmp = '';
    let fd = -1;
    for (let i = 0; fd < 0; i++) {
      // The name only has to be unlikely, O_EXCL refuses one that exists: Math.random, not crypto's random bytes, whose
      // Web Crypto global loads node's crypto and stream modules (~2 ms of a small 'debuginfod find').
      tmp = `${final}.${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
      try {
        fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, 0o600);
      } catch (e) {
        if (i > 8 || (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    let source: FileSource | undefined;
    let open = true;
    const closeFd = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return {
      write(chunk: Uint8Array) {
        let at = 0;
        while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
      },
      finish() {
        // No fsync, as elfutils: a file lost in a crash comes back empty, which reads as a miss and expires.
        source ??= new FileSource(tmp);
        return source;
      },
      commit(mtimeMs?: number) {
        source?.close();
        // Cache files are casually read-only, as elfutils makes them (its PR27571).
        fchmodSync(fd, 0o400);
        if (mtimeMs !== undefined) futimesSync(fd, mtimeMs / 1000, mtimeMs / 1000);
        closeFd();
        renameSync(tmp, final);
        return final;
      },
      drop() {
        source?.close();
        closeFd();
        try {
          unlinkSync(tmp);
        } catch {
          // gone already
        }
      },
    };
  }

  prune(match: RegExp, maxUnusedAgeS: number): void {
    const now = Date.now();
    let dirs: string[];
    try {
      dirs = readdirSync(this.root);
    } catch {
      return;
    }
    for (const d of dirs) {
      if (!match.test(d)) continue;
      const dir = join(this.root, d);
      let st;
      try {
        st = lstatSync(dir);
      } catch {
        continue;
      }
      if (!st.isDirectory()) continue;
      for (const f of safeList(dir)) {
        if (!match.test(`${d}/${f}`)) continue;
        const p = join(dir, f);
        try {
          const fst = lstatSync(p);
          if (fst.isFile() && now - fst.atimeMs >= maxUnusedAgeS * 1000) unlinkSync(p);
        } catch {
          // raced with another client
        }
      }
      try {
        if (now - statSync(dir).mtimeMs >= maxUnusedAgeS * 1000) rmdirSync(dir);
      } catch {
        // not empty, or gone
      }
    }
  }

  private ensureDir(dir: string): void {
    mkdirSync(this.root, { recursive: true });
    if (dir !== this.root) {
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
