// `go threads`' AT column walks a few frames of each thread
// (GoProcess.threadTraceback with maxFrames): the frames of such a walk must
// be the first frames of the whole walk, equal field for field, and a walk
// cut short must say so (depth-limit), so the listing knows to walk on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skip } from '@elfkit/fixtures';
import { withGoCore } from '../dist/go/core.js';
import { CGO_SRC, goBuild, goCrash, type GoCrash } from './go-crash.js';

function crashes(): GoCrash[] {
  const out: GoCrash[] = [];
  for (const [what, b] of [
    ['go1.27', goBuild('1.27')],
    ['go1.27 cgo', goBuild('1.27', 'amd64', { src: CGO_SRC, name: 'goroutines-cgo', cgo: true })],
  ] as const) {
    if (typeof b === 'string') {
      skip(`threads top walk (${what})`, b);
      continue;
    }
    const c = goCrash(b);
    if (typeof c === 'string') skip(`threads top walk (${what})`, c);
    else out.push(c);
  }
  return out;
}

test('a walk of n frames is the first n frames of the whole walk', () => {
  for (const c of crashes()) {
    withGoCore({ file: c.core, exe: c.exe }, (go) => {
      let compared = 0;
      for (const t of go.threads()) {
        if (!t.thread) continue;
        const whole = go.threadTraceback(t);
        for (const n of [1, 2, 4, 1000]) {
          const near = go.threadTraceback(t, n);
          const physical = new Set(near.frames.map((f) => `${f.pc}/${f.sp}`)).size;
          assert.ok(physical <= n, `thread ${t.tid}: at most ${n} physical frames`);
          assert.equal(near.frames, whole.frames.slice(0, near.frames.length), `thread ${t.tid}, ${n} frames`);
          if (near.frames.length < whole.frames.length) assert.is(near.stop.kind, 'depth-limit', `thread ${t.tid}, ${n} frames: cut short`);
          else assert.equal(near.stop, whole.stop, `thread ${t.tid}, ${n} frames: the whole walk`);
          compared++;
        }
      }
      assert.ok(compared > 0, `${c.core}: threads with registers`);
    });
  }
});

test.run();
