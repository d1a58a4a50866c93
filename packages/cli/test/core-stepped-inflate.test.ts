import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inflateSync } from 'node:zlib';
import { steppedInflate } from '../dist/core/pool-inflate.js';
import { badStreams, compressible } from './zlib-streams.js';

const { plain, stream } = compressible(1_500_000);

test('steps in any order and of any size give the bytes node:zlib gives, each end in once its step is', async () => {
  const s = steppedInflate(stream, plain.length)!;
  assert.is(s.available, 0);
  assert.is(s.bytes.length, plain.length);
  // Asked out of order, and some within one merged step: each resolves once its bytes are in.
  const ends = [900_000, 10, 1_200_000, 10_000, 650_000];
  const got = await Promise.all(ends.map(async (e) => [e, await s.to(e), s.available] as const));
  for (const [e, ok, available] of got) {
    assert.ok(ok);
    assert.ok(available >= e, `${available} >= ${e}`);
  }
  assert.equal(s.bytes.subarray(0, 1_200_000), plain.subarray(0, 1_200_000));
  assert.ok(await s.to(Infinity));
  assert.is(s.available, plain.length);
  assert.equal(s.bytes, new Uint8Array(inflateSync(stream)));
  assert.is(s.finish(), s.bytes);
});

test('finish inflates the rest here: after some steps, before any, and while a step is under way', async () => {
  const after = steppedInflate(stream, plain.length)!;
  await after.to(300_000);
  assert.equal(after.finish(), plain);
  assert.is(after.available, plain.length);
  assert.equal(steppedInflate(stream, plain.length)!.finish(), plain);
  const busy = steppedInflate(stream, plain.length)!;
  const step = busy.to(plain.length);
  const whole = busy.finish();
  assert.equal(whole, plain);
  // The step under way gives way: its waiter is answered (false), and no more steps are taken (the bytes are elsewhere).
  assert.is(await step, false);
  assert.is(await busy.to(10), false);
});

test('a stream that is cut short, holds more or less than declared, has bytes after its end or is damaged fails, stepped or finished', async () => {
  for (const [what, data, size] of badStreams(stream, plain.length)) {
    const stepped = steppedInflate(data, size)!;
    await stepped.to(size >> 1);
    assert.is(await stepped.to(size), false, what);
    assert.is(stepped.finish(), undefined, what);
    assert.is(steppedInflate(data, size)!.finish(), undefined, what);
  }
});

test('here brings bytes in on the calling thread, between steps, on to the end; not while a step is under way', async () => {
  const s = steppedInflate(stream, plain.length)!;
  assert.ok(s.here(1000));
  assert.is(s.available, 1000);
  assert.equal(s.bytes.subarray(0, 1000), plain.subarray(0, 1000));
  assert.ok(s.here(500), 'already in');
  assert.is(s.available, 1000);
  const step = s.to(400_000);
  assert.is(s.here(600_000), false, 'the handle is the thread pool\'s');
  assert.ok(await step);
  assert.ok(s.here(700_000));
  assert.is(s.available, 700_000);
  // A step after it goes on from there.
  assert.ok(await s.to(900_000));
  assert.equal(s.bytes.subarray(0, 900_000), plain.subarray(0, 900_000));
  assert.ok(s.here(Infinity));
  assert.is(s.available, plain.length);
  assert.equal(s.bytes, plain);
  assert.is(s.finish(), s.bytes);
});

test('here fails on a bad stream, at the end or where the damage is, and finish then gives nothing', async () => {
  for (const [what, data, size] of badStreams(stream, plain.length)) {
    const s = steppedInflate(data, size)!;
    s.here(size >> 2);
    assert.is(s.here(size), false, what);
    assert.is(s.finish(), undefined, what);
    assert.is(await s.to(size), false, what);
  }
});

test.run();
