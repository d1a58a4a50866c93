// pcvalue streams decoded with Go's arithmetic: zigzag int32 value deltas,
// 32-bit varints, PC deltas times the quantum, end at a zero value delta.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PcValueStream } from '../dist/index.js';

const pairs = (s: PcValueStream, entry: number) => {
  s.reset(0, entry);
  const out: [number, number, number][] = [];
  while (s.next()) out.push([s.start, s.pc, s.val]);
  return out;
};

test('zigzag deltas, multi-byte varints and the quantum', () => {
  // +1 (2) over 3 quanta; -3 (5) over 0x81 quanta (0x81 0x01); +300 (600 = 0xd8 0x04) over 1; end.
  const s = new PcValueStream(new Uint8Array([2, 3, 5, 0x81, 0x01, 0xd8, 0x04, 1, 0]), 4, 't');
  assert.equal(pairs(s, 0x1000), [
    [0x1000, 0x100c, 0],
    [0x100c, 0x1210, -3],
    [0x1210, 0x1214, 297],
  ]);
  assert.is(s.valueAt(0, 0x1000, 0x100b), 0);
  assert.is(s.valueAt(0, 0x1000, 0x100c), -3);
  assert.is(s.valueAt(0, 0x1000, 0x1214), -1);
  assert.is(s.max(0, 0x1000), 297);
});

test('a zero value delta ends the table only once the PC has left the entry', () => {
  // First pair: delta 0 (value -1) over 0 quanta, then +11 (22) over 2, then the end.
  const s = new PcValueStream(new Uint8Array([0, 0, 22, 2, 0]), 1, 't');
  assert.equal(pairs(s, 0), [
    [0, 0, -1],
    [0, 2, 10],
  ]);
});

test('int32 wraparound and uint32 PC deltas, as Go', () => {
  // -1 + 0x7fffffff (zigzag 0xfffffffe), then +2: the value wraps to -0x80000000.
  const s = new PcValueStream(new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0x0f, 1, 4, 1, 0]), 1, 't');
  assert.equal(pairs(s, 0).map((p) => p[2]), [0x7ffffffe, -0x80000000]);
  // A PC delta times the quantum wraps at 32 bits: 0x7fffffff * 4 = 0xfffffffc (uint32).
  const q = new PcValueStream(new Uint8Array([2, 0xff, 0xff, 0xff, 0xff, 0x07, 0]), 4, 't');
  assert.equal(pairs(q, 0)[0], [0, 0xfffffffc, 0]);
});

test('truncated streams and over-long varints are ParseErrors', () => {
  assert.throws(() => pairs(new PcValueStream(new Uint8Array([2, 3]), 1, 't'), 0), /past the end/);
  assert.throws(() => pairs(new PcValueStream(new Uint8Array([2, 0x80, 0x80]), 1, 't'), 0), /past the end/);
  assert.throws(() => pairs(new PcValueStream(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2, 0]), 1, 't'), 0), /longer than 5 bytes/);
  assert.throws(() => new PcValueStream(new Uint8Array(4), 1, 't').reset(9, 0), /past the end/);
});

test.run();
