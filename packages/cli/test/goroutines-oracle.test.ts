// Oracle test for `elfkit go goroutines`: the program of fixtures/src/goroutines
// (goroutines parked on channels, a mutex, an RWMutex, a timer, sleep, select,
// a nil channel, sync.Cond, a WaitGroup, a raw read(2), the poller, a locked
// thread, a deep recursion, an asynchronously preempted loop and one running
// in assembly on its own thread) is built with every Go toolchain the tests
// fetch and crashes with GOTRACEBACK=crash. The runtime's stderr and elfkit's
// text on the kernel's core are read by one reader and compared goroutine by
// goroutine (ids, gp=, m=, status with wait reason and locked thread,
// created by) and frame by frame (function, args, file:line, +0x, fp, sp,
// pc). The crashing goroutine may differ only by the frames of the runtime's
// crash path above the frames it printed, named in the summary; a goroutine
// the runtime could not print ("running on other thread") must have frames
// from its thread's registers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { skip } from '@elfkit/fixtures';
import { elfkit, elfkitJson } from './cli.js';
import { CGO_SRC, GO_VERSIONS, goBuild, goCrash, parseTraceback, type GoCrash, type TextFrame, type TextGoroutine } from './go-crash.js';

interface Totals {
  goroutines: number;
  frames: number;
  crashPath: Map<string, number>;
  differences: Map<string, number>;
  unavailable: number;
  unavailableFrames: number;
}

const summary: string[] = [];
const hx = (v: bigint | undefined) => (v === undefined ? '-' : `0x${v.toString(16)}`);

/** The first field in which two frames differ, or undefined. */
function frameDifference(want: TextFrame, got: TextFrame): string | undefined {
  if (want.name !== got.name) return `function (${want.name} vs ${got.name})`;
  if (want.file !== got.file || want.line !== got.line) return `file:line (${want.file}:${want.line} vs ${got.file}:${got.line})`;
  if (want.offset !== got.offset) return `+0x offset (${want.offset} vs ${got.offset})`;
  if (want.inlined !== got.inlined) return 'inlined';
  if (want.fp !== got.fp || want.sp !== got.sp || want.pc !== got.pc) return `fp/sp/pc (${hx(want.fp)}/${hx(want.sp)}/${hx(want.pc)} vs ${hx(got.fp)}/${hx(got.sp)}/${hx(got.pc)})`;
  if (want.args !== got.args) return `args (${want.args} vs ${got.args})`;
  return undefined;
}

