import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isoTime } from '@elfkit/binary';

const viaDate = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

test('isoTime is toISOString without .000, across the years 0000-9999 and their edges', () => {
  const edges = [0, 1, 999, 1000, 59_999, 86_399_999, 951_782_400_000 /* 2000-02-29 */, 4_102_444_800_000, 253_402_300_799_999, -62_167_219_200_000 + 62_167_219_200_000];
  for (const y of [0, 1, 99, 100, 999, 1000, 1969, 1970, 2000, 2038, 2100, 9999]) edges.push(Date.UTC(y, 0, 1) < 0 ? 0 : Date.UTC(y, 0, 1), Date.UTC(y, 11, 31, 23, 59, 59, 999) < 0 ? 0 : Date.UTC(y, 11, 31, 23, 59, 59, 999));
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 20000; i++) edges.push(Math.floor(rand() * 253_402_300_800_000), Math.floor(rand() * 4_102_444_800) * 1000);
  for (const ms of edges) assert.is(isoTime(ms), viaDate(ms), String(ms));
});

test('isoTime outside 0000-9999 and for fractions is toISOString itself', () => {
  for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 8.64e15, 1.5]) assert.is(isoTime(ms), viaDate(ms), String(ms));
  assert.throws(() => isoTime(NaN), RangeError);
  assert.throws(() => isoTime(8.64e15 + 1), RangeError);
});

test.run();
