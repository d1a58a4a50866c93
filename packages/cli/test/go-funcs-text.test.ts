// `elfkit go funcs`' table writer (go/funcs-text.ts) against the generic
// renderTable it stands in for: the same text for every Go fixture, and for
// made-up functions with the cells renderTable treats specially (empty
// names and files, trailing white space, wide numbers, unknown args).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fixturePath, fixtures } from '@elfkit/fixtures';
import { ARGS_SIZE_UNKNOWN, findPclntab, openGoSymbols, type GoFunc } from '@elfkit/gosym';
import { ElfFile } from '@elfkit/elf';
import { goImage } from '@elfkit/symbolize';
import { funcsText } from '../dist/go/funcs-text.js';
import { renderTable } from '../dist/format/table.js';

/** The table as go funcs made it before funcsText: renderTable over one row of strings per function. */
function viaRenderTable(funcs: readonly GoFunc[], w: number): string {
  const hex = (v: number) => '0x' + v.toString(16).padStart(w, '0');
  return renderTable(
    [{ title: 'Entry' }, { title: 'End' }, { title: 'Frame', align: 'right' }, { title: 'Args', align: 'right' }, { title: 'Line', align: 'right' }, { title: 'Name' }, { title: 'File' }],
    funcs.map((f) => [hex(f.entryPc), hex(f.endPc), String(f.frameSize), f.args === ARGS_SIZE_UNKNOWN ? '?' : String(f.args), String(f.startLine ?? f.entryLine ?? '-'), f.name, f.file ?? '?']),
  );
}

test('funcsText: the same text as renderTable on every Go fixture', () => {
  let tables = 0;
  let rows = 0;
  for (const f of fixtures().filter((x) => x.lang === 'go')) {
    const elf = ElfFile.parse(new Uint8Array(readFileSync(fixturePath(f))));
    const img = goImage(elf);
    if (!findPclntab(img)) continue;
    const t = openGoSymbols(img)!.table;
    const funcs = [...t.funcs([])];
    const w = elf.bits === 64 ? 16 : 8;
    assert.is(funcsText(funcs, w), viaRenderTable(funcs, w), f.name);
    tables++;
    rows += funcs.length;
  }
  assert.ok(tables > 10, `${tables} Go fixtures`);
  console.log(`go funcs: ${tables} fixtures, ${rows} rows the same as renderTable's`);
});

test('funcsText: empty cells, trailing white space, wide cells, no functions', () => {
  const fn = (o: Partial<Record<keyof GoFunc, unknown>>): GoFunc => {
    const f = { entryPc: 0x1000, endPc: 0x1010, frameSize: 8, args: 16, startLine: 3, entryLine: 4, name: 'main.f', file: 'a.go', ...o } as Record<string, unknown>;
    // funcsText reads the table fields in one call, as GoFunc.entryFields gives them.
    return { ...f, entryFields: () => ({ file: f.file, frameSize: f.frameSize, line: f.startLine ?? f.entryLine }) } as unknown as GoFunc;
  };
  const cases: GoFunc[][] = [
    [],
    [fn({})],
    [fn({ name: '' }), fn({ name: 'x' })],
    [fn({ file: '' }), fn({})],
    [fn({ name: '', file: '' })],
    [fn({ name: 'ends in a blank ', file: '' }), fn({ file: 'tab\t' }), fn({ file: 'nbsp\u00a0' })],
    [fn({ file: undefined, startLine: undefined, entryLine: undefined, args: ARGS_SIZE_UNKNOWN })],
    [fn({ frameSize: 123456789, args: -8, startLine: 2147483647, name: 'ünïcode.名前' })],
    [fn({ entryPc: 0xffffffff, endPc: 0x100000000 })],
    [fn({ entryPc: 0x1_0000_0000_0000, endPc: 0x1_0000_0000_0010 })],
  ];
  for (const c of cases) for (const w of [8, 16]) assert.is(funcsText(c, w), viaRenderTable(c, w), JSON.stringify(c.map((f) => [f.name, f.file])));
});

test.run();
