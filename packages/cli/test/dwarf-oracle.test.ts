// Oracle tests: for every fixture with DWARF, `elfkit lines --json` against
// `llvm-dwarfdump --debug-line` row for row, and `elfkit dwarf info --json`
// against `llvm-dwarfdump --debug-info --show-form` DIE by DIE and
// attribute by attribute. Where LLVM 14 cannot read an input (zstd
// sections) the comparison is with GNU readelf instead. Counts of what was
// compared, and of every difference by cause, are printed at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, fixturePath, run, skip, which, type Fixture } from '@elfkit/fixtures';
import { parseDebugInfo, parseDebugLine, unescapeC, type LlvmUnit } from './oracle/llvm-dwarfdump.js';
import { compareAttr, type JsonAttr } from './oracle/compare.js';
import type { LineRow } from '../dist/format/line-rows.js';
import { parseDecodedLine, parseReadelfInfo, parseReadelfLocAddrs, readelfAddrOperands, readelfString } from './oracle/readelf.js';
import { elfkit as runCli } from './cli.js';

const llvm = which('llvm-dwarfdump');
const readelf = which('readelf');

/** Runs the built CLI and parses its JSON output. */
function elfkitJson<T>(args: string[]): T {
  const r = runCli(args);
  assert.is(r.status, 0, `elfkit ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A row of `elfkit lines --json` (the address as a "0x…" string). */
type JsonRow = Omit<LineRow, 'address'> & { address: string };

interface JsonDie {
  offset: number;
  depth: number;
  tag: string | null;
  attributes?: JsonAttr[];
}

interface JsonInfo {
  units: { offset: number; version: number; dies: JsonDie[] }[];
  errors: unknown[];
}

const totals = { fixtures: 0, rows: 0, dies: 0, attributes: 0, readelfRows: 0, readelfDies: 0 };
const causes = new Map<string, { count: number; example: string }>();
const note = (cause: string, example: string) => {
  const c = causes.get(cause) ?? { count: 0, example };
  c.count++;
  causes.set(cause, c);
};

const isAbs = (p: string) => p.startsWith('/');
const join2 = (...parts: string[]) => parts.filter(Boolean).reduce((a, b) => (a === '' ? b : a.endsWith('/') ? a + b.replace(/^\/+/, '') : b.startsWith('/') ? a + b : a + '/' + b), '');

/** comp_dir of the unit whose DW_AT_stmt_list is each line table offset, from llvm-dwarfdump's own --debug-info. */
function compDirs(units: LlvmUnit[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const u of units) {
    const root = u.dies[0];
    const stmt = root?.attrs.find((a) => a.name === 'DW_AT_stmt_list');
    const dir = root?.attrs.find((a) => a.name === 'DW_AT_comp_dir');
    if (stmt && dir) m.set(parseInt(stmt.value, 16), unescapeC(dir.value.replace(/^"|"$/g, '')));
  }
  return m;
}

function dwarfFixtures(): Fixture[] {
  return fixtures().filter((f) => f.dwarf !== null && f.dwarf !== undefined);
}

/** True when llvm-dwarfdump 14 cannot read `path` (it says so on stderr). */
function llvmCannotRead(stderr: string): string | undefined {
  const m = stderr.match(/error: (failed to decompress[^\n]*)/);
  return m ? m[1] : undefined;
}

for (const f of dwarfFixtures()) {
  test(`lines oracle: ${f.name}`, () => {
    if (!llvm) return skip(`lines oracle ${f.name}`, 'llvm-dwarfdump not on PATH');
    const path = fixturePath(f);
    const mine = elfkitJson<JsonRow[]>(['lines', '--json', path]);
    const lineOut = run(llvm, ['--debug-line', path]);
    const cannot = llvmCannotRead(lineOut.stderr);
    if (cannot) {
      skip(`llvm-dwarfdump on ${f.name}`, `LLVM 14 cannot read it (${cannot}); comparing with readelf --debug-dump=decodedline`);
      if (!readelf) return skip(`lines oracle ${f.name}`, 'readelf not on PATH');
      const theirs = parseDecodedLine(run(readelf, ['-W', '--debug-dump=decodedline', path]).stdout);
      assert.is(mine.length, theirs.length, `${f.name}: row count`);
      theirs.forEach((t, i) => {
        const m = mine[i]!;
        const where = `${f.name} row ${i}`;
        assert.is(BigInt(m.address), t.address, `${where}: address`);
        assert.is(m.file.split('/').pop(), t.file, `${where}: file`);
        if (t.line === null) assert.ok(m.endSequence, `${where}: end_sequence`);
        else {
          assert.is(m.line, t.line, `${where}: line`);
          assert.is(m.isStmt, t.isStmt, `${where}: is_stmt`);
        }
      });
      totals.readelfRows += theirs.length;
      return;
    }
    const info = parseDebugInfo(run(llvm, ['--debug-info', '--show-form', path]).stdout);
    const dirs = compDirs(info);
    const tables = parseDebugLine(lineOut.stdout);
    let i = 0;
    for (const t of tables) {
      const compDir = dirs.get(t.offset) ?? '';
      for (const r of t.rows) {
        const m = mine[i++];
        const where = `${f.name} table 0x${t.offset.toString(16)} row ${i - 1}`;
        assert.ok(m, `${where}: elfkit has fewer rows`);
        assert.is(BigInt(m!.address), r.address, `${where}: address`);
        assert.is(m!.line, r.line, `${where}: line`);
        assert.is(m!.column, r.column, `${where}: column`);
        assert.is(m!.discriminator, r.discriminator, `${where}: discriminator`);
        assert.is(m!.isStmt, r.flags.has('is_stmt'), `${where}: is_stmt`);
        assert.is(m!.basicBlock, r.flags.has('basic_block'), `${where}: basic_block`);
        assert.is(m!.endSequence, r.flags.has('end_sequence'), `${where}: end_sequence`);
        assert.is(m!.prologueEnd, r.flags.has('prologue_end'), `${where}: prologue_end`);
        assert.is(m!.epilogueBegin, r.flags.has('epilogue_begin'), `${where}: epilogue_begin`);
        // The full path, joined once from the table's own entries: the file
        // name, its include directory, and (for a relative directory other
        // than DWARF 5's directory 0, itself the compilation directory) the
        // unit's comp_dir.
        const fe = t.fileNames.find((x) => x.index === r.file);
        let expected = '';
        if (fe) {
          const dir = t.version >= 5 ? (t.includeDirectories[fe.dirIndex] ?? '') : fe.dirIndex === 0 ? '' : (t.includeDirectories[fe.dirIndex] ?? '');
          const withComp = (t.version < 5 || fe.dirIndex !== 0) && !isAbs(dir);
          expected = isAbs(fe.name) ? fe.name : join2(withComp ? compDir : '', dir, fe.name);
        }
        assert.is(m!.file, expected, `${where}: file`);
      }
    }
    assert.is(mine.length, i, `${f.name}: row count`);
    totals.rows += i;
  });

  test(`info oracle: ${f.name}`, () => {
    if (!llvm) return skip(`info oracle ${f.name}`, 'llvm-dwarfdump not on PATH');
    const path = fixturePath(f);
    const mine = elfkitJson<JsonInfo>(['dwarf', 'info', '--json', path]);
    assert.equal(mine.errors, [], `${f.name}: elfkit reported errors`);
    const out = run(llvm, ['--debug-info', '--show-form', path]);
    const cannot = llvmCannotRead(out.stderr);
    if (cannot) {
      skip(`llvm-dwarfdump on ${f.name}`, `LLVM 14 cannot read it (${cannot}); comparing with readelf --debug-dump=info`);
      if (!readelf) return skip(`info oracle ${f.name}`, 'readelf not on PATH');
      compareWithReadelf(f, mine, run(readelf, ['--debug-dump=info', path]).stdout);
      return;
    }
    const theirs = parseDebugInfo(out.stdout);
    // Relocatable objects: readelf's view of DW_OP_addr operands, which it relocates and llvm-dwarfdump 14 does not.
    let relocated: { info: Map<string, bigint[]>; loc: Map<string, bigint[]> } | undefined;
    if (f.kind === 'rel' && readelf) {
      const info = new Map<string, bigint[]>();
      for (const d of parseReadelfInfo(run(readelf, ['--debug-dump=info', path]).stdout)) for (const a of d.attrs) info.set(`${d.offset}:${a.name}`, readelfAddrOperands(a.value));
      const loc = new Map<string, bigint[]>();
      for (const e of parseReadelfLocAddrs(run(readelf, ['--debug-dump=loc', path]).stdout)) loc.set(`${e.begin}:${e.end}`, e.addrs);
      relocated = { info, loc };
    }
    assert.is(mine.units.length, theirs.length, `${f.name}: unit count`);
    const real: string[] = [];
    mine.units.forEach((u, ui) => {
      const t = theirs[ui]!;
      assert.is(u.offset, t.offset, `${f.name}: unit ${ui} offset`);
      assert.is(u.dies.length, t.dies.length, `${f.name}: unit 0x${u.offset.toString(16)} DIE count`);
      u.dies.forEach((d, di) => {
        const td = t.dies[di]!;
        const where = `${f.name} DIE 0x${d.offset.toString(16)}`;
        assert.is(d.offset, td.offset, `${where}: offset`);
        assert.is(d.depth, td.depth, `${where}: depth`);
        assert.is(d.tag, td.tag, `${where}: tag`);
        const attrs = d.attributes ?? [];
        assert.is(attrs.length, td.attrs.length, `${where}: attribute count`);
        attrs.forEach((a, ai) => {
          const v = compareAttr(a, td.attrs[ai]!, {
            unitOffset: u.offset,
            version: u.version,
            readelfAddrs: relocated && ((key) => (key === 'attr' ? relocated!.info.get(`${d.offset}:${a.name}`) : relocated!.loc.get(key))),
          });
          totals.attributes++;
          if (v.ok) return;
          note(v.cause, `${where} ${a.name}: ${v.detail}`);
          if (v.cause === 'mismatch') real.push(`${where} ${a.name} [${a.form}]: ${v.detail}`);
        });
        totals.dies++;
      });
    });
    totals.fixtures++;
    assert.equal(real.slice(0, 10), [], `${f.name}: ${real.length} attribute values differ`);
  });
}

/** DIE offsets, depths, tags, attribute names and string/constant values against readelf. */
function compareWithReadelf(f: Fixture, mine: JsonInfo, text: string): void {
  const theirs = parseReadelfInfo(text);
  const ours = mine.units.flatMap((u) => u.dies);
  assert.is(ours.length, theirs.length, `${f.name}: DIE count`);
  ours.forEach((d, i) => {
    const t = theirs[i]!;
    const where = `${f.name} DIE 0x${d.offset.toString(16)}`;
    assert.is(d.offset, t.offset, `${where}: offset`);
    assert.is(d.depth, t.depth, `${where}: depth`);
    assert.is(d.tag, t.tag, `${where}: tag`);
    const attrs = d.attributes ?? [];
    assert.equal(
      attrs.map((a) => a.name),
      t.attrs.map((a) => a.name),
      `${where}: attribute names`,
    );
    attrs.forEach((a, ai) => {
      const tv = t.attrs[ai]!.value;
      if (typeof a.value === 'string' && /strp|string|strx/.test(a.form)) assert.is(a.value, readelfString(tv), `${where} ${a.name}`);
      else if (/DW_FORM_(data[124]|udata|sdata|implicit_const)$/.test(a.form) && /^-?\d+/.test(tv) && a.name !== 'DW_AT_high_pc') assert.is(String(a.value), tv.match(/^-?\d+/)![0], `${where} ${a.name}`);
      totals.attributes++;
    });
    totals.readelfDies++;
  });
}

test('oracle agreement summary', () => {
  const lines = [
    `DWARF oracle: ${totals.fixtures} fixtures against llvm-dwarfdump: ${totals.rows} line rows, ${totals.dies} DIEs, ${totals.attributes} attributes compared;`,
    `  against readelf (inputs LLVM 14 cannot read): ${totals.readelfRows} line rows, ${totals.readelfDies} DIEs`,
  ];
  for (const [cause, c] of causes) lines.push(`  differences, ${cause}: ${c.count} (e.g. ${c.example})`);
  process.stdout.write(lines.join('\n') + '\n');
  assert.is(causes.get('mismatch')?.count ?? 0, 0);
});

test.run();
