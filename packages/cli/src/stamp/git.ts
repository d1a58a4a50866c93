import type * as ChildProcess from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { spawnToFds } from '../io/spawn-to-fds.js';
import { mark } from '../io/timing.js';
import { readGitFiles, type GitFiles } from './git-files.js';
import { isoTime } from '@elfkit/binary';
import { redactUrl } from './url.js';

/** What git says about the work tree the binary was built from. */
export interface GitFacts {
  /** Full commit id of HEAD. */
  commit: string;
  /** Abbreviated commit id (git's own length for this repository). */
  shortCommit: string;
  /** Checked-out branch; null when HEAD is detached. */
  branch: string | null;
  /** Nearest tag reachable from HEAD (`git describe --tags`); null when there is none. */
  tag: string | null;
  /** `git describe --tags --always`: the tag itself, `tag-N-gHASH`, or the short commit. */
  describe: string;
  /** Tracked files differ from HEAD (`git describe --dirty`: untracked files do not count). */
  dirty: boolean;
  /** Committer date of HEAD, ISO 8601 UTC. */
  commitTime: string;
  /** URL of the `origin` remote without credentials; null when there is none. */
  remote: string | null;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const GIT_ENV = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
const NOT_INSTALLED = 'git is not installed (not found on PATH); install it or stamp with --no-git';

// git is spawned directly, not through execa: execa's own module graph
// takes 60-85 ms to load here, more than the stamp command's whole budget
// (see bench/rewrite.mjs). node:child_process itself is loaded only where
// the one sh script cannot run (see spawnToFds).
const childProcess = () => process.getBuiltinModule('node:child_process') as typeof ChildProcess;

function git(dir: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') {
        reject(e.code === 'ENOENT' ? new CliError(NOT_INSTALLED) : e);
        return;
      }
      resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// %D: the refs at HEAD, `HEAD -> branch, …` unless HEAD is detached; asked for only when HEAD's file did not say
// (decorating loads every ref: 3 ms of the log's ~9 here).
const LOG = ['log', '-1', '--no-show-signature', '--format=%H%n%h%n%ct'];
const LOG_REFS = ['log', '-1', '--no-show-signature', '--format=%H%n%h%n%ct%n%D'];
const REMOTE = ['config', '--get', 'remote.origin.url'];
const ANY_TAG = ['for-each-ref', '--count=1', '--format=x', 'refs/tags'];
// --dirty: tracked changes only (untracked files do not count), after an index refresh.
const DESCRIBE = ['describe', '--tags', '--long', '--always', '--dirty=+dirty'];
// describe's own dirty test without its walk: `git diff` compares content
// where only the stat data differ, as describe's index refresh does.
const DIRTY = ['diff', '--quiet', 'HEAD', '--'];
/** The third result's output when the repository has no tags: then `code` is DIRTY's exit status. */
const NO_TAGS = 'no tags';

/**
 * Runs the git commands of `gitFacts` and returns their results in the
 * order log, remote, describe. With no tag in the repository `git describe`
 * would walk the whole history to find none (16 ms for this repository's
 * 400 commits, seconds for a large one), so only its dirty test runs
 * (NO_TAGS); whether there is a tag comes from the repository's files
 * (`known`), else from `git for-each-ref`. One `sh` runs them all, the
 * describe lane beside the others: a fork of this (large) process costs
 * several milliseconds, and the stamp pays for each. The stderr of the log
 * is kept (it says why a directory is not a repository); the others' is
 * dropped. Where there is no `sh` (Windows), the commands run as separate
 * processes.
 */
function gitRuns(dir: string, known: GitFiles): Promise<Run[]> {
  if (process.platform === 'win32') return gitRunsApart(dir, known);
  const token = `@@elfkit-${Math.random().toString(36).slice(2)}@@`;
  const g = (c: string[]) => `git -C "$1" ${c.map(shQuote).join(' ')}`;
  const described = `n=; d=$(${g(DESCRIBE)} 2>/dev/null; echo "${token}$?")`;
  const dirtyOnly = `${g(DIRTY)} >/dev/null 2>&1; d="${token}$?"; n='${NO_TAGS}'`;
  const script = [
    `{ ${g(known.branch === undefined ? LOG_REFS : LOG)}; echo "${token}$?"; ${g(REMOTE)} 2>/dev/null; echo "${token}$?"; } &`,
    known.hasTags === undefined ? `if [ -n "$(${g(ANY_TAG)} 2>/dev/null)" ]; then ${described}\nelse ${dirtyOnly}; fi` : known.hasTags ? described : dirtyOnly,
    'wait',
    `printf '%s%s\n' "$n" "$d"`,
  ].join('\n');
  // The output goes to two unlinked temporary files rather than pipes: a pipe is a net.Socket
  // here, and making the first one costs the main thread more than the files (measured: 4 ms of
  // CPU under load). Unlinked at once, they are gone however this process ends.
  let out: number;
  let err: number;
  try {
    [out, err] = [0, 1].map(() => {
      const path = join(tmpdir(), `elfkit-git-${process.pid}-${Math.random().toString(36).slice(2)}`);
      const fd = openSync(path, 'wx+', 0o600);
      unlinkSync(path);
      return fd;
    }) as [number, number];
  } catch {
    return gitRunsPiped(dir, known, script, token); // no writable temporary folder
  }
  const text = (fd: number) => {
    const buf = Buffer.alloc(Math.min(fstatSync(fd).size, 1 << 24));
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  };
  return spawnToFds('sh', ['-c', script, 'sh', dir], { ...process.env, ...GIT_ENV }, out, err)
    .then(
      () => parseRuns(dir, token, text(out), text(err)),
      // No sh after all: one process per command.
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? gitRunsApart(dir, known) : Promise.reject(e)),
    )
    .finally(() => {
      closeSync(out);
      closeSync(err);
    });
}

