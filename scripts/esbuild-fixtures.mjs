#!/usr/bin/env node
// Real third-party Go binaries for tests: pinned esbuild platform packages
// from the npm registry, one per Go pclntab magic on linux x86-64 and more
// for 386, arm64 and big-endian s390x. Nothing is committed; binaries are
// cached under <repo>/.cache/esbuild/<pkg>@<version>/esbuild.
//
//   node scripts/esbuild-fixtures.mjs          fetch what is missing (npm pack),
//                                              verify every sha256, print JSON
//                                              [{name, path, sha256, arch, goVersion, magic}]
//   node scripts/esbuild-fixtures.mjs --list   print the pinned list (no network),
//                                              with `cached` telling what is on disk
//
// As a module: `await esbuildFixtures()` returns the same array as the
// default mode; `ESBUILD_FIXTURES` is the pinned list. Node built-ins only.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const esbuildCacheDir = join(repoRoot, '.cache', 'esbuild');

/**
 * Pinned packages. magic = first u32 of .gopclntab in the file's byte order;
 * goVersion from the Go build info, or (0.28.2, which has no .go.buildinfo
 * section and no Go build ID note) from the runtime.buildVersion string.
 */
export const ESBUILD_FIXTURES = Object.freeze([
  { pkg: 'esbuild-linux-64', version: '0.8.9', arch: 'amd64', goVersion: 'go1.15.5', magic: '0xfffffffb',
    sha256: '34d025e88c5104ff8292bdebc808cca5014f21a31ac478fc4a7657b02761ae80' },
  { pkg: 'esbuild-linux-64', version: '0.13.15', arch: 'amd64', goVersion: 'go1.17.2', magic: '0xfffffffa',
    sha256: '593df79f645e8c303491a3124a0d998c9c3e4dbef7eee5f9cc112cac46fe3d0a' },
  { pkg: 'esbuild-linux-64', version: '0.14.54', arch: 'amd64', goVersion: 'go1.19', magic: '0xfffffff0',
    sha256: 'd83565c6c08a43b1b20c1d1858aecdc2b16c6b24033d5961793de16fbf108f0f' },
  { pkg: '@esbuild/linux-x64', version: '0.17.19', arch: 'amd64', goVersion: 'go1.20.4', magic: '0xfffffff1',
    sha256: '1cddecd699b9e839e3c5cad6b9b0bf31f16e6e536c9885ca4cfb94d9ac60d3b8' },
  { pkg: '@esbuild/linux-x64', version: '0.28.2', arch: 'amd64', goVersion: 'go1.26.5', magic: '0xfffffff1',
    sha256: 'e1698a3d5c6c0798fee4fd3b5cc816651f460c63d390a7a26ea4beb0b1884100',
    notes: 'no .go.buildinfo section and no Go build ID note (`go version` says "not a Go executable")' },
  { pkg: 'esbuild-linux-32', version: '0.14.54', arch: '386', goVersion: 'go1.19', magic: '0xfffffff0',
    sha256: '815b5e351e887a2339becfc19702dc1a43575dda0e46a8df475894b7587cc814' },
  { pkg: '@esbuild/linux-ia32', version: '0.28.2', arch: '386', goVersion: 'go1.26.5', magic: '0xfffffff1',
    sha256: 'b1e2d87d79f9a2baa0d3043cdf0dc6716f9f2eea66c58f47588641fd6019f36f', notes: 'no .go.buildinfo section' },
  { pkg: 'esbuild-linux-arm64', version: '0.13.15', arch: 'arm64', goVersion: 'go1.17.2', magic: '0xfffffffa',
    sha256: 'dcd6333be71e62cbccfbc57cc44b8171dbef02cc6ae011a7cb003f37c0bcc14f' },
  { pkg: '@esbuild/linux-arm64', version: '0.28.2', arch: 'arm64', goVersion: 'go1.26.5', magic: '0xfffffff1',
    sha256: '90bd269553d258e80b19e3ccab4f98f0831f87442a2f056510ce24fd1b425fc2', notes: 'no .go.buildinfo section' },
  { pkg: 'esbuild-linux-s390x', version: '0.15.18', arch: 's390x', goVersion: 'go1.19.3', magic: '0xfffffff0',
    sha256: 'b58a8937602a08689cc2f2b41c5da3ec90cead5192027a1462b457b0af121c49' },
  { pkg: '@esbuild/linux-s390x', version: '0.28.2', arch: 's390x', goVersion: 'go1.26.5', magic: '0xfffffff1',
    sha256: 'bbbc1f92a76a5ca6e2976065222e42b02797363a1f119490dda315f74047741f', notes: 'no .go.buildinfo section' },
].map((e) => Object.freeze({ name: `${e.pkg}@${e.version}`, ...e })));

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const binPath = (e) => join(esbuildCacheDir, e.name, 'esbuild');

/** The bytes of `want` inside a (ustar/pax) tar archive, or undefined. */
function tarEntry(tar, want) {
  let longName;
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const field = (a, n) => h.toString('latin1', a, a + n).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]);
    const prefix = h.toString('latin1', 257, 263).startsWith('ustar') ? field(345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const data = tar.subarray(off + 512, off + 512 + size);
    longName = undefined;
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
    } else if ((type === '0' || type === '\0') && name === want) {
      return data;
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function fetchOne(e) {
  const dir = join(esbuildCacheDir, e.name);
  mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', `${e.pkg}@${e.version}`, '--json', '--pack-destination', dir], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tgz = join(dir, JSON.parse(out)[0].filename);
  try {
    const bin = tarEntry(gunzipSync(readFileSync(tgz)), 'package/bin/esbuild');
    if (!bin) throw new Error(`${e.name}: package/bin/esbuild not found in ${tgz}`);
    const got = sha256(bin);
    if (got !== e.sha256) throw new Error(`${e.name}: sha256 ${got}, pinned ${e.sha256}`);
    writeFileSync(binPath(e) + '.tmp', bin, { mode: 0o755 });
    renameSync(binPath(e) + '.tmp', binPath(e));
  } finally {
    rmSync(tgz, { force: true });
  }
}

const result = (e) => ({ name: e.name, path: binPath(e), sha256: e.sha256, arch: e.arch, goVersion: e.goVersion, magic: e.magic });

/**
 * Fetches (npm pack) every pinned binary not yet cached, verifies every
 * cached one by sha256 (a mismatching file is fetched again) and returns
 * [{name, path, sha256, arch, goVersion, magic}].
 */
export async function esbuildFixtures() {
  for (const e of ESBUILD_FIXTURES) {
    const p = binPath(e);
    if (existsSync(p) && sha256(readFileSync(p)) === e.sha256) continue;
    process.stderr.write(`esbuild-fixtures: fetching ${e.name}\n`);
    fetchOne(e);
  }
  return ESBUILD_FIXTURES.map(result);
}

/** The pinned list with `cached: true` where the binary is on disk (not re-hashed). */
export function esbuildFixtureList() {
  return ESBUILD_FIXTURES.map((e) => ({ ...result(e), pkg: e.pkg, version: e.version, notes: e.notes ?? null, cached: existsSync(binPath(e)) }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--list')) {
    console.error('usage: node scripts/esbuild-fixtures.mjs [--list]');
    process.exit(2);
  }
  try {
    const out = args.includes('--list') ? esbuildFixtureList() : await esbuildFixtures();
    console.log(JSON.stringify(out, null, 2));
  } catch (err) {
    console.error(`esbuild-fixtures: ${err.message}`);
    process.exit(1);
  }
}
