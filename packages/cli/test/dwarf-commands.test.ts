// The other `elfkit dwarf` subcommands and options: abbreviation tables,
// aranges and string sections against llvm-dwarfdump (parsed into records),
// `dwarf info --offset/--name` against the full dump, `lines --cu`, and the
// range and location lists against the values the full dump resolved.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixturePath, run, skip, which } from '@elfkit/fixtures';
import { unescapeC } from './oracle/llvm-dwarfdump.js';
import { elfkit as runCli } from './cli.js';

const json = <T>(...args: string[]): T => {
  const r = runCli(args);
  assert.is(r.status, 0, `elfkit ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
const llvm = which('llvm-dwarfdump');
const FIXTURES = ['c/gcc-O2', 'c/clang-O2', 'c/gcc-dwarf4', 'c/gcc-dwarf64', 'cpp/gxx-dwarf5', 'go/go1.19-s390x'];

interface Abbrevs {
  tables: { offset: number; abbrevs: { code: number; tag: string; children: boolean; attributes: { name: string; form: string; value?: number }[] }[] }[];
}

test('dwarf abbrev: every table the units use, against llvm-dwarfdump --debug-abbrev', () => {
  if (!llvm) return skip('dwarf abbrev oracle', 'llvm-dwarfdump not on PATH');
  for (const f of FIXTURES) {
    const path = fixturePath(f);
    const mine = json<Abbrevs>('dwarf', 'abbrev', '--json', path);
    const theirs: Abbrevs['tables'] = [];
    for (const line of run(llvm, ['--debug-abbrev', path]).stdout.split('\n')) {
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^Abbrev table for offset: 0x([0-9a-f]+)/))) theirs.push({ offset: parseInt(m[1]!, 16), abbrevs: [] });
      else if ((m = line.match(/^\[(\d+)\] (DW_TAG_\w+)\tDW_CHILDREN_(yes|no)/))) theirs.at(-1)!.abbrevs.push({ code: Number(m[1]), tag: m[2]!, children: m[3] === 'yes', attributes: [] });
      else if ((m = line.match(/^\t(DW_AT_\w+)\t(DW_FORM_\w+)(?:\t(-?\d+))?/))) {
        const a: { name: string; form: string; value?: number } = { name: m[1]!, form: m[2]! };
        if (m[3] !== undefined) a.value = Number(m[3]);
        theirs.at(-1)!.abbrevs.at(-1)!.attributes.push(a);
      }
    }
    const sorted = (t: Abbrevs['tables']) => [...t].sort((a, b) => a.offset - b.offset).map((x) => ({ ...x, abbrevs: [...x.abbrevs].sort((a, b) => a.code - b.code) }));
    assert.equal(sorted(mine.tables), sorted(theirs), f);
  }
});

test('dwarf aranges: against llvm-dwarfdump --debug-aranges', () => {
  if (!llvm) return skip('dwarf aranges oracle', 'llvm-dwarfdump not on PATH');
  for (const f of FIXTURES) {
    const path = fixturePath(f);
    const mine = json<{ sets: { cuOffset: number; ranges: { address: string; end: string }[] }[] }>('dwarf', 'aranges', '--json', path);
    const theirs: { cuOffset: number; ranges: [bigint, bigint][] }[] = [];
    for (const line of run(llvm, ['--debug-aranges', path]).stdout.split('\n')) {
      let m: RegExpMatchArray | null;
      if ((m = line.match(/cu_offset = 0x([0-9a-f]+)/))) theirs.push({ cuOffset: parseInt(m[1]!, 16), ranges: [] });
      else if ((m = line.match(/^\[0x([0-9a-f]+), 0x([0-9a-f]+)\)/))) theirs.at(-1)!.ranges.push([BigInt('0x' + m[1]), BigInt('0x' + m[2])]);
    }
    assert.equal(
      mine.sets.map((s) => ({ cuOffset: s.cuOffset, ranges: s.ranges.map((r) => [BigInt(r.address), BigInt(r.end)]) })),
      theirs,
      f,
    );
  }
});

test('dwarf strings: .debug_str against llvm-dwarfdump --debug-str; string offsets tables resolve', () => {
  if (!llvm) return skip('dwarf strings oracle', 'llvm-dwarfdump not on PATH');
  for (const f of ['c/gcc-O2', 'c/clang-dwarf5', 'c/gcc-split-main.dwo']) {
    const path = fixturePath(f);
    const mine = json<{ debugStr: { offset: number; string: string }[]; strOffsets: { entries: { string: string | null }[] }[] }>('dwarf', 'strings', '--json', path);
    const theirs = [...run(llvm, ['--debug-str', path]).stdout.matchAll(/^0x([0-9a-f]+): "(.*)"$/gm)].map((m) => ({ offset: parseInt(m[1]!, 16), string: unescapeC(m[2]!) }));
    assert.equal(mine.debugStr, theirs, f);
    for (const t of mine.strOffsets) for (const e of t.entries) assert.type(e.string, 'string');
  }
});

interface Info {
  units: { offset: number; dies: { offset: number; depth: number; tag: string | null; attributes?: { name: string; value: unknown; ranges?: [string, string][]; locations?: { range: [string, string] | null }[] }[] }[] }[];
}

test('dwarf info --offset: the DIE and its subtree, as in the full dump', () => {
  const path = fixturePath('c/gcc-O2');
  const all = json<Info>('dwarf', 'info', '--json', path).units.flatMap((u) => u.dies);
  const i = all.findIndex((d) => d.tag === 'DW_TAG_structure_type');
  const sub = json<Info>('dwarf', 'info', '--json', '--offset', '0x' + all[i]!.offset.toString(16), path).units[0]!.dies;
  // The subtree ends at the null entry closing the structure's children.
  let end = i + 1;
  while (end < all.length && all[end]!.depth > all[i]!.depth) end++;
  assert.equal(
    sub.map((d) => [d.offset, d.tag]),
    all.slice(i, end).map((d) => [d.offset, d.tag]),
  );
  const r = runCli(['dwarf', 'info', '--offset', '0xfffffff', path]);
  assert.is(r.status, 1);
  assert.match(r.stderr, 'no unit of .debug_info contains offset 0xfffffff');
});

test('dwarf info --name: every DIE with that name, with its children', () => {
  const path = fixturePath('c/gcc-O2');
  const found = json<Info>('dwarf', 'info', '--json', '--name', 'main', path).units.flatMap((u) => u.dies);
  assert.is(found[0]!.tag, 'DW_TAG_subprogram');
  assert.ok(found.some((d) => d.tag === 'DW_TAG_variable'), 'the function body comes along');
  assert.equal(json<Info>('dwarf', 'info', '--json', '--name', 'no_such_name', path).units, []);
});

test('lines --cu: only the tables of matching units', () => {
  const path = fixturePath('c/gcc-dwarf5');
  const all = json<{ file: string }[]>('lines', '--json', path);
  const shapes = json<{ file: string }[]>('lines', '--json', '--cu', 'shapes.c', path);
  assert.ok(shapes.length > 0 && shapes.length < all.length);
  assert.ok(shapes.every((r) => /shapes\.[ch]$/.test(r.file)));
  assert.equal(json<unknown[]>('lines', '--json', '--cu', 'nothing-like-this', path), []);
});

test('dwarf ranges / locations: every list the dump refers to, resolved the same way', () => {
  for (const f of ['c/gcc-O2', 'c/clang-O2', 'go/go1.19-amd64']) {
    const path = fixturePath(f);
    const info = json<Info>('dwarf', 'info', '--json', path).units.flatMap((u) => u.dies);
    const fromInfo = new Set<string>();
    for (const d of info) for (const a of d.attributes ?? []) for (const r of a.ranges ?? []) fromInfo.add(`${BigInt(r[0])}:${BigInt(r[1])}`);
    const lists = json<{ lists: { entries: { range: [string, string] | null }[] }[] }>('dwarf', 'ranges', '--json', path).lists;
    const fromLists = new Set(lists.flatMap((l) => l.entries.filter((e) => e.range).map((e) => `${BigInt(e.range![0])}:${BigInt(e.range![1])}`)));
    assert.equal([...fromInfo].sort(), [...fromLists].sort(), `${f}: ranges`);
    const locs = json<{ lists: { entries: { range: [string, string] | null; expression?: unknown[] | null }[] }[] }>('dwarf', 'locations', '--json', path).lists;
    const count = info.reduce((n, d) => n + (d.attributes ?? []).reduce((k, a) => k + (a.locations?.length ?? 0), 0), 0);
    assert.ok(locs.length > 0, `${f}: location lists`);
    assert.ok(locs.flatMap((l) => l.entries).filter((e) => e.expression).length <= count, `${f}: no more entries than the DIEs use`);
    assert.ok(locs.every((l) => l.entries.every((e) => e.expression !== null)), `${f}: every expression decodes`);
  }
});

test.run();
