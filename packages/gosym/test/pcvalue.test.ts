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

test('valueAt answers from its cache as a fresh decode would, whatever the order of the questions', () => {
  // Many small tables back to back: table k is +k (zigzag 2k) over k + 1 quanta, then +1 over 2 quanta, then the end.
  const bytes: number[] = [];
  const starts: number[] = [];
  const varint = (v: number) => {
    const out: number[] = [];
    for (; v >= 0x80; v >>>= 7) out.push((v & 0x7f) | 0x80);
    out.push(v);
    return out;
  };
  for (let k = 0; k < 600; k++) {
    starts.push(bytes.length);
    bytes.push(...varint(2 * k), ...varint(k + 1), 2, 2, 0);
  }
  const data = new Uint8Array(bytes);
  const cached = new PcValueStream(data, 1, 't');
  const questions: [number, number, number][] = [];
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 600; k += 1 + round) {
      // Two entries for one table (the answer depends on the entry), and pcs before, inside and past it.
      for (const entry of [0x1000, 0x1001, 0x1003]) for (const d of [-1, 0, k, k + 1, k + 2, k + 3, 5000]) questions.push([starts[k]!, entry, entry + d]);
    }
  }
  for (const [pos, entry, pc] of questions) {
    const fresh = new PcValueStream(data, 1, 't').valueAt(pos, entry, pc);
    assert.is(cached.valueAt(pos, entry, pc), fresh, `table at ${pos}, entry 0x${entry.toString(16)}, pc 0x${pc.toString(16)}`);
  }
});

test.run();
