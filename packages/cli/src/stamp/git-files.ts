import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Two git facts read from the repository's files instead of from a git
 * process, each only where the files say it plainly; `undefined` means
 * "ask git" (the caller runs the command it always ran). Each git process
 * costs the stamp ~4-5 ms of CPU and sits on its critical path.
 */
export interface GitFiles {
  /** HEAD's branch (`ref: refs/heads/X` → X), null when HEAD holds a commit id (detached). */
  branch: string | null | undefined;
  /** Whether refs/tags has any ref (loose or in packed-refs): a repository without one skips `git describe`'s whole-history walk. */
  hasTags: boolean | undefined;
}

const UNKNOWN: GitFiles = { branch: undefined, hasTags: undefined };

/**
 * Variables that move where git finds the repository or its refs
 * (git(1), "The Git Repository"): with any of them set, git answers.
 */
const DISCOVERY_ENV = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'];

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The git directory of the work tree at `dir`, found as git's discovery
 * finds it in the plain case: the nearest `.git` directory, or `.git` file
 * (`gitdir: …`, a linked worktree or a submodule), walking up. Anything
 * else — `dir` inside a bare repository or a git directory, a `.git` that
 * is not a valid repository (git would walk past it) — gives undefined.
 */
function findGitDir(dir: string): string | undefined {
  for (let d = resolve(dir); ; ) {
    const dotGit = join(d, '.git');
    let st;
    try {
      st = statSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) return dotGit;
    if (st?.isFile()) {
      const m = /^gitdir: (.+?)\r?\n?$/.exec(readFileSync(dotGit, 'utf8'));
      return m ? resolve(d, m[1]!) : undefined;
    }
    // A directory that is itself a repository (bare, or inside .git): git would take it.
    if (isDir(join(d, 'objects')) && isDir(join(d, 'refs'))) return undefined;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Whether the folder `dir` (refs/tags or below) holds any file: a loose ref. */
function holdsRef(dir: string): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) return true;
    if (holdsRef(join(dir, e.name))) return true;
  }
  return false;
}

/** Reads what it can of `GitFiles` for the work tree at `dir`; every doubt is `undefined`. */
export function readGitFiles(dir: string, env: NodeJS.ProcessEnv): GitFiles {
  if (DISCOVERY_ENV.some((k) => env[k] !== undefined)) return UNKNOWN;
  try {
    const gitDir = findGitDir(dir);
    if (!gitDir) return UNKNOWN;
    let common = gitDir;
    try {
      common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return UNKNOWN;
    }
    // What git checks before it takes a directory as a repository; and refs kept elsewhere than files (reftable).
    if (!isDir(join(common, 'objects')) || !isDir(join(common, 'refs')) || isDir(join(common, 'reftable'))) return UNKNOWN;
    let branch: string | null | undefined;
    const headPath = join(gitDir, 'HEAD');
    if (lstatSync(headPath).isFile()) {
      const head = readFileSync(headPath, 'utf8');
      if (/^[0-9a-f]{40}(?:[0-9a-f]{24})?\n?$/.test(head)) branch = null;
      else branch = /^ref: refs\/heads\/([^\s]+)\n?$/.exec(head)?.[1];
    }
    let hasTags: boolean | undefined;
    try {
      hasTags = /^[0-9a-f]+ refs\/tags\//m.test(readFileSync(join(common, 'packed-refs'), 'latin1'));
    } catch (e) {
      hasTags = (e as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
    }
    if (hasTags === false) {
      try {
        hasTags = holdsRef(join(common, 'refs', 'tags'));
      } catch (e) {
        hasTags = (e as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
      }
    }
    return { branch, hasTags };
  } catch {
    return UNKNOWN;
  }
}
