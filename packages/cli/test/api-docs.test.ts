/**
 * The API reference (`pnpm docs`): typedoc over every publishable package
 * with the repository's typedoc.json, whose validation makes an
 * undocumented export, a broken {@link} or a public type that is not
 * exported an error. The site is written to a temporary folder (docs/api is
 * not committed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@elfkit/fixtures';

interface PackScript {
  publishablePackages(): { dir: string; name: string; manifest: { exports: Record<string, unknown> } }[];
}
const { publishablePackages } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'pack.mjs')).href)) as PackScript;
const TYPEDOC = join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');
const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as { entryPoints: string[]; treatValidationWarningsAsErrors?: boolean; validation: Record<string, boolean> };
const work = mkdtempSync(join(tmpdir(), 'elfkit-docs-'));

function typedoc(args: string[], cwd = repoRoot): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TYPEDOC, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test.after(() => rmSync(work, { recursive: true, force: true }));

test('typedoc.json documents exactly the publishable packages, with every validation on', () => {
  assert.equal([...config.entryPoints].sort(), publishablePackages().map((p) => relative(repoRoot, p.dir)).sort());
  assert.is(config.treatValidationWarningsAsErrors, true);
  for (const v of ['notExported', 'invalidLink', 'notDocumented']) assert.is(config.validation[v], true, v);
});

test('typedoc builds the site with no warning, and every entry point of every package is a module of it', async () => {
  const r = await typedoc(['--out', join(work, 'site'), '--json', join(work, 'api.json')]);
  assert.is(r.code, 0, r.out);
  assert.not.match(r.out, /\[warning\]|\[error\]/, r.out);
  assert.ok(existsSync(join(work, 'site', 'index.html')), 'the site');
  type Node = { name: string; kind: number; children?: Node[] };
  const project = JSON.parse(readFileSync(join(work, 'api.json'), 'utf8')) as Node;
  const MODULE = 2;
  for (const p of publishablePackages()) {
    const pkg = project.children?.find((c) => c.name === p.name);
    assert.ok(pkg, `${p.name} in the reference`);
    const entries = Object.keys(p.manifest.exports).filter((k) => k !== './package.json');
    if (entries.length === 1) {
      assert.ok((pkg!.children ?? []).length > 0, `${p.name} documents its exports`);
      continue;
    }
    // A package with several entry points has one module per entry: its own name for `.`, the subpath for the rest.
    const modules = (pkg!.children ?? []).filter((c) => c.kind === MODULE).map((c) => c.name).sort();
    assert.equal(modules, entries.map((k) => (k === '.' ? p.name : k.slice(2))).sort(), p.name);
  }
});

test('the same settings fail on an undocumented export', async () => {
  const pkg = join(work, 'probe');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'probe', version: '0.0.0', type: 'module', exports: { '.': { types: './src/index.ts', default: './src/index.ts' } } }));
  writeFileSync(join(pkg, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true }, include: ['src'] }));
  writeFileSync(join(pkg, 'src', 'index.ts'), '/** Documented. */\nexport function documented(): number {\n  return 1;\n}\nexport function bare(): number {\n  return 2;\n}\n');
  writeFileSync(join(work, 'typedoc.json'), JSON.stringify({ extends: [join(repoRoot, 'typedoc.json')], entryPoints: [pkg], readme: 'none', out: join(work, 'probe-site') }));
  const r = await typedoc(['--options', join(work, 'typedoc.json')], work);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /bare .*does not have any documentation/);
  assert.not.match(r.out, /\bdocumented \(.*does not have any documentation/);
});

test.run();