function compareFrames(want: TextFrame[], got: TextFrame[], where: string, t: Totals, problems: string[]): void {
  if (want.length !== got.length) problems.push(`${where}: ${want.length} frames printed, elfkit ${got.length}`);
  for (let i = 0; i < Math.min(want.length, got.length); i++) {
    t.frames++;
    const d = frameDifference(want[i]!, got[i]!);
    if (d) {
      const cause = d.replace(/ \(.*$/, '');
      t.differences.set(cause, (t.differences.get(cause) ?? 0) + 1);
      problems.push(`${where} frame ${i}: ${d}`);
    }
  }
}

function compareGoroutine(v: string, want: TextGoroutine, got: TextGoroutine, crashed: boolean, t: Totals, problems: string[]): void {
  const where = `${v} goroutine ${want.id}`;
  t.goroutines++;
  if (want.gp !== undefined && want.gp !== got.gp) problems.push(`${where}: gp=${hx(want.gp)}, elfkit ${hx(got.gp)}`);
  if (want.m !== undefined && want.m !== got.m) problems.push(`${where}: m=${want.m}, elfkit m=${got.m}`);
  if (want.status !== got.status) problems.push(`${where}: [${want.status}], elfkit [${got.status}]`);
  const wc = want.createdBy;
  const gc = got.createdBy;
  if (JSON.stringify(wc, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) !== JSON.stringify(gc, (_k, x) => (typeof x === 'bigint' ? String(x) : x))) {
    problems.push(`${where}: created by ${wc?.name} ${wc?.file}:${wc?.line} +${wc?.offset} in ${wc?.goroutine}, elfkit ${gc?.name} ${gc?.file}:${gc?.line} +${gc?.offset} in ${gc?.goroutine}`);
  }
  if (got.stopped) problems.push(`${where}: elfkit's traceback stopped: ${got.stopped}`);
  if (want.unavailable) {
    // The runtime cannot print a goroutine running on another thread; elfkit unwinds it from that thread's registers.
    t.unavailable++;
    t.unavailableFrames += got.frames.length;
    if (!got.frames.length || got.frames[got.frames.length - 1]!.name !== 'runtime.goexit') problems.push(`${where}: running on another thread, elfkit's frames do not reach runtime.goexit`);
    return;
  }
  let frames = got.frames;
  if (crashed) {
    // The runtime starts the panicking goroutine's trace at panic's caller frame; elfkit starts at the thread's registers.
    const first = want.frames[0];
    const at = first ? frames.findIndex((f) => f.pc === first.pc && f.sp === first.sp) : -1;
    if (at < 0) {
      problems.push(`${where}: the runtime's first frame ${first?.name} is not among elfkit's`);
      return;
    }
    for (const f of frames.slice(0, at)) {
      const key = `${f.name}${f.stack ? ` [${f.stack}]` : ''}`;
      t.crashPath.set(key, (t.crashPath.get(key) ?? 0) + 1);
    }
    frames = frames.slice(at);
  }
  if (want.elided === undefined) compareFrames(want.frames, frames, where, t, problems);
  else {
    compareFrames(want.frames, frames.slice(0, want.frames.length), `${where} (inner)`, t, problems);
    if (want.tail.length) compareFrames(want.tail, frames.slice(frames.length - want.tail.length), `${where} (outer)`, t, problems);
    if (want.elided > 0 && frames.length !== want.frames.length + want.elided + want.tail.length) problems.push(`${where}: the runtime elided ${want.elided} frames, elfkit has ${frames.length - want.frames.length - want.tail.length}`);
  }
}

// amd64 natively, both endings; a position-independent build (a load bias); arm64 under qemu-user for every toolchain.
const CASES: [string, string, string, boolean][] = [
  ...GO_VERSIONS.flatMap((x) => [[x, 'amd64', '', false], [x, 'amd64', 'throw', false]] as [string, string, string, boolean][]),
  ['1.27', 'amd64', '', true],
  ...GO_VERSIONS.map((x) => [x, 'arm64', '', false] as [string, string, string, boolean]),
];

/** Compares elfkit's goroutines on `c` with the runtime's stderr; returns the summary line. */
function compareCrash(label: string, c: GoCrash, requiredStatuses: string[]): string {
  const trace = readFileSync(c.trace, 'utf8');
  const want = parseTraceback(trace);
  assert.ok(want.length >= 5, `the runtime printed the goroutines:\n${trace.slice(0, 2000)}`);
  const r = elfkit(['go', 'goroutines', c.core, '--exe', c.exe]);
  assert.is(r.status, 0, r.stderr);
  const got = parseTraceback(r.stdout);
  const byId = new Map(got.map((g) => [g.id, g]));
  const problems: string[] = [];
  const t: Totals = { goroutines: 0, frames: 0, crashPath: new Map(), differences: new Map(), unavailable: 0, unavailableFrames: 0 };
  assert.equal(got.map((g) => g.id).sort(), want.map((g) => g.id).sort(), 'the same goroutines');
  want.forEach((w, i) => {
    const g = byId.get(w.id);
    if (g) compareGoroutine(label, w, g, i === 0, t, problems);
  });
  assert.equal(problems, [], `${label}: elfkit differs from the runtime`);
  const statuses = new Set(got.map((g) => g.status));
  for (const s of requiredStatuses) assert.ok(statuses.has(s), `${label}: a goroutine [${s}] among ${[...statuses].join(' | ')}`);
  // The JSON agrees with the text, and names the running goroutines' threads.
  const json = elfkitJson<{ goroutines: { id: number; crashed: boolean; thread: number | null; source: string; frames: { function: string; stack: string }[] }[] }>(['go', 'goroutines', c.core, '--exe', c.exe]);
  assert.is(json.goroutines.length, got.length);
  const crashed = json.goroutines.filter((g) => g.crashed);
  assert.is(crashed.length, 1, 'one goroutine took the signal');
  assert.is(BigInt(crashed[0]!.id), want[0]!.id, 'the crashed goroutine is the one the runtime printed first');
  for (const g of json.goroutines.filter((x) => x.source === 'registers')) assert.ok(g.thread !== null, `goroutine ${g.id} was unwound from a thread`);
  const diffs = [...t.differences].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const path = [...t.crashPath].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
  return `${label}: ${t.goroutines} goroutines and ${t.frames} frames equal to the runtime's traceback (differences: ${diffs}); crashed goroutine's crash path above the runtime's first frame: ${path}${t.unavailable ? `; ${t.unavailable} goroutine(s) the runtime could not print unwound from their thread (${t.unavailableFrames} frames)` : ''}`;
}

const WAITS = ['chan receive', 'chan send', 'select', 'select (no cases)', 'chan receive (nil chan)', 'sleep', 'IO wait', 'syscall', 'running', 'chan receive, locked to thread'];

for (const [v, goarch, mode, pie] of CASES) {
  const label = `go${v}${goarch !== 'amd64' ? `/${goarch}` : ''}${pie ? ' PIE' : ''}${mode ? ` (${mode})` : ''}`;
  test(`${label}: elfkit go goroutines equals the runtime's GOTRACEBACK=crash traceback, goroutine by goroutine and frame by frame`, () => {
    const b = goBuild(v, goarch, { pie });
    if (typeof b === 'string') return skip(`goroutines oracle ${label}`, b);
    const c = goCrash(b, mode);
    if (typeof c === 'string') return skip(`goroutines oracle ${label}`, c);
    summary.push(compareCrash(label, c, WAITS));
  });
}

for (const v of ['1.19', '1.27']) test(`go${v} cgo: a goroutine blocked in C equals the runtime's traceback; its thread runs C frames (named from the symbol tables) down to the goroutine`, () => {
  const b = goBuild(v, 'amd64', { src: CGO_SRC, name: 'goroutines-cgo', cgo: true });
  if (typeof b === 'string') return skip(`goroutines oracle go${v} cgo`, b);
  const c = goCrash(b);
  if (typeof c === 'string') return skip(`goroutines oracle go${v} cgo`, c);
  summary.push(compareCrash(`go${v} cgo`, c, ['syscall', 'chan receive']));
  const threads = elfkitJson<{ threads: { goroutineStatus: string | null; frames: { function: string | null; kind: string; stack: string; arrival: string }[]; stop: { kind: string } }[] }>(['go', 'threads', c.core, '--exe', c.exe]).threads;
  const inC = threads.find((t) => t.frames.some((f) => f.function === 'blocking_read'));
  assert.ok(inC, 'a thread is in the C function of the preamble');
  const names = inC!.frames.map((f) => f.function);
  assert.ok(names.indexOf('blocking_read') < names.indexOf('runtime.asmcgocall'), `C frames on g0, then asmcgocall: ${names.join(' ')}`);
  assert.ok(inC!.frames.some((f) => f.kind === 'native' && /read/.test(f.function ?? '')), `libc's read: ${names.join(' ')}`);
  const back = inC!.frames.findIndex((f) => f.arrival === 'stack-switch');
  assert.ok(back > 0 && inC!.frames[back]!.function === 'runtime.cgocall' && inC!.frames[back]!.stack === 'goroutine', 'back on the goroutine at runtime.cgocall');
  assert.is(inC!.frames[inC!.frames.length - 1]!.function, 'runtime.goexit');
  assert.is(inC!.stop.kind, 'end');
  // The table: the thread in C says so; cgo's extra M (no thread in the core, no AT) does not widen STATE.
  const table = elfkit(['go', 'threads', c.core, '--exe', c.exe]).stdout.trimEnd().split('\n');
  const atColumn = table[0]!.lastIndexOf('AT');
  assert.ok(table.some((l) => /goroutine \d+ \[syscall\], in cgo +\S*read /.test(l)), table.join('\n'));
  const withAt = table.slice(1).filter((x) => !/thread not in the core/.test(x));
  for (const l of withAt) assert.ok(l[atColumn - 1] === ' ' && l[atColumn] !== ' ', `AT aligned:\n${table.join('\n')}`);
  assert.ok(withAt.some((l) => l[atColumn - 3] !== ' '), `STATE as wide as the rows with an AT need:\n${table.join('\n')}`);
});

test.after(() => {
  if (summary.length) process.stdout.write(`\ngoroutines oracle:\n  ${summary.join('\n  ')}\n`);
});

test.run();
