/**
 * Versioning with changesets: `changeset version`, run on a copy of the
 * workspace's manifests and pending changesets, moves every publishable
 * package to one new version (the fixed group) with a CHANGELOG entry, and
 * leaves the private packages alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@elfkit/fixtures';

interface PackScript {
  publishablePackages(): { dir: string; name: string; version: string }[];
}
const { publishablePackages } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'pack.mjs')).href)) as PackScript;
const work = mkdtempSync(join(tmpdir(), 'elfkit-changesets-'));

test.after(() => rmSync(work, { recursive: true, force: true }));

/** Every package folder of the workspace (packages/* and fixtures). */
function workspaceDirs(): string[] {
  const dirs = readdirSync(join(repoRoot, 'packages')).map((d) => join('packages', d));
  return [...dirs, 'fixtures'].filter((d) => existsSync(join(repoRoot, d, 'package.json')));
}

const manifest = (root: string, dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; private?: boolean; dependencies?: Record<string, string> };

test('the config versions every public @elfkit package as one fixed group, and no private one', () => {
  const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8'));
  assert.equal(config.fixed, [['@elfkit/*']]);
  assert.equal(config.privatePackages, { version: false, tag: false });
  assert.is(config.access, 'public');
  const versions = new Set(publishablePackages().map((p) => p.version));
  assert.is(versions.size, 1, `one version for all: ${[...versions].join(', ')}`);
});

test('changeset version gives every publishable package the same new version and a changelog entry', () => {
  const pending = readdirSync(join(repoRoot, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  if (pending.length === 0) {
    console.log('  (no pending changeset: nothing to version; the config test still runs)');
    return;
  }
  const copy = join(work, 'workspace');
  mkdirSync(copy, { recursive: true });
  for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset']) cpSync(join(repoRoot, f), join(copy, f), { recursive: true });
  for (const d of workspaceDirs()) cpSync(join(repoRoot, d, 'package.json'), join(copy, d, 'package.json'));
  const bin = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
  const r = spawnSync(process.execPath, [bin, 'version'], { cwd: copy, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  const before = publishablePackages();
  const after = before.map((p) => manifest(copy, relative(repoRoot, p.dir)));
  const next = after[0]!.version;
  assert.is.not(next, before[0]!.version, 'the version moved');
  for (const [i, p] of before.entries()) {
    const dir = relative(repoRoot, p.dir);
    assert.is(after[i]!.version, next, `${p.name} in the fixed group`);
    const log = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
    assert.match(log, new RegExp(`^# ${p.name.replace('/', '\\/')}\\n\\n## ${next.replace(/\./g, '\\.')}\\n`), `${p.name} changelog`);
  }
  for (const d of workspaceDirs()) {
    const m = manifest(repoRoot, d);
    if (!m.private) continue;
    assert.is(manifest(copy, d).version, m.version, `${m.name} (private) not versioned`);
    assert.not.ok(existsSync(join(copy, d, 'CHANGELOG.md')), `${m.name} (private) has no changelog`);
  }
  // Internal dependencies stay workspace:* — pnpm pack turns them into the exact version.
  assert.is(manifest(copy, 'packages/cli').dependencies?.['@elfkit/elf'], 'workspace:*');
});

test.run();
