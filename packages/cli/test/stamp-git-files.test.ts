// The branch and tag facts the stamp reads from a repository's files
// (stamp/git-files.ts) against git's own answers, in every layout where
// the files answer — a work tree and its subfolders, linked worktrees on a
// branch and detached, a submodule (a .git file), loose and packed tags,
// tags under a folder — and `undefined` (git answers) where they might not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@elfkit/fixtures';
import { readGitFiles } from '../dist/stamp/git-files.js';
import { scratch, tool } from './support.js';

const git = tool('git', 'stamp git facts from the repository files');
const dir = scratch();
const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z' };
for (const k of ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM']) delete env[k];

function g(cwd: string, ...args: string[]): string {
  const r = run(git!, ['-C', cwd, ...args], { env });
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** git's answers: the branch as `git log -1 --format=%D` names it (what the stamp read before), and whether for-each-ref lists a tag. */
function gitSays(cwd: string) {
  const refs = g(cwd, 'log', '-1', '--format=%D');
  return { branch: /(?:^|, )HEAD -> ([^,]+)/.exec(refs)?.[1] ?? null, hasTags: g(cwd, 'for-each-ref', '--count=1', '--format=x', 'refs/tags') !== '' };
}

function agrees(cwd: string, what: string) {
  const files = readGitFiles(cwd, env);
  assert.equal(files, gitSays(cwd), what);
}

test('branch and tags from the files agree with git: work tree, subfolder, worktrees, submodule, loose and packed tags', () => {
  if (!git) return;
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'sub', 'deeper'), { recursive: true });
  g(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'sub', 'deeper', 'a.txt'), 'one\n');
  g(repo, 'add', '.');
  g(repo, 'commit', '-q', '-m', 'one');
  agrees(repo, 'no tags');
  agrees(join(repo, 'sub', 'deeper'), 'from a subfolder');
  g(repo, 'checkout', '-q', '-b', 'feature/x-1');
  agrees(repo, 'a branch with a slash');
  g(repo, 'tag', 'nested/v1');
  agrees(repo, 'a loose tag in a folder');
  g(repo, 'pack-refs', '--all');
  agrees(repo, 'the tag packed');
  g(repo, 'tag', '-d', 'nested/v1');
  agrees(repo, 'the packed tag deleted');
  // An empty folder left under refs/tags holds no tag.
  mkdirSync(join(repo, '.git', 'refs', 'tags', 'empty'), { recursive: true });
  agrees(repo, 'an empty folder under refs/tags');
  g(repo, 'checkout', '-q', '--detach');
  agrees(repo, 'detached');
  assert.is(readGitFiles(repo, env).branch, null);
  g(repo, 'checkout', '-q', 'main');
  const wt = join(dir, 'wt');
  g(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
  agrees(wt, 'a linked worktree on a branch');
  g(repo, 'tag', '-a', '-m', 'annotated', 'v2');
  agrees(wt, 'a loose annotated tag seen from a linked worktree');
  const wt2 = join(dir, 'wt2');
  g(repo, 'worktree', 'add', '-q', '--detach', wt2);
  agrees(wt2, 'a detached linked worktree');
  // A submodule: its work tree's .git is a file naming a folder under the superproject's .git/modules.
  const sup = join(dir, 'super');
  mkdirSync(sup);
  g(sup, 'init', '-q', '-b', 'trunk');
  g(sup, '-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', repo, 'mod');
  agrees(join(sup, 'mod'), 'a submodule');
});

test('where the files might not say what git would, git answers', () => {
  if (!git) return;
  const repo = join(dir, 'repo');
  assert.equal(readGitFiles(repo, { ...env, GIT_DIR: join(repo, '.git') }), { branch: undefined, hasTags: undefined }, 'GIT_DIR set');
  assert.equal(readGitFiles(join(repo, '.git'), env), { branch: undefined, hasTags: undefined }, 'inside the git directory');
  const bare = join(dir, 'bare.git');
  g(dir, 'clone', '-q', '--bare', repo, bare);
  assert.equal(readGitFiles(bare, env), { branch: undefined, hasTags: undefined }, 'a bare repository');
  const outside = scratch();
  assert.equal(readGitFiles(outside, env), { branch: undefined, hasTags: undefined }, 'no repository');
  // HEAD pointing outside refs/heads: %D decides.
  const odd = join(dir, 'odd');
  g(dir, 'clone', '-q', repo, odd);
  g(odd, 'symbolic-ref', 'HEAD', 'refs/remotes/origin/main');
  assert.is(readGitFiles(odd, env).branch, undefined);
});

test.run();
