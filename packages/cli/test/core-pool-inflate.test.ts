import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync, inflateSync } from 'node:zlib';
import { inflateHere, poolInflate } from '../dist/core/pool-inflate.js';

// Bytes that compress some but not all the way (as DWARF does).
const plain = new Uint8Array(300_000);
for (let i = 0, x = 7; i < plain.length; i++) plain[i] = (x = (x * 1103515245 + 12345) >>> 0) % 7 === 0 ? x >>> 24 : i & 0x3f;
const stream = new Uint8Array(deflateSync(plain));

const both = async (data: Uint8Array, size: number) => [inflateHere(data, size), await poolInflate(data, size)];

test('a whole stream of the declared size inflates to what node:zlib gives, on the thread pool and here', async () => {
  for (const got of await both(stream, plain.length)) assert.equal(got, new Uint8Array(inflateSync(stream)));
  const empty = new Uint8Array(deflateSync(new Uint8Array(0)));
  for (const got of await both(empty, 0)) assert.is(got, undefined);
});

test('a stream that is cut short, holds more or less than declared, has bytes after its end or is damaged gives undefined', async () => {
  const damaged = stream.slice();
  damaged[100] ^= 0xff;
  const trailing = new Uint8Array(stream.length + 4);
  trailing.set(stream);
  const cases: [string, Uint8Array, number][] = [
    ['cut short', stream.subarray(0, stream.length - 100), plain.length],
    ['no checksum', stream.subarray(0, stream.length - 4), plain.length],
    ['more than declared', stream, plain.length - 1],
    ['less than declared', stream, plain.length + 1],
    ['bytes after the end', trailing, plain.length],
    ['damaged', damaged, plain.length],
    ['not zlib', new Uint8Array([1, 2, 3, 4, 5]), 10],
  ];
  for (const [what, data, size] of cases) for (const got of await both(data, size)) assert.is(got, undefined, what);
});

test('many at once on the thread pool each get their own bytes', async () => {
  const parts = Array.from({ length: 12 }, (_, i) => plain.subarray(i * 1000, i * 1000 + 20_000 + i));
  const got = await Promise.all(parts.map((p) => poolInflate(new Uint8Array(deflateSync(p)), p.length)));
  got.forEach((g, i) => assert.equal(g, parts[i]));
});

test.run();
