import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reader, ParseError, hex } from '@elfkit/binary';

const le = (...b: number[]) => new Reader(Uint8Array.from(b), { order: 'little', section: '.test', base: 0x100 });
const be = (...b: number[]) => new Reader(Uint8Array.from(b), { order: 'big' });

test('fixed-width reads honour byte order', () => {
  assert.is(le(0x34, 0x12).u16(), 0x1234);
  assert.is(be(0x12, 0x34).u16(), 0x1234);
  assert.is(le(1, 2, 3).u24(), 0x030201);
  assert.is(be(1, 2, 3).u24(), 0x010203);
  assert.is(le(0xff, 0xff, 0xff, 0xff).i32(), -1);
  assert.is(be(0, 0, 0, 1, 0, 0, 0, 2).u64(), 0x100000002n);
  assert.is(le(8, 7, 6, 5, 4, 3, 2, 1).u64(), 0x0102030405060708n);
  assert.is(le(0xfe).i8(), -2);
});

test('u64n refuses values above 2^53', () => {
  assert.is(le(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0).u64n(), Number.MAX_SAFE_INTEGER);
  assert.throws(() => le(0, 0, 0, 0, 0, 0, 0x20, 0).u64n(), (e: unknown) => e instanceof ParseError && e.code === 'too-large');
});

test('ULEB128 and SLEB128 (DWARF 5 §7.6 examples)', () => {
  assert.is(le(2).uleb(), 2);
  assert.is(le(127).uleb(), 127);
  assert.is(le(0x80, 1).uleb(), 128);
  assert.is(le(0x81, 1).uleb(), 129);
  assert.is(le(0x82, 1).uleb(), 130);
  assert.is(le(0xb9, 100).uleb(), 12857);
  assert.is(le(0x80, 0x80, 0x00).uleb(), 0, 'padded encoding');
  assert.is(le(2).sleb(), 2);
  assert.is(le(0x7e).sleb(), -2);
  assert.is(le(0xff, 0).sleb(), 127);
  assert.is(le(0x81, 0x7f).sleb(), -127);
  assert.is(le(0x80, 1).sleb(), 128);
  assert.is(le(0x80, 0x7f).sleb(), -128);
  assert.is(le(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).ulebBig(), 0x8000000000000001n);
  assert.is(le(0x7f).slebBig(), -1n);
  assert.is(le(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).ulebBig(), 0xffffffffffffffffn);
  assert.is(le(0x80, 0x80, 0x80, 0x80, 0x78).sleb(), -0x80000000);
  assert.is(le(0xff, 0xff, 0xff, 0xff, 0x07).sleb(), 0x7fffffff);
  const big = le(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  assert.throws(() => big.uleb(), (e: unknown) => e instanceof ParseError && e.code === 'too-large');
  assert.is(big.pos, 0, 'a refused value does not move the cursor');
});

test('reads past the end throw ParseError with the section offset', () => {
  const r = le(1, 2, 3);
  r.u16();
  try {
    r.u32();
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ParseError);
    const p = e as ParseError;
    assert.is(p.code, 'truncated');
    assert.is(p.section, '.test');
    assert.is(p.offset, 0x102);
    assert.match(p.message, '(at .test+0x102)');
  }
  assert.throws(() => le(0x80, 0x80).uleb(), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
  assert.throws(() => le(0x41, 0x42).cstr(), (e: unknown) => e instanceof ParseError && e.code === 'truncated');
  const isParse = (e: unknown) => e instanceof ParseError;
  assert.throws(() => le(1).skip(2), isParse);
  assert.throws(() => le(1).sub(5), isParse);
});

test('strings, sub-readers and addresses', () => {
  const r = new Reader(Uint8Array.from([0x61, 0x62, 0, 0xc3, 0xa9, 0, 1, 2, 3, 4]), { order: 'big', addressSize: 4, section: 's', base: 10 });
  assert.is(r.cstr(), 'ab');
  assert.is(r.cstr(), 'é');
  const s = r.sub(4);
  assert.is(s.offset, 16);
  assert.is(s.address(), 0x01020304n);
  assert.is(r.done, true);
  assert.is(hex(255n, 4), '0x00ff');
  assert.is(hex(0), '0x0');
});

test.run();
