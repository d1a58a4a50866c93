// DWARF that lives in other files: split units (.dwo beside the binary, or
// a .dwp package) reached from their skeletons, and separate debug files
// found by .gnu_debuglink (CRC-checked) or by build ID under
// --debug-file-directory. Checked against llvm-dwarfdump on the debug file
// itself and llvm-symbolizer (which resolves split units through the .dwp).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath, run, skip, which } from '@elfkit/fixtures';
import { parseDebugLine } from './oracle/llvm-dwarfdump.js';
import { elfkit as runCli } from './cli.js';

const elfkit = (...args: string[]) => runCli(args);
const json = <T>(...args: string[]): T => {
  const r = elfkit(...args);
  assert.is(r.status, 0, `elfkit ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

interface Attr {
  name: string;
  form: string;
  value: unknown;
  raw: unknown;
}
interface Info {
  units: { offset: number; unitType: string; file?: string; via?: string; skeleton?: number; dies: { offset: number; tag: string | null; attributes?: Attr[] }[] }[];
  errors: unknown[];
}

const temp = () => mkdtempSync(join(tmpdir(), 'elfkit-dwarf-'));

for (const [name, dwos] of [
  ['gcc-split', ['gcc-split-main.dwo', 'gcc-split-shapes.dwo']],
  ['gcc-split4', ['gcc-split4-main.dwo', 'gcc-split4-shapes.dwo']],
] as const) {
  test(`split DWARF ${name}: skeletons find their .dwo beside the binary, then the .dwp`, () => {
    const binPath = fixturePath(`c/${name}`);
    const dir = temp();
    try {
      // Only the .dwo files: found beside the binary (comp_dir /elfkit/fixtures/c does not exist here).
      copyFileSync(binPath, join(dir, name));
      for (const d of dwos) copyFileSync(fixturePath(`c/${d}`), join(dir, d));
      const viaDwo = json<Info>('dwarf', 'info', '--dwo', '--json', join(dir, name));
      assert.equal(viaDwo.errors, []);
      const splits = viaDwo.units.filter((u) => u.skeleton !== undefined);
      assert.is(splits.length, 2, 'a split unit per skeleton');
      assert.equal(splits.map((u) => u.via), ['dwo', 'dwo']);
      // The split units are those of the .dwo files, DIE for DIE.
      for (const s of splits) {
        const alone = json<Info>('dwarf', 'info', '--json', s.file!);
        const u = alone.units.find((x) => x.offset === s.offset)!;
        assert.equal(s.dies.map((d) => [d.offset, d.tag]), u.dies.map((d) => [d.offset, d.tag]), `${s.file}: DIEs`);
      }
      // Only the package: the same units, found in the .dwp by dwo_id.
      for (const d of dwos) rmSync(join(dir, d));
      copyFileSync(fixturePath(`c/${name}.dwp`), join(dir, `${name}.dwp`));
      const viaDwp = json<Info>('dwarf', 'info', '--dwo', '--json', join(dir, name));
      assert.equal(viaDwp.units.filter((u) => u.skeleton !== undefined).map((u) => u.via), ['dwp', 'dwp']);
      assert.equal(
        viaDwp.units.filter((u) => u.skeleton !== undefined).map((u) => u.dies.map((d) => d.tag)),
        splits.map((u) => u.dies.map((d) => d.tag)),
      );
      // Addresses of split units resolve through the skeleton's .debug_addr:
      // each function's low_pc symbolizes to its name (llvm-symbolizer reads the .dwp).
      const symbolizer = which('llvm-symbolizer');
      if (!symbolizer) return skip('split DWARF addresses', 'llvm-symbolizer not on PATH');
      let checked = 0;
      for (const u of viaDwp.units.filter((x) => x.skeleton !== undefined)) {
        for (const d of u.dies) {
          if (d.tag !== 'DW_TAG_subprogram') continue;
          const low = d.attributes?.find((a) => a.name === 'DW_AT_low_pc');
          const nm = d.attributes?.find((a) => a.name === 'DW_AT_name');
          if (!low || !nm || typeof low.value !== 'string') continue;
          const out = run(symbolizer, ['--obj=' + join(dir, name), low.value]).stdout.split('\n')[0];
          assert.is(out, nm.value, `${name}: function at ${low.value}`);
          checked++;
        }
      }
      assert.ok(checked >= 5, `${checked} functions symbolized`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('split DWARF: a missing split unit is reported, the rest still printed, exit 1', () => {
  const dir = temp();
  try {
    copyFileSync(fixturePath('c/gcc-split'), join(dir, 'gcc-split'));
    const r = elfkit('dwarf', 'info', '--dwo', join(dir, 'gcc-split'));
    assert.is(r.status, 1);
    assert.match(r.stdout, 'DW_TAG_skeleton_unit');
    assert.match(r.stderr, /split unit of skeleton at 0x0 \(gcc-split-main\.dwo\) not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('separate debug file: .gnu_debuglink beside the binary, CRC checked', () => {
  const llvm = which('llvm-dwarfdump');
  const stripped = fixturePath('c/gcc-stripped');
  const debug = fixturePath('c/gcc-stripped.debug');
  const units = json<{ source: { path: string; via: string } }>('dwarf', 'units', '--json', stripped);
  assert.is(units.source.via, 'debuglink');
  assert.is(units.source.path, join(dirname(stripped), 'gcc-stripped.debug'));
  const rows = json<{ address: string; line: number }[]>('lines', '--json', stripped);
  if (!llvm) return skip('separate debug lines', 'llvm-dwarfdump not on PATH');
  const theirs = parseDebugLine(run(llvm, ['--debug-line', debug]).stdout).flatMap((t) => t.rows);
  assert.is(rows.length, theirs.length);
  rows.forEach((r, i) => assert.is(BigInt(r.address), theirs[i]!.address));
  // A debug file whose CRC does not match is not used.
  const dir = temp();
  try {
    copyFileSync(stripped, join(dir, 'gcc-stripped'));
    const bytes = new Uint8Array(readFileSync(debug));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(dir, 'gcc-stripped.debug'), bytes);
    const r = elfkit('lines', join(dir, 'gcc-stripped'));
    assert.is(r.status, 1);
    assert.match(r.stderr, 'no line table');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('separate debug file: build ID under --debug-file-directory', () => {
  const dir = temp();
  try {
    copyFileSync(fixturePath('c/gcc-stripped'), join(dir, 'gcc-stripped'));
    // fixtures/c/debug is a /usr/lib/debug-style tree: .build-id/b8/032a….debug
    const debugDir = dirname(dirname(dirname(fixturePath('c/debug-build-id'))));
    const units = json<{ source: { path: string; via: string } }>('dwarf', 'units', '--json', '--debug-file-directory', debugDir, join(dir, 'gcc-stripped'));
    assert.is(units.source.via, 'build-id');
    const a = json<unknown[]>('lines', '--json', '--debug-file-directory', `/nonexistent:${debugDir}`, join(dir, 'gcc-stripped'));
    const b = json<unknown[]>('lines', '--json', fixturePath('c/gcc-stripped'));
    assert.equal(a, b);
    assert.is(elfkit('lines', join(dir, 'gcc-stripped')).status, 1, 'not found without the directory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** dwz from Debian's archive, fetched once into .cache by scripts/fetch-deb.sh (undefined when that fails). */
function dwz(): string | undefined {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'fetch-deb.sh');
  const r = run('bash', [script, 'bookworm', 'dwz']);
  const root = r.stdout.trim().split('\n').pop();
  const p = root ? join(root, 'usr', 'bin', 'dwz') : undefined;
  return r.status === 0 && p && existsSync(p) ? p : undefined;
}

test('dwz: .gnu_debugaltlink, partial units, DW_FORM_GNU_strp_alt resolved in the supplementary file (against readelf)', () => {
  const tool = dwz();
  if (!tool) return skip('dwz supplementary files', 'dwz could not be fetched (scripts/fetch-deb.sh bookworm dwz)');
  if (!which('readelf')) return skip('dwz supplementary files', 'readelf not on PATH');
  const dir = temp();
  try {
    copyFileSync(fixturePath('c/gcc-dwarf4'), join(dir, 'a'));
    copyFileSync(fixturePath('c/gcc-O2'), join(dir, 'b'));
    const common = join(dir, 'common.debug');
    const made = run(tool, ['-m', common, '-M', common, join(dir, 'a'), join(dir, 'b')]);
    assert.is(made.status, 0, made.stderr);
    for (const bin of ['a', 'b']) {
      const path = join(dir, bin);
      const units = json<{ sup: string | null }>('dwarf', 'units', '--json', path);
      assert.is(units.sup, common);
      const info = json<{ units: { dies: { offset: number; tag: string | null; attributes?: Attr[] }[] }[] }>('dwarf', 'info', '--json', path);
      const dies = info.units.flatMap((u) => u.dies);
      assert.ok(dies.some((d) => d.tag === 'DW_TAG_partial_unit'), 'dwz made a partial unit');
      // readelf resolves alternate strings too: compare every one.
      const theirs = new Map<string, string>();
      let die = -1;
      for (const line of run('readelf', ['--debug-dump=info', path]).stdout.split('\n')) {
        const d = line.match(/^ <\d+><([0-9a-f]+)>:/);
        if (d) die = parseInt(d[1]!, 16);
        const m = line.match(/^\s+<[0-9a-f]+>\s+(DW_AT_\w+)\s*: \(alt indirect string, offset: (?:0x[0-9a-f]+|\d+)\) (.*)$/);
        if (m) theirs.set(`${die}:${m[1]}`, m[2]!);
      }
      let compared = 0;
      for (const d of dies) {
        for (const a of d.attributes ?? []) {
          if (a.form === 'DW_FORM_GNU_strp_alt') {
            assert.is(a.value, theirs.get(`${d.offset}:${a.name}`), `${bin} DIE 0x${d.offset.toString(16)} ${a.name}`);
            compared++;
          }
          if (a.form === 'DW_FORM_GNU_ref_alt') assert.is((a as Attr & { target?: string }).target, 'sup');
        }
      }
      assert.ok(compared > 10 && compared === theirs.size, `${bin}: ${compared} alternate strings`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('info reports the DWARF versions present', () => {
  const v = (f: string) => (json<{ debug: { versions: number[] } }>('info', '--json', fixturePath(f)).debug.versions);
  assert.equal(v('c/gcc-dwarf4'), [4]);
  assert.equal(v('c/gcc-dwarf5'), [5]);
  assert.equal(v('go/go1.19-amd64'), [4]);
});

test.run();
