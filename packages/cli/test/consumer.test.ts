/**
 * The packages as a stranger gets them: every publishable package packed by
 * pnpm (as `pnpm publish` would upload it), checked by publint and
 * @arethetypeswrong/cli, then installed from the tarballs alone into a
 * fresh project outside the workspace, where
 * - Node imports every package and uses it on real binaries;
 * - TypeScript type-checks every entry point (and the declarations
 *   themselves) under moduleResolution node16 and bundler;
 * - esbuild bundles the browser-safe packages for the browser (a Node
 *   built-in fails the build) and the bundle runs in a bare realm;
 * - `npm install -g` of the CLI tarball puts a working `elfkit` on PATH.
 * Third-party dependencies come from the npm registry (cache in .cache/npm).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import vm from 'node:vm';
import { build } from 'esbuild';
import { TarReader } from '@elfkit/image';
import { cacheDir, fixturePath, fixturesDir, repoRoot } from '@elfkit/fixtures';

interface Packed {
  name: string;
  version: string;
  tarball: string;
}
interface PackScript {
  packAll(dest: string): Packed[];
  publishablePackages(): { name: string; manifest: { exports: Record<string, unknown> } }[];
}
const { packAll, publishablePackages } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'pack.mjs')).href)) as PackScript;

/** Packages whose default entry must bundle for a browser (`./node` entries are Node's). */
const BROWSER = ['@elfkit/binary', '@elfkit/elf', '@elfkit/dwarf', '@elfkit/gosym', '@elfkit/size', '@elfkit/unwind', '@elfkit/core', '@elfkit/goruntime', '@elfkit/image', '@elfkit/symbolize', '@elfkit/debuginfod'];
/** Licences a dependency of a published package may carry (all permissive, compatible with MIT). */
const LICENSES = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Apache-2.0 OR MIT', 'MIT OR Apache-2.0']);
const NPM_CACHE = join(cacheDir, 'npm');
const TYPES_NODE = JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version as string;

function exec(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const npmFlags = ['--cache', NPM_CACHE, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const work = mkdtempSync(join(tmpdir(), 'elfkit-consumer-'));
const project = join(work, 'project');
const globalPrefix = join(work, 'global');
let packed: Packed[] = [];
let installs: Promise<[{ code: number | null; out: string }, { code: number | null; out: string }]> | undefined;

test.before(() => {
  packed = packAll(join(work, 'packs'));
  cpSync(join(repoRoot, 'scripts', 'consumer'), project, { recursive: true });
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'elfkit-consumer', private: true, type: 'module', dependencies, devDependencies: { '@types/node': TYPES_NODE } }, null, 2));
  // Both installs at once: they mostly wait on the registry.
  installs = Promise.all([
    exec('npm', ['install', ...npmFlags], { cwd: project }),
    exec('npm', ['install', '-g', '--prefix', globalPrefix, ...npmFlags, ...packed.map((p) => p.tarball)], { cwd: work }),
  ]);
});

test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

