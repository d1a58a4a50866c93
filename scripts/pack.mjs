#!/usr/bin/env node
// Packs every publishable package (packages/* without "private") with pnpm,
// which turns `workspace:*` and `catalog:` into the versions a registry
// user gets, into one folder of tarballs — what `pnpm publish` would upload.
// Run after a build (`pnpm pack:all` builds first).
//
// Usage: node scripts/pack.mjs [destination]   (default .cache/packs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages a registry user can install: `{ dir, name, version, manifest }`, in folder order. */
export function publishablePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'package.json')))
    .map((d) => ({ dir: join(dir, d), manifest: JSON.parse(readFileSync(join(dir, d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private)
    .map((p) => ({ dir: p.dir, name: p.manifest.name, version: p.manifest.version, manifest: p.manifest }));
}

/** The tarball file name pnpm and npm give a package (`@elfkit/elf` 1.0.0 → `elfkit-elf-1.0.0.tgz`). */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * pnpm as this process was started by it (`pnpm test`), else the pinned one
 * through npx. pnpm 12 from npm is a native executable (npm_execpath names
 * it), older ones a script for node.
 */
function pnpm() {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(exec)) return /\.[cm]?js$/.test(exec) ? [process.execPath, [exec]] : [exec, []];
  return ['npx', ['-y', 'pnpm@12.4.2']];
}

/** Packs every publishable package into `dest` (emptied first); returns `{ name, version, tarball }` for each. */
export function packAll(dest = join(root, '.cache', 'packs')) {
  dest = resolve(dest);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const pkgs = publishablePackages();
  const [cmd, pre] = pnpm();
  const filters = pkgs.flatMap((p) => ['--filter', p.name]);
  const r = spawnSync(cmd, [...pre, '-r', ...filters, 'pack', '--pack-destination', dest], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pnpm pack failed (${r.status}): ${r.stderr || r.stdout}`);
  return pkgs.map((p) => {
    const tarball = join(dest, tarballName(p.name, p.version));
    if (!existsSync(tarball)) throw new Error(`pnpm pack wrote no ${tarball}`);
    return { name: p.name, version: p.version, tarball };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const p of packAll(process.argv[2])) console.log(p.tarball);
}
