// delve 1.20 (Debian bookworm) as a second oracle for `elfkit go goroutines`
// on the Go 1.19 core of the goroutines program (delve 1.20 reads Go 1.18 to
// 1.20): the same goroutines, wait reasons and threads, and for every
// goroutine the same frames (function and pc, inlined calls included) and
// lines. Where delve differs it is counted by cause: delve looks frame 0 of
// a parked goroutine up at its pc, which is a return address (the runtime
// and elfkit use pc − 1: `proc.go:363` where delve says 364, proved by the
// runtime's own traceback in goroutines-oracle.test.ts); it unwinds a
// goroutine in a system call from its thread's registers (the runtime and
// elfkit from g.syscallsp/pc, a few frames further out); and it shows the
// crash path of the panicking thread through runtime.sigreturn. The cgo
// program adds a goroutine blocked in C: delve shows its thread's C frame as
// `???` and prints no pc for that thread, and the crash path through libc's
// signal restorer as `???` too; elfkit names libc's read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run, skip } from '@elfkit/fixtures';
import { elfkitJson } from './cli.js';
import { CGO_SRC, goBuild, goCrash } from './go-crash.js';
import { delvePath, scratch } from './support.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DlvGoroutine {
  id: bigint;
  reason?: string;
  thread?: number;
  frames: { pc: bigint; function: string; file: string; line: number }[];
}

function parseDelve(out: string): { goroutines: DlvGoroutine[]; threads: Map<number, bigint | undefined> } {
  const goroutines: DlvGoroutine[] = [];
  // A thread delve cannot place (stopped in C code) prints `at :0`: no pc.
  const threads = new Map<number, bigint | undefined>();
  let cur: DlvGoroutine | undefined;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const h = /^[* ] Goroutine (\d+) - User: .*? \(0x[0-9a-f]+\)(?: \[(.+?)\])?(?: \(thread (\d+)\))?$/.exec(l);
    if (h) {
      goroutines.push((cur = { id: BigInt(h[1]!), reason: h[2], thread: h[3] ? Number(h[3]) : undefined, frames: [] }));
      continue;
    }
    const f = /^\t\s*\d+\s+0x([0-9a-f]+) in (.+)$/.exec(l);
    const at = /^\t\s+at (.+):(-?\d+)$/.exec(lines[i + 1] ?? '');
    if (f && at && cur) {
      cur.frames.push({ pc: BigInt('0x' + f[1]), function: f[2]!, file: at[1]!, line: Number(at[2]) });
      i++;
      continue;
    }
    const t = /^[* ] Thread (\d+) at (?:0x([0-9a-f]+) |:0$)/.exec(l);
    if (t) threads.set(Number(t[1]), t[2] ? BigInt('0x' + t[2]) : undefined);
  }
  return { goroutines, threads };
}

interface JsonFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  pc: string;
  kind: string;
  stack: string;
}
interface JsonGoroutine {
  id: number;
  status: number;
  statusName: string;
  waitReason: string | null;
  thread: number | null;
  crashed: boolean;
  source: string;
  frames: JsonFrame[];
}

const PROGRAMS: [string, Parameters<typeof goBuild>[2], number][] = [
  ['go1.19', {}, 20],
  ['go1.19 cgo', { src: CGO_SRC, name: 'goroutines-cgo', cgo: true }, 5],
];

