// Inline trees whose upward walk does not reach the function: the shape Go's
// compiler writes for calls it inlined into package-level initializers
// without an inline mark (every parentPc 0, the entry inside the inlined
// code), and damaged trees that loop through several records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError } from '@elfkit/binary';
import { PcLnTable, type PclnFormat } from '../dist/index.js';
import { synthesizeTable, type SynthFunc } from './synth.js';

const TEXT = 0x401000;
const ADDR = 0x500000;
const MEM = 0x600000;

function table(format: PclnFormat, funcs: SynthFunc[]): PcLnTable {
  return synthesizeTable({ format, order: 'little', ptrSize: 8, quantum: 1, textStart: TEXT, funcs, address: ADDR, memory: MEM });
}

const show = (t: PcLnTable, off: number) =>
  t.frames(BigInt(TEXT + off)).map((f) => `${f.function} ${f.file ?? '?'}:${f.line ?? 0} ${(Number(f.pc) - TEXT).toString(16)}${f.inlined ? ' inl' : ''}${f.callSiteUnknown ? ' unknown' : ''}`);

// `var A = Key("a").Int(1); var B = Key("b").Int(2)` as go1.22–1.27 build it
// (the fixture of packages/cli/test/symbolize-go-static-init.test.ts):
// records 0–2 and 3–5 are Key.Int > IntValue > Int64Value, only the
// innermost of each holds code, the code starts at the entry, and no
// record has a parentPc.
const staticInit: SynthFunc = {
  name: 'main.init',
  entry: 0,
  size: 0x18,
  rows: [{ pc: 0, file: 'main.go', line: 12 }],
  inline: [
    { name: 'main.Key.Int', start: 0, end: 0, parentPc: 0, parent: -1, startLine: 23 },
    { name: 'main.IntValue', start: 0, end: 0, parentPc: 0, parent: 0, startLine: 14 },
    { name: 'main.Int64Value', start: 0, end: 0xb, parentPc: 0, parent: 1, startLine: 12 },
    { name: 'main.Key.Int', start: 0, end: 0, parentPc: 0, parent: -1, startLine: 23 },
    { name: 'main.IntValue', start: 0, end: 0, parentPc: 0, parent: 3, startLine: 14 },
    { name: 'main.Int64Value', start: 0xb, end: 0x17, parentPc: 0, parent: 4, startLine: 12 },
  ],
};

for (const format of ['1.20', '1.18'] as const) {
  test(`${format}: inlined code at the entry with no call site recorded: the innermost call, then the function with callSiteUnknown`, () => {
    const t = table(format, [staticInit]);
    assert.equal(show(t, 0), ['main.Int64Value main.go:12 0 inl', 'main.init ?:0 0 unknown']);
    // Record 5's parentPc 0 leads to record 2 (the entry's), which is not its caller: dropped.
    assert.equal(show(t, 0xb), ['main.Int64Value main.go:12 b inl', 'main.init ?:0 0 unknown']);
    // Past the inlined code: the function's own line, as before.
    assert.equal(show(t, 0x17), ['main.init main.go:12 17']);
    assert.is(t.frames(BigInt(TEXT + 0xb))[0]!.callSiteUnknown, undefined);
  });

  test(`${format}: a call site recorded below a record that has none is kept`, () => {
    // Record 1 (called at 0x4, inside record 0's code) is properly linked; record 0 sits at the entry with parentPc 0.
    const t = table(format, [
      {
        name: 'main.init',
        entry: 0,
        size: 0x20,
        rows: [
          { pc: 0, file: 'a.go', line: 5 },
          { pc: 0x8, file: 'b.go', line: 9 },
        ],
        inline: [
          { name: 'p.outer', start: 0, end: 0x10, parentPc: 0, parent: -1, startLine: 4 },
          { name: 'p.inner', start: 0x8, end: 0x10, parentPc: 0x4, parent: 0, startLine: 8 },
        ],
      },
    ]);
    assert.equal(show(t, 0x8), ['p.inner b.go:9 8 inl', 'p.outer a.go:5 4 inl', 'main.init ?:0 0 unknown']);
  });

  test(`${format}: a parentPc of 0 that leads out of the inlined code is followed, as the runtime does`, () => {
    const t = table(format, [
      {
        name: 'main.f',
        entry: 0,
        size: 0x20,
        rows: [
          { pc: 0, file: 'a.go', line: 5 },
          { pc: 0x8, file: 'b.go', line: 9 },
        ],
        inline: [{ name: 'p.g', start: 0x8, end: 0x10, parentPc: 0, parent: -1, startLine: 8 }],
      },
    ]);
    assert.equal(show(t, 0x8), ['p.g b.go:9 8 inl', 'main.f a.go:5 0']);
  });

  test(`${format}: a tree that loops through several records through a nonzero parentPc is a ParseError, at once`, () => {
    // Record 0's call site lies in record 1's code and record 1's in record 0's.
    const t = table(format, [
      {
        name: 'main.f',
        entry: 0,
        size: 0x20,
        rows: [{ pc: 0, file: 'a.go', line: 5 }],
        inline: [
          { name: 'p.a', start: 0x4, end: 0x8, parentPc: 0xc, parent: -1, startLine: 1 },
          { name: 'p.b', start: 0xc, end: 0x10, parentPc: 0x4, parent: -1, startLine: 2 },
        ],
      },
    ]);
    for (const off of [0x4, 0xc]) {
      try {
        t.frames(BigInt(TEXT + off));
        assert.unreachable('loop answered');
      } catch (e) {
        assert.ok(isParseError(e), String(e));
        assert.match((e as Error).message, /inline tree of main\.f loops/);
      }
    }
  });
}

test.run();
