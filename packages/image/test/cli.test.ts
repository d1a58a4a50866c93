/**
 * `elfkit image scan` as users run it: the text report, --json, --ndjson,
 * a CycloneDX 1.6 SBOM checked by the CycloneDX schema validator, the
 * progress bar on a terminal (and none when piped), one-line errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fixturePath, repoRoot, skip, esbuildFixtures, which } from '@elfkit/fixtures';
import { elfImageFiles, tempDir, writeOciLayout, writeDockerLegacy } from './support.js';

const cli = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');
const elfkit = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });

const t = tempDir();
let layout = '';
let legacy = '';

test.before(async () => {
  const fx = await esbuildFixtures().catch(() => []);
  const esbuild = fx.find((f) => f.name.includes('esbuild-linux-64@0.14.54'))?.path;
  const files = elfImageFiles(join(t.path, 'work'), { path: fixturePath, esbuild });
  layout = join(t.path, 'lay');
  writeOciLayout(layout, [{ tags: ['v1'], layers: files.layers, annotations: { 'org.opencontainers.image.source': 'https://example.com/acme/app' } }]);
  legacy = join(t.path, 'legacy.tar');
  writeDockerLegacy(legacy, { layers: files.layers });
});
test.after(() => t.done());

test('text report: image, one block per ELF file, summary; warnings on stderr', () => {
  const r = elfkit(['image', 'scan', `${layout}:v1`]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^image +.*\(OCI layout, directory\)\ntags +v1\nmanifest +sha256:[0-9a-f]{64}\nplatform +linux\/amd64\n/);
  assert.match(r.stdout, /annotation +org\.opencontainers\.image\.source=https:\/\/example\.com\/acme\/app\n/);
  assert.match(r.stdout, /\n\/usr\/bin\/stripped\n  links +\/usr\/bin\/stripped-again\n  elf +ELF64 x86-64 DYN \(Position-Independent Executable file\), 17 KB, layer 0\n  interpreter +\/lib64\/ld-linux-x86-64\.so\.2\n  needed +libc\.so\.6\n  build id +b8032aef01367808fa5286957b36d381501ca51f\n/);
  assert.match(r.stdout, /  debug +\/usr\/lib\/debug\/\.build-id\/b8\/032aef01367808fa5286957b36d381501ca51f\.debug \(build id\)\n/);
  assert.match(r.stdout, /\n  go +go1\.27\.3\n  \tpath\texample\.com\/elfkit\/fixture\n/);
  assert.match(r.stdout, /\nELF files +\d+: .*separate debug files/);
  assert.match(r.stdout, /\ndebug missing +\d+: .*\/usr\/bin\/go-sw/);
  assert.match(r.stderr, /^elfkit: .*: warning: ELF file not readable: .*\(blob sha256:[0-9a-f]{64}, entry "usr\/bin\/fake"\)\n$/);
  assert.not.match(r.stderr, /layer \d\/\d/, 'no progress bar when stderr is not a terminal');
});

test('--json and --ndjson carry every fact', () => {
  const j = JSON.parse(elfkit(['image', 'scan', layout, '--json']).stdout);
  const lib = j.files.find((f: { path: string }) => f.path === '/usr/lib/x86_64-linux-gnu/libfoo.so.1');
  assert.is(lib.facts.soname, 'libfoo.so.1');
  assert.equal(lib.facts.packages[0].name, 'libfoo1');
  assert.match(lib.digest, /^sha256:[0-9a-f]{64}$/);
  assert.is(j.image.layers.length, 2);
  const lines = elfkit(['image', 'scan', layout, '--ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines[0].image);
  assert.ok(lines.at(-1).summary);
  assert.is(lines.filter((l) => l.file).length, j.files.length);
  // The legacy docker save of the same layers gives the same files.
  const d = JSON.parse(elfkit(['image', 'scan', legacy, '--json']).stdout);
  assert.equal(
    d.files.map((f: { path: string; digest: string }) => f.path + f.digest),
    j.files.map((f: { path: string; digest: string }) => f.path + f.digest),
  );
});

test('--sbom cyclonedx: valid CycloneDX 1.6 (the CycloneDX library\'s strict JSON validator), Go modules as purls, stdlib, files with build ids', async () => {
  const require = createRequire(import.meta.url);
  let lib: typeof import('@cyclonedx/cyclonedx-library');
  try {
    lib = require('@cyclonedx/cyclonedx-library');
  } catch (e) {
    return skip('cyclonedx validation', String(e));
  }
  const out = join(t.path, 'sbom.json');
  const r = elfkit(['image', 'scan', layout, '--sbom', 'cyclonedx', '-o', out]);
  assert.is(r.status, 0, r.stderr);
  const text = spawnSync('cat', [out], { encoding: 'utf8' }).stdout;
  const errors = await new lib.Validation.JsonStrictValidator(lib.Spec.Version.v1dot6).validate(text);
  assert.is(errors, null, JSON.stringify(errors));
  const bom = JSON.parse(text);
  assert.is(bom.specVersion, '1.6');
  const comps: { type: string; name: string; purl?: string; version?: string; properties?: { name: string; value: string }[] }[] = bom.components;
  const stripped = comps.find((c) => c.name === '/usr/bin/stripped')!;
  assert.ok(stripped.properties!.some((p) => p.name === 'elfkit:build-id' && p.value === 'b8032aef01367808fa5286957b36d381501ca51f'));
  assert.ok(comps.some((c) => c.name === 'stdlib' && c.purl === 'pkg:golang/stdlib@1.27.3' && c.version === 'go1.27.3'));
  const goMods = comps.filter((c) => c.purl?.startsWith('pkg:golang/') && c.name !== 'stdlib');
  if (comps.some((c) => c.name === '/usr/local/bin/esbuild')) {
    const sys = goMods.find((c) => c.name === 'golang.org/x/sys');
    assert.ok(sys && sys.purl === `pkg:golang/golang.org/x/sys@${sys.version}`, 'a dependency as pkg:golang/…@version');
    const dep = bom.dependencies.find((d: { ref: string }) => d.ref === 'file:/usr/local/bin/esbuild');
    assert.ok(dep.dependsOn.includes(sys!.purl));
  }
  // The validator does reject a broken document.
  bom.components[0].hashes = [{ alg: 'SHA256', content: 'x' }];
  assert.ok(await new lib.Validation.JsonStrictValidator(lib.Spec.Version.v1dot6).validate(JSON.stringify(bom)));
});

test('progress bar on a terminal, cleared at the end', () => {
  if (!which('script')) return skip('progress on a terminal', 'script(1) not installed');
  const log = join(t.path, 'tty.log');
  const r = spawnSync('script', ['-qec', `${process.execPath} ${cli} image scan ${layout} > ${join(t.path, 'out.txt')}`, log], { encoding: 'utf8', env: { ...process.env, COLUMNS: '120', ELFKIT_PROGRESS_DELAY_MS: '0' } });
  assert.is(r.status, 0, r.stderr);
  const tty = spawnSync('cat', [log], { encoding: 'latin1' }).stdout;
  assert.match(tty, /scanning .*\| layer [12]\/2 \|/, 'the bar is drawn on the terminal');
  assert.match(spawnSync('cat', [join(t.path, 'out.txt')], { encoding: 'utf8' }).stdout, /^image /, 'the report still goes to stdout');
});

test('errors: one line, exit status 1', () => {
  const bad = join(t.path, 'not-an-image.tar');
  writeFileSync(bad, 'hello');
  for (const [args, text] of [
    [['image', 'scan', join(t.path, 'nope')], /^elfkit: .*nope: no such file\n$/],
    [['image', 'scan', bad], /^elfkit: .*not-an-image\.tar: not a tar archive \(\d+ bytes\) \(blob .*not-an-image\.tar, offset 0x0\)\n$/],
    [['image', 'scan', layout, '--platform', 'linux/riscv64'], /^elfkit: .*: no image for platform linux\/riscv64 \(there are: linux\/amd64 v1\)\n$/],
  ] as const) {
    const r = elfkit([...args]);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, text);
  }
});

test.run();
