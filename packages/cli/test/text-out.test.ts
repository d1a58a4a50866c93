import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TextOut } from '../dist/io/text-out.js';

const utf8 = new TextEncoder();

test('long writes what utf8 writes: ASCII, slices of a larger text, multi-byte and unpaired surrogates, past the buffer size', () => {
  const big = 'github.com/docker/cli/vendor/pkg/sub.Func'.repeat(40);
  const strings = ['', 'a', 'runtime.main', big.slice(7, 90), big, 'é', 'naïve/path/ünïcode.go', 'emoji \u{1F600} here', 'lone \ud800 high', 'lone \udc00 low', 'x'.repeat(5000)];
  const out = new TextOut(16, true);
  const expected: number[] = [];
  for (const s of strings) {
    out.long(s).nl();
    expected.push(...utf8.encode(s), 0x0a);
  }
  assert.equal([...out.take()], expected);
});

test.run();
