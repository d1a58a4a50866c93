// gunzipHere (the image commands' one-call gunzip through Node's zlib
// handle): the bytes zlib.gunzipSync gives for a plain gzip file, undefined
// (node:zlib then decodes it and reports) for anything else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gunzipSync, gzipSync } from 'node:zlib';
import { gunzipHere } from '../dist/image/gunzip-here.js';
import { compressible } from './zlib-streams.js';

const { plain } = compressible(300_000);
const gz = (b: Uint8Array, level = 6) => new Uint8Array(gzipSync(b, { level }));

test('a plain gzip file: what gunzipSync gives, at every level and size (empty too)', () => {
  for (const n of [0, 1, 100, 4096, 65536, 300_000]) {
    for (const level of [0, 1, 6, 9]) {
      const data = gz(plain.subarray(0, n), level);
      const got = gunzipHere(data, data.length * 250 + 1000);
      assert.ok(got, `${n} bytes, level ${level}`);
      assert.equal(new Uint8Array(got), new Uint8Array(gunzipSync(data)), `${n} bytes, level ${level}`);
    }
  }
});

test('two members, bytes after the end, a cut, a damaged byte, a wrong size in the trailer, output over the bound: undefined', () => {
  const a = gz(plain.subarray(0, 5000));
  const b = gz(plain.subarray(5000, 9000));
  const cases: [string, Uint8Array, number][] = [
    ['two members', Uint8Array.from([...a, ...b]), 1e6],
    ['zeros after the end', Uint8Array.from([...a, 0, 0, 0, 0]), 1e6],
    ['cut short', a.subarray(0, a.length - 20), 1e6],
    ['header only', a.subarray(0, 18), 1e6],
    ['damaged', a.map((x, i) => (i === 40 ? x ^ 0xff : x)), 1e6],
    ['trailer size one less', a.map((x, i) => (i === a.length - 4 ? x - 1 : x)), 1e6],
    ['trailer size one more', a.map((x, i) => (i === a.length - 4 ? x + 1 : x)), 1e6],
    ['damaged crc', a.map((x, i) => (i === a.length - 8 ? x ^ 1 : x)), 1e6],
    ['over the bound', a, 4999],
    ['not gzip', plain.subarray(0, 100), 1e6],
  ];
  for (const [what, data, max] of cases) assert.is(gunzipHere(data, max), undefined, what);
  assert.equal(new Uint8Array(gunzipHere(a, 5000)!), plain.subarray(0, 5000), 'at the bound');
});

test.run();