for (const [label, build, least] of PROGRAMS) test(`${label}: delve 1.20 lists the same goroutines, wait reasons, threads and frames as elfkit go goroutines`, () => {
  const dlv = delvePath(`goroutines delve oracle ${label}`);
  if (!dlv) return;
  const b = goBuild('1.19', 'amd64', build);
  if (typeof b === 'string') return skip(`goroutines delve oracle ${label}`, b);
  const c = goCrash(b);
  if (typeof c === 'string') return skip(`goroutines delve oracle ${label}`, c);
  const work = scratch('elfkit-dlv-');
  const cmds = join(work, 'cmds');
  writeFileSync(cmds, 'goroutines -t 10000\nthreads\nexit\n');
  const r = run(dlv, ['core', c.exe, c.core, '--allow-non-terminal-interactive=true', '--init', cmds], { input: '', timeout: 120000, env: { ...process.env, HOME: work } });
  const d = parseDelve(r.stdout);
  assert.ok(d.goroutines.length >= least, `delve listed the goroutines: ${r.stdout.slice(0, 500)} ${r.stderr}`);
  const ours = elfkitJson<{ goroutines: JsonGoroutine[] }>(['go', 'goroutines', c.core, '--exe', c.exe]).goroutines;
  assert.equal(ours.map((g) => BigInt(g.id)).sort(), d.goroutines.map((g) => g.id).sort(), 'the same goroutines');
  // The threads of the core (not the Ms whose thread it does not hold: cgo's extra M).
  const threads = elfkitJson<{ threads: { tid: number; inCore: boolean; frames: JsonFrame[] }[] }>(['go', 'threads', c.core, '--exe', c.exe]).threads.filter((t) => t.inCore);
  assert.equal(new Set(threads.map((t) => t.tid)), new Set(d.threads.keys()), 'the same threads');
  const causes = new Map<string, number>();
  const count = (c: string) => causes.set(c, (causes.get(c) ?? 0) + 1);
  for (const t of threads) {
    const pc = d.threads.get(t.tid);
    if (pc !== undefined) assert.is(BigInt(t.frames[0]!.pc), pc, `thread ${t.tid}: where it is`);
    else {
      assert.is(t.frames[0]!.kind, 'native', `thread ${t.tid}: delve has no pc, elfkit is in C (${t.frames[0]!.function})`);
      count(`a thread in C code: delve prints no pc ("at :0"), elfkit names it from libc's symbols (${t.frames[0]!.function})`);
    }
  }
  let frames = 0;
  const problems: string[] = [];
  for (const dg of d.goroutines) {
    const g = ours.find((x) => BigInt(x.id) === dg.id)!;
    const where = `goroutine ${dg.id}`;
    if (dg.reason !== undefined && dg.reason !== g.waitReason) problems.push(`${where}: delve [${dg.reason}], elfkit [${g.waitReason}]`);
    if (dg.thread !== undefined && dg.thread !== g.thread) problems.push(`${where}: delve thread ${dg.thread}, elfkit ${g.thread}`);
    const mine = g.frames.map((f) => ({ pc: BigInt(f.pc), function: f.function ?? '?', file: f.file ?? '?', line: f.line ?? 0 }));
    const theirs = dg.frames;
    const same = (a: (typeof theirs)[number], m: (typeof mine)[number]) => a.pc === m.pc && a.function === m.function && a.file === m.file;
    // The frames both have at the start and at the end; what lies between differs by how each unwinds.
    let head = 0;
    while (head < theirs.length && head < mine.length && same(theirs[head]!, mine[head]!)) head++;
    let tail = 0;
    while (tail < theirs.length - head && tail < mine.length - head && same(theirs[theirs.length - 1 - tail]!, mine[mine.length - 1 - tail]!)) tail++;
    const dMid = theirs.slice(head, theirs.length - tail);
    const mMid = mine.slice(head, mine.length - tail);
    if (dMid.length || mMid.length) {
      const names = (l: { function: string }[]) => l.map((f) => f.function.replace(/^.*\//, '')).join(', ') || 'nothing';
      const cause = g.crashed
        ? `the crashed thread: where elfkit continues at the signal frame's saved pc (${names(mMid)}), delve shows ${names(dMid)}`
        : g.source === 'syscall'
          ? `a goroutine in a system call or cgo call: delve unwinds it from its thread (${names(dMid)}), the runtime and elfkit from g.syscallsp/pc (${names(mMid)})`
          : undefined;
      if (cause && tail >= 3) count(cause);
      else problems.push(`${where}: delve ${names(dMid)}, elfkit ${names(mMid)}`);
    }
    for (const [a, m, i] of [...theirs.slice(0, head).map((a, i) => [a, mine[i]!, i] as const), ...theirs.slice(theirs.length - tail).map((a, i) => [a, mine[mine.length - tail + i]!, theirs.length - tail + i] as const)]) {
      frames++;
      if (a.line === m.line) continue;
      if (i === 0 && g.source !== 'registers') count('frame 0 of a parked goroutine: delve looks its line up at the return address, the runtime and elfkit at pc − 1');
      else problems.push(`${where} frame ${i}: delve line ${a.line}, elfkit ${m.line} (${a.function})`);
    }
  }
  assert.equal(problems, []);
  const why = [...causes].map(([k, n]) => `${k}: ${n}`).join('; ');
  process.stdout.write(`\ndelve oracle (${label}): ${d.goroutines.length} goroutines, ${threads.length} threads and ${frames} frames compared; delve differs by cause — ${why}\n`);
});

test.run();