/** `gitRuns` with the script's output through pipes. */
function gitRunsPiped(dir: string, known: GitFiles, script: string, token: string): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('sh', ['-c', script, 'sh', dir], { encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') {
        // No sh after all: one process per command.
        if (e.code === 'ENOENT') resolve(gitRunsApart(dir, known));
        else reject(e);
        return;
      }
      try {
        resolve(parseRuns(dir, token, stdout, stderr));
      } catch (x) {
        reject(x);
      }
    });
  });
}

/** The three results in the script's output, each ended by `token` and its exit status. */
function parseRuns(dir: string, token: string, stdout: string, stderr: string): Run[] {
  const runs: Run[] = [];
  let rest = stdout;
  for (let i = 0; i < 3; i++) {
    const at = rest.indexOf(token);
    if (at < 0) break;
    const eol = rest.indexOf('\n', at);
    runs.push({ code: Number(rest.slice(at + token.length, eol < 0 ? undefined : eol)), stdout: rest.slice(0, at), stderr: i === 0 ? stderr : '' });
    rest = eol < 0 ? '' : rest.slice(eol + 1);
  }
  if (runs.length !== 3) throw new CliError(`git produced unexpected output in ${dir}`);
  if (runs[0]!.code === 127) throw new CliError(NOT_INSTALLED);
  return runs;
}

/** `gitRuns` with one process per git command. */
async function gitRunsApart(dir: string, known: GitFiles): Promise<Run[]> {
  const noTag = { code: 0, stdout: '', stderr: '' };
  const [log, remote, anyTag] = await Promise.all([
    git(dir, known.branch === undefined ? LOG_REFS : LOG),
    git(dir, REMOTE),
    known.hasTags === undefined ? git(dir, ANY_TAG) : { ...noTag, stdout: known.hasTags ? 'x' : '' },
  ]);
  const described = anyTag.code === 0 && anyTag.stdout.trim() ? await git(dir, DESCRIBE) : { ...(await git(dir, DIRTY)), stdout: `${NO_TAGS}\n` };
  return [log, remote, described];
}

/** Reads the git facts of the work tree at `dir` with the `git` command. */
export async function gitFacts(dir: string): Promise<GitFacts> {
  const known = readGitFiles(dir, process.env);
  const [head, remote, describe] = await gitRuns(dir, known);
  if (head.code !== 0) {
    const why = head.stderr.trim().split('\n').pop() ?? '';
    if (/not a git repository/i.test(why)) throw new CliError(`not a git repository: ${dir} (stamp from inside the work tree, or give --git-dir)`);
    if (/does not have any commits|bad default revision|unknown revision/i.test(why)) throw new CliError(`the git repository at ${dir} has no commits yet`);
    throw new CliError(`git failed in ${dir}: ${why.replace(/^fatal: /, '')}`);
  }
  const [commit, shortCommit, ct, refs = ''] = head.stdout.replace(/\n$/, '').split('\n');
  const branch = known.branch !== undefined ? known.branch : (/(?:^|, )HEAD -> ([^,]+)/.exec(refs)?.[1] ?? null);
  let tag: string | null = null;
  let desc = shortCommit!;
  let dirty = false;
  if (describe.stdout.trim() === NO_TAGS) {
    // `git describe --always` of a repository without tags: the short commit; exit status 1 of the diff: changes.
    dirty = describe.code === 1;
  } else if (describe.code === 0) {
    let d = describe.stdout.trim();
    dirty = d.endsWith('+dirty');
    if (dirty) d = d.slice(0, -'+dirty'.length);
    const m = /^(.*)-(\d+)-g[0-9a-f]+$/.exec(d);
    if (m) {
      tag = m[1]!;
      desc = m[2] === '0' ? tag : d;
    } else {
      desc = d;
    }
  }
  return {
    commit: commit!,
    shortCommit: shortCommit!,
    branch,
    tag,
    describe: desc,
    dirty,
    commitTime: isoTime(Number(ct) * 1000),
    remote: remote.code === 0 && remote.stdout.trim() ? redactUrl(remote.stdout.trim()) : null,
  };
}

/** Starts reading the git facts `a` asks for (null with --no-git); a failure surfaces where the promise is awaited. */
export function startGitFacts(a: { git?: boolean; gitDir?: string }): Promise<GitFacts | null> {
  const git = a.git === false ? Promise.resolve(null) : gitFacts(resolve(a.gitDir ?? '.'));
  // Awaited only once the input is parsed: a bad input is reported first, and a git failure never goes unhandled.
  git.catch(() => {});
  mark('git started');
  return git;
}
