// elfkit stamp: git facts read with the git command, CI facts, build time,
// determinism, re-stamping, `stamp show` from every placement, and
// `stamp verify`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath, run } from '@elfkit/fixtures';
import { ciFacts } from '../dist/stamp/ci.js';
import { redactUrl } from '../dist/stamp/url.js';
import { elfkit, scratch, sha256File, tool } from './support.js';

const git = tool('git', 'stamp git facts');
const dir = scratch();
const repo = join(dir, 'repo');
const app = join(dir, 'app');
copyFileSync(fixturePath('c/gcc-pie'), app);
const clean = { ...process.env };
for (const k of Object.keys(clean)) if (/^(CI|GITHUB_|GITLAB_|CI_|JENKINS_|BUILDKITE|BUILD_|JOB_NAME|SOURCE_DATE_EPOCH)/.test(k)) delete clean[k];
const env = { ...clean, SOURCE_DATE_EPOCH: '1700000000' };
const gitEnv = { ...env, GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

function g(...args: string[]): string {
  const r = run(git!, ['-C', repo, ...args], { env: gitEnv });
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

if (git) {
  run('mkdir', ['-p', repo]);
  g('init', '-q', '-b', 'main');
  g('config', 'user.name', 'Test');
  g('config', 'user.email', 'test@example.com');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  g('add', 'a.txt');
  g('commit', '-q', '-m', 'one');
  g('tag', 'v1.0.0');
  writeFileSync(join(repo, 'a.txt'), 'two\n');
  g('commit', '-q', '-am', 'two');
  g('remote', 'add', 'origin', 'https://builder:s3cret-token@git.example.com/org/app.git?private_token=abc#frag');
}

interface Shown {
  placement: { kind: string; section: string | null; loadable: boolean };
  stamp: {
    type: string;
    schemaVersion: number;
    git: { commit: string; shortCommit: string; branch: string | null; tag: string | null; describe: string; dirty: boolean; commitTime: string; remote: string | null } | null;
    build: { time: string; timeSource: string };
    ci: Record<string, string | null> | null;
    binary: Record<string, string | null>;
    extra: Record<string, string>;
  };
}

function stampOf(file: string): Shown[] {
  const r = elfkit(['stamp', 'show', file, '--json']);
  assert.is(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { stamps: Shown[] }).stamps;
}

function stamp(args: string[], e: NodeJS.ProcessEnv = env) {
  const r = elfkit(['stamp', app, ...args], { env: e, cwd: repo });
  return r;
}

test('git facts: commit, short commit, branch, tag and describe, clean tree, commit time, remote without credentials', () => {
  if (!git) return;
  const out = join(dir, 'g1');
  const r = stamp(['-o', out, '--set', 'release=1.2', '--set', 'channel=beta']);
  assert.is(r.status, 0, r.stderr);
  const [s] = stampOf(out);
  const head = g('rev-parse', 'HEAD');
  assert.equal(s!.stamp.git, {
    commit: head,
    shortCommit: g('rev-parse', '--short', 'HEAD'),
    branch: 'main',
    tag: 'v1.0.0',
    describe: `v1.0.0-1-g${g('rev-parse', '--short', 'HEAD')}`,
    dirty: false,
    commitTime: '2024-01-02T03:04:05Z',
    remote: 'https://git.example.com/org/app.git',
  });
  assert.is(s!.stamp.type, 'elfkit-stamp');
  assert.is(s!.stamp.schemaVersion, 1);
  assert.equal(s!.stamp.build, { time: '2023-11-14T22:13:20Z', timeSource: 'SOURCE_DATE_EPOCH' });
  assert.equal(s!.stamp.extra, { channel: 'beta', release: '1.2' });
  assert.is(s!.stamp.ci, null);
  assert.match(String(s!.stamp.binary.buildId), /^[0-9a-f]{40}$/);
  assert.equal(s!.placement, { kind: 'note', section: '.note.elfkit.stamp', loadable: false, offset: s!.placement['offset' as never], alone: true } as never);
  assert.not.match(readFileSync(out).toString('latin1'), /s3cret|private_token/);
});

test('dirty: tracked changes count, untracked files do not; a detached HEAD has no branch', () => {
  if (!git) return;
  writeFileSync(join(repo, 'untracked.txt'), 'x');
  assert.is(stamp(['-o', join(dir, 'd0')]).status, 0);
  assert.is(stampOf(join(dir, 'd0'))[0]!.stamp.git!.dirty, false);
  writeFileSync(join(repo, 'a.txt'), 'changed\n');
  assert.is(stamp(['-o', join(dir, 'd1')]).status, 0);
  assert.is(stampOf(join(dir, 'd1'))[0]!.stamp.git!.dirty, true);
  g('checkout', '-q', 'a.txt');
  g('checkout', '-q', '--detach', 'v1.0.0');
  assert.is(stamp(['-o', join(dir, 'd2')]).status, 0);
  const d2 = stampOf(join(dir, 'd2'))[0]!.stamp.git!;
  assert.is(d2.branch, null);
  assert.is(d2.describe, 'v1.0.0');
  g('checkout', '-q', 'main');
});

test('without tags (no history walk): describe is the short commit and dirty agrees with git describe --dirty; tags packed or seen from a worktree still count', () => {
  if (!git) return;
  const bare = join(dir, 'notags');
  const gb = (...args: string[]) => {
    const r = run(git!, ['-C', bare, ...args], { env: gitEnv });
    assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  run('mkdir', ['-p', bare]);
  gb('init', '-q', '-b', 'main');
  writeFileSync(join(bare, 'a.txt'), 'one\n');
  writeFileSync(join(bare, 'b.txt'), 'b\n');
  gb('add', 'a.txt', 'b.txt');
  gb('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one');
  const facts = (cwd: string, name: string) => {
    const r = elfkit(['stamp', app, '-o', join(dir, name)], { env, cwd });
    assert.is(r.status, 0, r.stderr);
    return stampOf(join(dir, name))[0]!.stamp.git!;
  };
  // Each state against git's own answer.
  const check = (name: string, dirty: boolean) => {
    const f = facts(bare, name);
    const described = gb('describe', '--tags', '--always', '--dirty=+dirty');
    assert.is(f.dirty, dirty, name);
    assert.is(f.dirty, described.endsWith('+dirty'), `${name}: git describe says ${described}`);
    assert.is(f.describe, f.shortCommit);
    assert.is(f.describe, described.replace(/\+dirty$/, ''));
    assert.is(f.tag, null);
  };
  check('nt-clean', false);
  writeFileSync(join(bare, 'untracked.txt'), 'x');
  check('nt-untracked', false);
  // Same content, new modification time: only the stat data differ.
  writeFileSync(join(bare, 'a.txt'), 'one\n');
  run('touch', ['-d', '2030-01-01', join(bare, 'b.txt')]);
  check('nt-touched', false);
  writeFileSync(join(bare, 'a.txt'), 'two\n');
  check('nt-changed', true);
  gb('add', 'a.txt');
  check('nt-staged', true);
  gb('reset', '-q', '--hard');
  check('nt-reset', false);
  // A tag in packed-refs only, seen from a linked worktree: describe runs.
  gb('tag', 'v9');
  gb('pack-refs', '--all');
  const wt = join(dir, 'notags-wt');
  gb('worktree', 'add', '-q', '--detach', wt);
  const w = facts(wt, 'nt-worktree');
  assert.is(w.tag, 'v9');
  assert.is(w.describe, 'v9');
  assert.is(w.branch, null);
  assert.is(w.dirty, false);
});

test('same inputs give byte-identical output (SOURCE_DATE_EPOCH); without it the clock is recorded', () => {
  if (!git) return;
  const a = join(dir, 'same-a');
  const b = join(dir, 'same-b');
  assert.is(stamp(['-o', a, '--set', 'k=v']).status, 0);
  assert.is(stamp(['-o', b, '--set', 'k=v']).status, 0);
  assert.is(sha256File(a), sha256File(b));
  const c = join(dir, 'clock');
  assert.is(stamp(['-o', c], clean).status, 0);
  const build = stampOf(c)[0]!.stamp.build;
  assert.is(build.timeSource, 'clock');
  assert.ok(Math.abs(Date.parse(build.time) - Date.now()) < 120_000);
});

test('stamping again replaces the stamp, in any placement, and stamp show reads each placement', () => {
  const f = join(dir, 'restamp');
  copyFileSync(app, f);
  const once = (args: string[]) => {
    const r = elfkit(['stamp', f, '--in-place', '--no-git', ...args], { env });
    assert.is(r.status, 0, r.stderr);
    const found = stampOf(f);
    assert.is(found.length, 1, `one stamp after stamp ${args.join(' ')}`);
    return found[0]!;
  };
  const sizes: number[] = [];
  const a = once(['--set', 'n=1']);
  sizes.push(readFileSync(f).length);
  assert.equal(a.placement.kind, 'note');
  const b = once(['--set', 'n=22']);
  sizes.push(readFileSync(f).length);
  assert.is(b.stamp.extra.n, '22');
  const c = once(['--section', '.elfkit_stamp']);
  assert.equal([c.placement.kind, c.placement.section], ['section', '.elfkit_stamp']);
  const d = once(['--loadable', '--set', 'n=3']);
  assert.equal([d.placement.kind, d.placement.loadable], ['note', true]);
  const e = once(['--loadable', '--set', 'n=4444']);
  assert.equal(e.stamp.extra, { n: '4444' });
  const g2 = once(['--note', '--section', '.note.package']);
  assert.equal([g2.placement.section, g2.placement.loadable], ['.note.package', false]);
  // readelf decodes it as FDO package metadata, as it does systemd's .note.package.
  const re = run('readelf', ['-n', '-W', f]);
  assert.match(re.stdout, /FDO_PACKAGING_METADATA[\s\S]*Packaging Metadata: \{"type":"elfkit-stamp"/);
  assert.ok(sizes[1]! - sizes[0]! < 16, 'a re-stamp replaces, it does not add');
});

test('stamp show reads a loaded stamp from a file without section headers (through PT_NOTE)', () => {
  const f = join(dir, 'noshdr');
  copyFileSync(app, f);
  assert.is(elfkit(['stamp', f, '--in-place', '--loadable', '--no-git', '--set', 'x=y'], { env }).status, 0);
  const b = readFileSync(f);
  b.writeBigUInt64LE(0n, 0x28); // e_shoff
  b.writeUInt16LE(0, 0x3c); // e_shnum
  b.writeUInt16LE(0, 0x3e); // e_shstrndx
  writeFileSync(f, b);
  const [s] = stampOf(f);
  assert.equal([s!.placement.kind, s!.stamp.extra], ['segment', { x: 'y' }]);
  const text = elfkit(['stamp', 'show', f]);
  assert.match(text.stdout, /extra x:\s+y/);
});

test('stamp verify: matching commit (full or prefix), mismatch, dirty tree with --clean', () => {
  if (!git) return;
  const f = join(dir, 'v');
  assert.is(stamp(['-o', f]).status, 0);
  const head = g('rev-parse', 'HEAD');
  let r = elfkit(['stamp', 'verify', f, '--commit', head, '--clean']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /matches commit/);
  assert.is(elfkit(['stamp', 'verify', f, '--commit', head.slice(0, 8)]).status, 0);
  r = elfkit(['stamp', 'verify', f, '--commit', 'deadbeef']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*: stamp commit [0-9a-f]+ does not match deadbeef\n$/);
  writeFileSync(join(repo, 'a.txt'), 'dirty\n');
  const dirty = join(dir, 'v-dirty');
  assert.is(stamp(['-o', dirty]).status, 0);
  g('checkout', '-q', 'a.txt');
  r = elfkit(['stamp', 'verify', dirty, '--commit', head, '--clean']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*: built from a dirty work tree at [0-9a-f]+\n$/);
  assert.is(elfkit(['stamp', 'verify', dirty, '--commit', head]).status, 0);
  r = elfkit(['stamp', 'verify', app, '--commit', head]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /no elfkit stamp found/);
});

test('outside a repository, or without git, the error says so', () => {
  let r = elfkit(['stamp', app, '-o', join(dir, 'x1'), '--git-dir', dir], { env });
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*: not a git repository: .*\n$/);
  r = elfkit(['stamp', app, '-o', join(dir, 'x2')], { env: { ...env, PATH: join(dir, 'empty-path') }, cwd: repo });
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*: git is not installed.*\n$/);
  // sh on PATH but no git: the batch of git calls reports the same.
  const shOnly = join(dir, 'sh-only');
  run('mkdir', ['-p', shOnly]);
  symlinkSync('/bin/sh', join(shOnly, 'sh'));
  r = elfkit(['stamp', app, '-o', join(dir, 'x4')], { env: { ...env, PATH: shOnly }, cwd: repo });
  assert.is(r.status, 1);
  assert.match(r.stderr, /^elfkit: .*: git is not installed.*\n$/);
  r = elfkit(['stamp', app, '-o', join(dir, 'x3'), '--no-git', '--set', 'novalue'], { env });
  assert.is(r.status, 2);
});

test('CI facts from GitHub Actions, GitLab CI, Jenkins, Buildkite and a generic CI', () => {
  assert.is(ciFacts({}), null);
  assert.equal(ciFacts({ CI: 'true' })?.provider, 'generic');
  assert.is(ciFacts({ CI: 'false' }), null);
  const gh = ciFacts({ GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42', GITHUB_RUN_NUMBER: '7', GITHUB_WORKFLOW: 'build', GITHUB_JOB: 'linux', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'abc' });
  assert.equal(gh, { provider: 'github-actions', repository: 'o/r', pipeline: 'build', job: 'linux', runId: '42', runNumber: '7', url: 'https://github.com/o/r/actions/runs/42', ref: 'refs/heads/main', commit: 'abc' });
  const gl = ciFacts({ GITLAB_CI: 'true', CI_PROJECT_PATH: 'g/p', CI_PIPELINE_ID: '9', CI_JOB_NAME: 'build', CI_JOB_ID: '99', CI_PIPELINE_IID: '3', CI_JOB_URL: 'https://gitlab-ci-token:xyz@gitlab.example.com/g/p/-/jobs/99', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_SHA: 'def' });
  assert.equal(gl?.url, 'https://gitlab.example.com/g/p/-/jobs/99');
  assert.equal([gl?.provider, gl?.runId, gl?.job], ['gitlab-ci', '99', 'build']);
  const jk = ciFacts({ JENKINS_URL: 'https://ci.example.com/', JOB_NAME: 'app', BUILD_NUMBER: '12', BUILD_URL: 'https://ci.example.com/job/app/12/', GIT_COMMIT: 'f00' });
  assert.equal([jk?.provider, jk?.pipeline, jk?.runNumber, jk?.commit], ['jenkins', 'app', '12', 'f00']);
  const bk = ciFacts({ BUILDKITE: 'true', BUILDKITE_PIPELINE_SLUG: 'app', BUILDKITE_BUILD_NUMBER: '5', BUILDKITE_BUILD_URL: 'https://buildkite.com/o/app/builds/5', BUILDKITE_BRANCH: 'main', BUILDKITE_REPO: 'https://u:p@github.com/o/app.git' });
  assert.equal([bk?.provider, bk?.runNumber, bk?.repository], ['buildkite', '5', 'https://github.com/o/app.git']);
});

test('CI facts reach the stamp through the environment', () => {
  const f = join(dir, 'ci');
  const r = elfkit(['stamp', app, '-o', f, '--no-git'], { env: { ...env, GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1', GITHUB_SERVER_URL: 'https://github.com' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(stampOf(f)[0]!.stamp.ci!.url, 'https://github.com/o/r/actions/runs/1');
});

test('remote URLs lose credentials, query strings and fragments', () => {
  assert.is(redactUrl('https://user:pass@host/o/r.git'), 'https://host/o/r.git');
  assert.is(redactUrl('https://oauth2:tok@gitlab.com/o/r.git?x=1#y'), 'https://gitlab.com/o/r.git');
  assert.is(redactUrl('ssh://git@host:22/o/r.git'), 'ssh://host:22/o/r.git');
  assert.is(redactUrl('git@github.com:o/r.git'), 'git@github.com:o/r.git');
  assert.is(redactUrl('/srv/git/r.git'), '/srv/git/r.git');
});

test.run();
