// `.debug_abbrev` and `.debug_line` read while they are still coming in
// (sections inflated in steps): an abbreviation table or a line program
// past what is in has the section brought in as far as it reaches, and no
// further; a section that cannot be brought in so is the loader's, whole,
// and a damaged table fails as it does in the whole section.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as D from '../dist/index.js';
import { isParseError, type ParseError } from '@elfkit/binary';
import { Dwarf } from '../dist/index.js';
import { Asm } from './assembler.js';

/** An abbreviation table of one compile unit abbreviation (DW_AT_name string). */
const table = (a: Asm, code = 1) => a.uleb(code).uleb(D.DW_TAG_compile_unit).u8(0).uleb(D.DW_AT_name).uleb(D.DW_FORM_string).uleb(0).uleb(0).uleb(0);
/** A DWARF 4 line program with one row at line `line`. */
const program = (a: Asm, n: string, line: number) =>
  a
    .initialLength(`end${n}`).u16(4)
    .initialLength(`hdr${n}`)
    .u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])
    .cstr('')
    .cstr('a.c').uleb(0).uleb(0).uleb(0).cstr('')
    .label(`hdr${n}`)
    .u8(D.DW_LNS_advance_line).sleb(line - 1)
    .u8(D.DW_LNS_copy)
    .label(`end${n}`);

// Two tables 20,000 bytes apart, 20,000 bytes more after the second.
const filler = (a: Asm, n: number) => {
  for (let i = 0; i < n; i++) table(a, 2);
  return a;
};
const abbrev = table(filler(table(new Asm()), 2222)).build();
const secondTable = filler(table(new Asm()), 2222).build().length;
const tableSize = table(new Asm()).build().length;
const abbrevAll = filler(new Asm().bytes(abbrev), 2222).build();
// Line programs: the second 30,000 bytes in, many after it.
const lineAsm = new Asm();
for (let i = 0; i < 600; i++) program(lineAsm, `a${i}`, 1);
const secondProgram = lineAsm.build().length;
program(lineAsm, 'b', 42);
const secondEnd = lineAsm.build().length;
for (let i = 0; i < 600; i++) program(lineAsm, `c${i}`, 1);
const line = lineAsm.build();

/** A section coming in: `available` bytes of `whole` in, brought in further by `here` (unless `canHere` is false). */
function comingIn(whole: Uint8Array, available: number, canHere = true) {
  const bytes = new Uint8Array(whole.length);
  bytes.set(whole.subarray(0, available));
  const s = {
    bytes,
    available,
    asked: [] as number[],
    here(end: number): boolean {
      s.asked.push(end);
      if (!canHere) return false;
      end = Math.min(end, whole.length);
      if (end > s.available) bytes.set(whole.subarray(s.available, end), s.available);
      s.available = Math.max(s.available, end);
      return true;
    },
  };
  return s;
}

function dwarfOver(sections: Record<string, Uint8Array>, growing: Record<string, ReturnType<typeof comingIn>>) {
  const loads: Record<string, number> = {};
  const d = Dwarf.load(
    (name) => {
      loads[name] = (loads[name] ?? 0) + 1;
      return sections[name];
    },
    { order: 'little', dwo: false, growing: (name) => growing[name] },
  );
  return { d, loads };
}

test('an abbreviation table past what is in has .debug_abbrev brought in as far as it reaches, not to the end', () => {
  const g = comingIn(abbrevAll, 100);
  const { d, loads } = dwarfOver({ '.debug_abbrev': abbrevAll }, { '.debug_abbrev': g });
  assert.is(d.abbrevTable(0).get(1)!.tag, D.DW_TAG_compile_unit);
  assert.equal(g.asked, [], 'the first table was in');
  const t = d.abbrevTable(secondTable);
  assert.is(t.get(1)!.tag, D.DW_TAG_compile_unit);
  assert.is(t.end, secondTable + tableSize);
  assert.ok(g.available >= secondTable + tableSize && g.available < abbrevAll.length, `${g.available} of ${abbrevAll.length}`);
  assert.is(loads['.debug_abbrev'], undefined, 'the loader was not asked');
  // has() tells the section is there without bringing it all in.
  assert.ok(d.sections.has('abbrev'));
  assert.ok(g.available < abbrevAll.length);
});

test('a line program past what is in has .debug_line brought in to the program\'s end, not to the section\'s', () => {
  const g = comingIn(line, 50);
  const { d, loads } = dwarfOver({ '.debug_line': line }, { '.debug_line': g });
  const p = d.lineProgramAt(secondProgram);
  assert.equal([...p.rows()].map((r) => r.line), [42]);
  assert.equal(g.asked, [secondProgram + 12, secondEnd]);
  assert.is(g.available, secondEnd);
  assert.is(loads['.debug_line'], undefined);
  assert.ok(d.sections.has('line'));
  assert.is(g.available, secondEnd);
  // A reader of the whole section (every program) has all of it brought in.
  assert.is([...d.linePrograms()].length, 1201);
  assert.is(g.available, line.length);
  assert.is(loads['.debug_line'], undefined);
});

test('a section that cannot be brought in further is the loader\'s, whole', () => {
  const a = comingIn(abbrevAll, 100, false);
  const l = comingIn(line, 50, false);
  const { d, loads } = dwarfOver({ '.debug_abbrev': abbrevAll, '.debug_line': line }, { '.debug_abbrev': a, '.debug_line': l });
  assert.is(d.abbrevTable(secondTable).end, secondTable + tableSize);
  assert.equal([...d.lineProgramAt(secondProgram).rows()].map((r) => r.line), [42]);
  assert.is(loads['.debug_abbrev'], 1);
  assert.is(loads['.debug_line'], 1);
});

test('a damaged table or program past what is in fails with the ParseError the whole section gives', () => {
  const cutAbbrev = abbrevAll.slice(0, secondTable + 5);
  // The second program's length runs past the end of the section.
  const longLine = line.slice();
  new DataView(longLine.buffer).setUint32(secondProgram, line.length, true);
  const fail = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(isParseError(e));
      return `${(e as ParseError).message} @${(e as ParseError).offset}`;
    }
    assert.unreachable('no error');
  };
  const whole = dwarfOver({ '.debug_abbrev': cutAbbrev, '.debug_line': longLine }, {}).d;
  const growing = dwarfOver({ '.debug_abbrev': cutAbbrev, '.debug_line': longLine }, { '.debug_abbrev': comingIn(cutAbbrev, 100), '.debug_line': comingIn(longLine, 50) }).d;
  assert.is(fail(() => growing.abbrevTable(secondTable)), fail(() => whole.abbrevTable(secondTable)));
  assert.is(fail(() => growing.lineProgramAt(secondProgram)), fail(() => whole.lineProgramAt(secondProgram)));
});

test.run();
