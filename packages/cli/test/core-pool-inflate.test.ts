import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync, inflateSync } from 'node:zlib';
import { inflateHere, poolInflate } from '../dist/core/pool-inflate.js';
import { badStreams, compressible } from './zlib-streams.js';

const { plain, stream } = compressible(300_000);

const both = async (data: Uint8Array, size: number) => [inflateHere(data, size), await poolInflate(data, size)];

test('a whole stream of the declared size inflates to what node:zlib gives, on the thread pool and here', async () => {
  for (const got of await both(stream, plain.length)) assert.equal(got, new Uint8Array(inflateSync(stream)));
  const empty = new Uint8Array(deflateSync(new Uint8Array(0)));
  for (const got of await both(empty, 0)) assert.is(got, undefined);
});

test('a stream that is cut short, holds more or less than declared, has bytes after its end or is damaged gives undefined', async () => {
  for (const [what, data, size] of badStreams(stream, plain.length)) for (const got of await both(data, size)) assert.is(got, undefined, what);
});

test('many at once on the thread pool each get their own bytes', async () => {
  const parts = Array.from({ length: 12 }, (_, i) => plain.subarray(i * 1000, i * 1000 + 20_000 + i));
  const got = await Promise.all(parts.map((p) => poolInflate(new Uint8Array(deflateSync(p)), p.length)));
  got.forEach((g, i) => assert.equal(g, parts[i]));
});

test.run();