test('every publishable package is packed with its LICENSE and README, and no tests or fixtures', async () => {
  const names = publishablePackages().map((p) => p.name);
  assert.equal(packed.map((p) => p.name), names);
  for (const name of ['@elfkit/binary', '@elfkit/elf', '@elfkit/dwarf', '@elfkit/gosym', '@elfkit/cli']) assert.ok(names.includes(name), name);
  assert.not.ok(names.includes('@elfkit/explorer'), 'the explorer is a site inside the CLI, not a package');
  const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
  for (const p of packed) {
    const files = await tarMembers(p.tarball);
    for (const f of ['package/LICENSE', 'package/README.md', 'package/package.json']) assert.ok(files.has(f), `${p.name}: ${f}`);
    assert.is(files.get('package/LICENSE'), license, `${p.name}: the root LICENSE`);
    const bad = [...files.keys()].filter((f) => /\/(test|dist-test|fixtures)\/|\.test\.|tsbuildinfo|\/node_modules\//.test(f));
    assert.equal(bad, [], `${p.name} ships no tests, fixtures or build state`);
    const manifest = JSON.parse(files.get('package/package.json')!) as Record<string, unknown>;
    assert.not.match(JSON.stringify(manifest), /workspace:|catalog:/, `${p.name}: no pnpm-only specifiers`);
    for (const field of ['description', 'keywords', 'homepage', 'repository', 'license', 'engines', 'exports', 'sideEffects']) assert.ok(manifest[field] !== undefined, `${p.name}: ${field}`);
  }
});

test('publint finds nothing in any tarball', async () => {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  for (const p of packed) {
    const b = readFileSync(p.tarball);
    const { messages, pkg } = await publint({ pack: { tarball: b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer }, level: 'suggestion', strict: true });
    assert.equal(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`), [], p.name);
  }
});

test('@arethetypeswrong finds no problem in any tarball (the CLI\'s esm-only profile: node16 from ESM, and bundler)', async () => {
  // @arethetypeswrong/cli's engine in this process (one TypeScript load, not
  // nine), with the CLI's exit rule for --profile esm-only: the packages are
  // ESM only, so node10 and require() from node16 CJS are not judged.
  const { checkPackage, createPackageFromTarballData } = await import('@arethetypeswrong/core');
  const ignored = ['node10', 'node16-cjs'];
  for (const p of packed) {
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(p.tarball))));
    assert.ok(analysis.types, `${p.name} has types`);
    const problems = analysis.types ? analysis.problems.filter((x) => !('resolutionKind' in x) || !ignored.includes(x.resolutionKind)) : [];
    assert.equal(problems, [], p.name);
  }
});

test('installed from the tarballs alone, every dependency has a compatible licence', async () => {
  const [local, global] = await installs!;
  assert.is(local.code, 0, `npm install: ${local.out}`);
  assert.is(global.code, 0, `npm install -g: ${global.out}`);
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; license?: string; resolved?: string }> };
  const prod = Object.entries(lock.packages).filter(([k, v]) => k !== '' && !v.dev);
  assert.ok(prod.length > 20, 'the third-party dependencies were installed');
  for (const [path, v] of prod) {
    if (path.includes('@elfkit/')) assert.match(String(v.resolved), /\.tgz$/, `${path} came from a tarball, not a registry`);
    const license = v.license ?? JSON.parse(readFileSync(join(project, path, 'package.json'), 'utf8')).license;
    assert.ok(LICENSES.has(String(license)), `${path}: licence ${license}`);
  }
});

test('Node imports every package and uses it on real binaries', async () => {
  await installs;
  for (const f of ['c/gcc-dwarf5', 'go/go1.27-amd64']) fixturePath(f);
  const r = await exec(process.execPath, ['use.mjs', fixturesDir, work], { cwd: project });
  assert.is(r.code, 0, r.out);
  const out = JSON.parse(readFileSync(join(work, 'use.json'), 'utf8'));
  assert.equal(out.binary, { uleb: 624485, cstr: 'a', error: 'truncated' });
  assert.equal(out.elf, { x86_64: true, sections: 39, notes: 3, buildId: out.elf.buildId, main: true });
  assert.match(out.elf.buildId, /^[0-9a-f]{40}$/);
  assert.ok(out.dwarf.main && out.dwarf.functions > 5 && out.dwarf.rows > 50, JSON.stringify(out.dwarf));
  assert.equal(out.gosym, { lookup: 'main.main', goVersion: out.gosym.goVersion, raw: true });
  assert.match(out.gosym.goVersion, /^go1\.27/);
  assert.equal(out.size, { fileSize: true, text: true });
  assert.equal(out.core, { threads: 1, frames: ['leaf', 'mid', '_start'], stop: true });
  assert.equal(out.image, { files: ['/usr/bin/hello'], buildId: out.elf.buildId, same: true });
  assert.equal(out.symbolize, { function: 'main', source: 'dwarf', demangled: out.symbolize.demangled });
  assert.match(out.symbolize.demangled, /^geo::accumulate<long, main::\{lambda\(long, long\)#1\}>\(std::vector<long, std::allocator<long> > const&/);
  assert.equal(out.cli, { commands: true, status: 0 });
});

for (const resolution of ['node16', 'bundler']) {
  test(`TypeScript type-checks every entry point under moduleResolution ${resolution}`, async () => {
    await installs;
    const entries = publishablePackages().flatMap((p) =>
      Object.keys(p.manifest.exports)
        .filter((k) => k !== './package.json')
        .map((k, i) => `export * as ${p.name.slice(8).replace(/\W/g, '_')}${i} from '${p.name}${k.slice(1)}';`),
    );
    writeFileSync(join(project, 'entries.ts'), entries.join('\n') + '\n');
    const options =
      resolution === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'esnext', moduleResolution: 'bundler' };
    const config = join(project, `tsconfig.${resolution}.json`);
    writeFileSync(config, JSON.stringify({ compilerOptions: { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['entries.ts', 'typed.ts'] }));
    const r = await exec(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: project });
    assert.is(r.code, 0, r.out);
  });
}

test('esbuild bundles elf, dwarf, gosym, symbolize, size, unwind, core and the image core for the browser; the bundle runs without Node', async () => {
  await installs;
  const entry = join(project, 'browser-all.mjs');
  const installed = BROWSER.filter((n) => existsSync(join(project, 'node_modules', n)));
  writeFileSync(entry, installed.map((n) => `export * as ${n.slice(8)} from '${n}';`).join('\n') + `\nexport { facts } from './browser.mjs';\n`);
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', globalName: 'elfkit', write: false, metafile: true, logLevel: 'silent', absWorkingDir: project });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes('node_modules/@elfkit/elf/')), 'bundled from the installed packages');
  assert.equal(inputs.filter((i) => /^node:|^(fs|path|zlib|os|crypto|stream|child_process|module)$/.test(i)), []);
  const code = result.outputFiles[0]!.text;
  assert.not.match(code, /["']node:[a-z]/, 'no Node built-in named in the bundle');
  // A realm with JavaScript's globals and the web's text codecs only: no require, process, Buffer.
  const realm = vm.createContext({ TextDecoder, TextEncoder });
  vm.runInContext(code, realm);
  const U8 = vm.runInContext('Uint8Array', realm) as Uint8ArrayConstructor;
  const bytes = (b: Uint8Array) => {
    const u = new U8(b.length);
    u.set(b);
    return u;
  };
  const core = gunzipSync(readFileSync(join(fixturesDir, 'core', 'i386-qemu.core.gz')));
  const facts = (vm.runInContext('elfkit.facts', realm) as (c: Uint8Array, go: Uint8Array, core: Uint8Array) => Promise<unknown>);
  const got = JSON.parse(JSON.stringify(await facts(bytes(readFileSync(fixturePath('c/gcc-dwarf5'))), bytes(readFileSync(fixturePath('go/go1.27-amd64'))), bytes(core))));
  assert.equal(got, { buildId: got.buildId, units: got.units, goFunc: 'main.main', sizeTotal: true, threads: 1, modules: true, tar: ['bin/c'] });
  assert.match(got.buildId, /^[0-9a-f]{40}$/);
  assert.ok(got.units >= 2, `${got.units} compile units`);
  assert.is(vm.runInContext('typeof process + typeof require + typeof Buffer', realm), 'undefinedundefinedundefined');
});

test('npm install -g of the CLI tarball puts a working elfkit on PATH (its bundle, the explorer site, iced-x86, the demangler)', async () => {
  await installs;
  const bin = join(globalPrefix, 'bin');
  assert.ok(existsSync(join(bin, 'elfkit')), 'elfkit in the prefix bin');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const cwd = work;
  const version = await exec('elfkit', ['--version'], { cwd, env });
  assert.is(version.out.trim(), packed.find((p) => p.name === '@elfkit/cli')!.version);
  const info = await exec('elfkit', ['info', fixturePath('c/gcc-dwarf5')], { cwd, env });
  assert.is(info.code, 0, info.out);
  assert.match(info.out, /Machine:\s+Advanced Micro Devices X86-64/);
  const go = await exec('elfkit', ['go', 'buildinfo', fixturePath('go/go1.27-amd64')], { cwd, env });
  assert.is(go.code, 0, go.out);
  assert.match(go.out, /: go1\.27/);
  // x86 return scanning loads iced-x86 (WebAssembly) from the installed dependencies.
  const uprobes = await exec('elfkit', ['uprobes', '--json', fixturePath('c/gcc-dwarf5'), 'main'], { cwd, env });
  assert.is(uprobes.code, 0, uprobes.out);
  assert.match(uprobes.out, /iced-x86/);
  // The demangler's WebAssembly, found from the bundled CLI in the installed tree.
  const sym = await exec('elfkit', ['symbolize', `--obj=${fixturePath('cpp/gxx-dwarf5')}`, '0x279f'], { cwd, env });
  assert.is(sym.code, 0, sym.out);
  assert.match(sym.out, /^geo::accumulate<long, main::\{lambda\(long, long\)#1\}>\(std::vector/m);
  const bad = await exec('elfkit', ['info', join(repoRoot, 'LICENSE')], { cwd, env });
  assert.is(bad.code, 1);
  assert.match(bad.out, /^elfkit: /);
  // The explorer's page ships inside the CLI.
  const child = spawn('elfkit', ['explore', fixturePath('c/gcc-dwarf5')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const base = await explorerUrl(child);
    const page = await fetchText(base);
    assert.match(page, /<title>elfkit explorer<\/title>/);
    assert.match(await fetchText(base + 'app.js'), /\S{100}/);
  } finally {
    if (child.pid && child.exitCode === null) child.kill('SIGTERM');
  }
});

function explorerUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s: ${out}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^elfkit explorer: (http:\/\/127\.0\.0\.1:\d+\/)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (c) => reject(new Error(`explore exited ${c}: ${out}`)));
  });
}

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** The files of a .tgz with their bytes, read by @elfkit/image's tar reader. */
async function tarMembers(tgz: string): Promise<Map<string, string>> {
  const bytes = gunzipSync(readFileSync(tgz));
  const reader = new TarReader((async function* () { yield bytes; })(), tgz);
  const files = new Map<string, string>();
  for await (const e of reader) {
    if (e.type !== 'file') continue;
    const parts: Uint8Array[] = [];
    for await (const d of reader.data()) parts.push(d);
    files.set(e.path, Buffer.concat(parts).toString('utf8'));
  }
  return files;
}

test.run();
