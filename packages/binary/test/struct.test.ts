import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Parser, structLayout, ParseError } from '@elfkit/binary';

interface Pair {
  a: number;
  b: bigint;
}
const pair = structLayout<Pair>('pair', new Parser().endianness('big').uint32('a').uint64('b'));

test('structLayout decodes one record and tables', () => {
  const bytes = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4]);
  assert.equal(pair.size, 12);
  assert.equal(pair.read(bytes, 12), { a: 3, b: 4n });
  assert.equal(pair.readArray(bytes, 0, 2), [
    { a: 1, b: 2n },
    { a: 3, b: 4n },
  ]);
  assert.equal(pair.readArray(bytes, 24, 0), []);
});

test('structLayout turns truncation into ParseError', () => {
  const bytes = new Uint8Array(20);
  assert.throws(() => pair.read(bytes, 10, '.x', 0x40), (e: unknown) => e instanceof ParseError && e.offset === 0x4a && e.section === '.x');
  assert.throws(() => pair.readArray(bytes, 0, 2), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
});

test.run();
