// Every pclntab layout, in both byte orders, with 4- and 8-byte pointers and
// PC quantum 1, 2 and 4, built by the test assembler and read back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PcLnTable, parsePclnHeader, type PclnFormat } from '../dist/index.js';
import { synthesize, synthesizeTable, type SynthFunc } from './synth.js';

const TEXT = 0x401000;
const ADDR = 0x500000;
const MEM = 0x600000;

const funcs: SynthFunc[] = [
  {
    name: 'main.alpha',
    entry: 0,
    size: 0x40,
    args: 16,
    startLine: 9,
    sp: [
      [0, 0],
      [0x8, 24],
      [0x38, 0],
    ],
    rows: [
      { pc: 0, file: 'a.go', line: 10 },
      { pc: 0x10, file: 'a.go', line: 11 },
      { pc: 0x20, file: 'dir/b.go', line: 5 },
      { pc: 0x30, file: 'a.go', line: 12 },
    ],
  },
  {
    name: 'main.beta',
    entry: 0x40,
    size: 0x40,
    startLine: 20,
    rows: [
      { pc: 0, file: 'a.go', line: 21 },
      { pc: 0x8, file: 'a.go', line: 22 },
      { pc: 0x10, file: 'c.go', line: 30 },
      { pc: 0x14, file: 'c.go', line: 31 },
      { pc: 0x18, file: 'd.go', line: 40 },
      { pc: 0x1c, file: 'c.go', line: 32 },
      { pc: 0x20, file: 'a.go', line: 23 },
    ],
    inline: [
      { name: 'pkg.inner', start: 0x10, end: 0x20, parentPc: 0x8, parent: -1, startLine: 29 },
      { name: 'pkg.innermost', start: 0x18, end: 0x1c, parentPc: 0x14, parent: 0, startLine: 39 },
    ],
  },
  // Starts 0x10 after beta's tables end: PCs in the gap belong to beta
  // (debug/gosym's Func.End is the next entry) but have no file or line.
  { name: 'main.gamma', entry: 0x90, size: 0x20, rows: [{ pc: 0, file: 'a.go', line: 50 }] },
];

const formats: PclnFormat[] = ['1.2', '1.16', '1.18', '1.20'];

for (const format of formats) {
  for (const order of ['little', 'big'] as const) {
    for (const ptrSize of [4, 8] as const) {
      for (const quantum of [1, 2, 4] as const) {
        const name = `${format} ${order} ptr${ptrSize} q${quantum}`;
        test(name, () => {
          const opts = { format, order, ptrSize, quantum, textStart: TEXT, funcs, address: ADDR, memory: MEM };
          const s = synthesize(opts);
          const h = parsePclnHeader(s.pclntab);
          assert.is(h.format, format);
          assert.is(h.order, order);
          assert.is(h.ptrSize, ptrSize);
          assert.is(h.quantum, quantum);
          const t = synthesizeTable(opts);
          assert.is(t.funcCount, 3);
          assert.equal([...t.funcs()].map((f) => f.name), ['main.alpha', 'main.beta', 'main.gamma']);
          assert.equal([...t.funcs()].map((f) => Number(f.entry) - TEXT), [0, 0x40, 0x90]);
          assert.equal([...t.funcs()].map((f) => Number(f.end) - TEXT), [0x40, 0x90, 0xb0]);
          const alpha = t.func(0);
          assert.is(alpha.args, 16);
          assert.is(alpha.frameSize, 24);
          assert.is(alpha.startLine, format === '1.20' ? 9 : undefined);
          assert.is(alpha.file, 'a.go');
          assert.equal(t.files().sort(), ['a.go', 'c.go', 'd.go', 'dir/b.go']);

          const at = (off: number) => {
            const l = t.lookup(BigInt(TEXT + off));
            return l ? `${l.func.name} ${l.file ?? ''}:${l.line ?? -1}` : '?';
          };
          assert.is(at(0), 'main.alpha a.go:10');
          assert.is(at(0x1c), 'main.alpha a.go:11');
          assert.is(at(0x24), 'main.alpha dir/b.go:5');
          assert.is(at(0x58), 'main.beta d.go:40');
          assert.is(at(0x88), 'main.beta :-1');
          assert.is(at(0x90), 'main.gamma a.go:50');
          assert.is(at(0xb0), '?');
          assert.is(at(-4), '?');

          const rows: string[] = [];
          t.walkLines((pc, file, line, end) => rows.push(`${(pc - TEXT).toString(16)} ${file}:${line}${end ? ' end' : ''}`));
          assert.equal(rows, [
            '0 a.go:10',
            '10 a.go:11',
            '20 dir/b.go:5',
            '30 a.go:12',
            '40 a.go:12 end',
            '40 a.go:21',
            '48 a.go:22',
            '50 c.go:30',
            '54 c.go:31',
            '58 d.go:40',
            '5c c.go:32',
            '60 a.go:23',
            '80 a.go:23 end',
            '90 a.go:50',
            'b0 a.go:50 end',
          ]);
          assert.equal(
            t.lineToPCs('a.go', 11).map((r) => [r.func.name, Number(r.start) - TEXT, Number(r.end) - TEXT]),
            [['main.alpha', 0x10, 0x20]],
          );
          assert.equal(t.lineToPCs('c.go', 99), []);

          const frames = t.frames(BigInt(TEXT + 0x58)).map((f) => `${f.function} ${f.file}:${f.line} ${(Number(f.pc) - TEXT).toString(16)}${f.inlined ? ' inl' : ''}`);
          assert.equal(frames, ['pkg.innermost d.go:40 58 inl', 'pkg.inner c.go:31 54 inl', 'main.beta a.go:22 48']);
          assert.equal(
            t.frames(BigInt(TEXT + 0x5c)).map((f) => f.function),
            ['pkg.inner', 'main.beta'],
          );
          assert.equal(
            t.frames(BigInt(TEXT + 0x60)).map((f) => f.function),
            ['main.beta'],
          );
          if (format === '1.20') assert.is(t.frames(BigInt(TEXT + 0x58))[0]!.startLine, 39);
        });
      }
    }
  }
}

test('1.18+ entries are offsets from the text start given, or from 0 when it is unknown', () => {
  const s = synthesize({ format: '1.20', order: 'little', ptrSize: 8, quantum: 1, textStart: TEXT, funcs, address: ADDR, memory: MEM });
  assert.is(PcLnTable.parse(s.pclntab).func(1).entry, 0x40n);
  assert.is(PcLnTable.parse(s.pclntab, { textStart: 0x1000n }).func(1).entry, 0x1040n);
});

test('without go:func.* a 1.18+ table still gives physical frames', () => {
  const s = synthesize({ format: '1.20', order: 'little', ptrSize: 8, quantum: 1, textStart: TEXT, funcs, address: ADDR, memory: MEM });
  const t = PcLnTable.parse(s.pclntab, { textStart: BigInt(TEXT) });
  assert.equal(
    t.frames(BigInt(TEXT + 0x58)).map((f) => `${f.function}:${f.line}`),
    ['main.beta:40'],
  );
});

test.run();
