// `elfkit go goroutines` and `go threads` on input they cannot fully read: a
// core of a C program, a Go program built without DWARF (types needed: the
// threads' stacks still come from the pclntab), an --exe of another build
// (Go build ids differ), and cores whose runtime structures were damaged
// byte by byte — allgs's length, its array pointer, an entry, a goroutine's
// saved stack pointer, a cyclic allm list, and a sweep of random bytes over
// the goroutines' structures — and an executable with one function's
// pclntab name, pcfile or pcsp table damaged. Each gives one line on stderr
// and a status (never a stack trace), never hangs, and a listing that says
// how many goroutines it has lists them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Dwarf, DwarfTypes } from '@elfkit/dwarf';
import { constants as C, ElfFile } from '@elfkit/elf';
import { GoFunc, openGoSymbols } from '@elfkit/gosym';
import { goImage } from '@elfkit/symbolize';
import { skip } from '@elfkit/fixtures';
import { elfkit, type CliResult } from './cli.js';
import { makeCore, program } from './core-programs.js';
import { goBuild, goCrash, type GoCrash } from './go-crash.js';
import { scratch } from './support.js';

const work = scratch('elfkit-goroutines-bad-');

/** One line on stderr, no JavaScript error escaped. */
function oneLine(r: CliResult, what: string): string {
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `${what}: one line on stderr, got ${r.stderr}`);
  assert.not.match(r.stderr, /TypeError|RangeError|ReferenceError|    at /, `${what}: no JavaScript error`);
  return lines[0]!;
}

function crash(mode = ''): GoCrash | undefined {
  const b = goBuild('1.27');
  if (typeof b === 'string') return void skip('goroutines bad input', b);
  const c = goCrash(b, mode);
  if (typeof c === 'string') return void skip('goroutines bad input', c);
  return c;
}

test('a C program\'s core: not a Go program, one line', () => {
  const p = program('c-O2', 'goroutines bad input');
  if (!p) return;
  const made = makeCore(p.exe, ['segv'], join(work, 'c'));
  if ('error' in made) return skip('goroutines bad input (C core)', made.error);
  for (const cmd of ['goroutines', 'threads']) {
    const r = elfkit(['go', cmd, made.path]);
    assert.is(r.status, 1);
    assert.match(oneLine(r, `go ${cmd} on a C core`), /is not a Go program \(it has no Go pclntab\)/);
    assert.is(r.stdout, '');
  }
});

test('a Go program built with -s -w: goroutines need types; the threads\' stacks come from the pclntab', () => {
  const c = crash('sw');
  if (!c) return;
  const r = elfkit(['go', 'goroutines', c.core]);
  assert.is(r.status, 1);
  assert.match(oneLine(r, 'goroutines without DWARF'), /has no DWARF \(built with -ldflags=-w\?\): the layouts of runtime\.g and runtime\.m are needed to list goroutines/);
  // What the pclntab allows: every thread's Go frames with functions and lines.
  assert.match(r.stdout, /^thread \d+ \[SIGABRT\]:$/m);
  assert.match(r.stdout, /^main\.leaf\(.*\)\n\texample\.com\/elfkit\/goroutines\/main\.go:\d+ \+0x[0-9a-f]+ fp=/m);
  assert.match(r.stdout, /^main\.spinAsm\(/m, 'the goroutine running in assembly, from its thread');
  assert.match(r.stdout, /^runtime\.futex\(/m);
  const t = elfkit(['go', 'threads', c.core]);
  assert.is(t.status, 0, t.stderr);
  assert.match(t.stdout, /unknown \(no DWARF\)/);
  assert.match(t.stdout, /warning: .*has no DWARF/);
  const j = elfkit(['go', 'goroutines', c.core, '--json']);
  assert.is(j.status, 1);
  const parsed = JSON.parse(j.stdout) as { goroutines: null; threads: { tid: number; frames: { function: string }[] }[]; error: string };
  assert.is(parsed.goroutines, null);
  assert.ok(parsed.threads.some((x) => x.frames.some((f) => f.function === 'main.leaf')));
});

test('--exe of another build: the Go build ids differ, one line', () => {
  const c = crash();
  const other = goBuild('1.22');
  if (!c || typeof other === 'string') return;
  for (const exe of [other.exe, c.stripped]) {
    const r = elfkit(['go', 'goroutines', c.core, '--exe', exe]);
    assert.is(r.status, 1);
    assert.match(oneLine(r, `--exe ${exe}`), /is another build than the process ran: its Go build id is \S+, the core's \S+/);
  }
});

/** Where `address` is in the core file (its PT_LOAD's bytes), or undefined. */
function coreOffset(core: ElfFile, address: bigint): number | undefined {
  for (const p of core.segments) {
    if (p.type === C.PT_LOAD && address >= p.vaddr && address < p.vaddr + BigInt(p.filesz)) return p.offset + Number(address - p.vaddr);
  }
  return undefined;
}

/** A scratch copy of a core whose bytes the test patches and restores (sparse: the copy is cheap). */
class Patchable {
  readonly elf: ElfFile;
  readonly types: DwarfTypes;
  private readonly fd: number;
  constructor(
    readonly path: string,
    exe: string,
  ) {
    this.fd = openSync(path, 'r+');
    this.elf = ElfFile.parse(new Uint8Array(readFileSync(path)));
    const e = ElfFile.parse(new Uint8Array(readFileSync(exe)));
    this.types = DwarfTypes.of(Dwarf.load((n) => { const s = e.debugSection(n); return s && e.sectionData(s); }, { order: 'little' }));
  }
  read(address: bigint, n: number): Uint8Array {
    const b = new Uint8Array(n);
    readSync(this.fd, b, 0, n, this.offset(address));
    return b;
  }
  readU64(address: bigint): bigint {
    return new DataView(this.read(address, 8).buffer).getBigUint64(0, true);
  }
  offset(address: bigint): number {
    const o = coreOffset(this.elf, address);
    if (o === undefined) throw new Error(`0x${address.toString(16)} is not in the core's bytes`);
    return o;
  }
  /** Writes `bytes` at `address`, runs `f`, and puts the old bytes back. */
  with<T>(address: bigint, bytes: Uint8Array, f: () => T): T {
    const old = this.read(address, bytes.length);
    writeSync(this.fd, bytes, 0, bytes.length, this.offset(address));
    try {
      return f();
    } finally {
      writeSync(this.fd, old, 0, old.length, this.offset(address));
    }
  }
  close(): void {
    closeSync(this.fd);
  }
}

const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

test('damaged runtime structures: allgs length and array, an entry, a saved stack pointer, a cyclic allm — a clear message or a partial listing', () => {
  const c = crash();
  if (!c) return;
  const path = join(work, 'core');
  copyFileSync(c.core, path);
  const p = new Patchable(path, c.exe);
  try {
    const allgs = p.types.variable('runtime.allgs').address!;
    const allglen = p.types.variable('runtime.allglen').address!;
    const run = (what: string) => {
      const r = elfkit(['go', 'goroutines', path, '--exe', c.exe]);
      return { r, line: r.status === 0 ? r.stderr : oneLine(r, what) };
    };
    let x = p.with(allgs + 8n, u64(1n << 40n), () => p.with(allglen, u64(1n << 40n), () => run('allgs length 2^40')));
    assert.is(x.r.status, 1);
    assert.match(x.line, /runtime\.allgs is damaged: length 1099511627776/);
    x = p.with(allgs, u64(0xdead0000n), () => run('allgs array unmapped'));
    assert.is(x.r.status, 1);
    assert.match(x.line, /runtime\.allgs is damaged: its \d+ entries at 0xdead0000 are not in the core/);
    const array = p.readU64(allgs);
    x = p.with(array + 3n * 8n, u64(0x10n), () => run('allgs[3] wild'));
    assert.is(x.r.status, 0, x.r.stderr);
    assert.match(x.r.stdout, /warning: runtime\.allgs\[3\]: the g at 0x10 is not in the core/);
    assert.ok((x.r.stdout.match(/^goroutine \d+ /gm) ?? []).length >= 20, 'the other goroutines are listed');
    // Goroutine 2's saved sp points nowhere: its traceback says where it stopped, the others are whole.
    const g2 = p.readU64(array + 1n * 8n);
    const sp = BigInt(p.types.typeByName('runtime.g').offsetOf('sched.sp'));
    x = p.with(g2 + sp, u64(0x1000n), () => run('g.sched.sp wild'));
    assert.is(x.r.status, 0, x.r.stderr);
    assert.match(x.r.stdout, /goroutine 2 [^\n]*\n(?:.*\n)*?\.\.\.traceback stopped: memory at 0x[0-9a-f]+ is not in the core/);
    // A goroutine that has waited since 185 s before the latest time the runtime recorded: ", 3 minutes", as the runtime would print it.
    const clock = BigInt((JSON.parse(elfkit(['go', 'goroutines', path, '--exe', c.exe, '--json', '--brief']).stdout) as { clock: { value: string } }).clock.value);
    const since = BigInt(p.types.typeByName('runtime.g').offsetOf('waitsince'));
    x = p.with(g2 + since, u64(clock - 185_000_000_000n), () => run('g.waitsince 185 s back'));
    assert.match(x.r.stdout, /^goroutine 2 gp=0x[0-9a-f]+ m=nil \[force gc \(idle\), 3 minutes\]:$/m);
    // allm's first M links to itself.
    const m0 = p.readU64(p.types.variable('runtime.allm').address!);
    const link = BigInt(p.types.typeByName('runtime.m').offsetOf('alllink'));
    const t = p.with(m0 + link, u64(m0), () => elfkit(['go', 'threads', path, '--exe', c.exe]));
    assert.is(t.status, 0, t.stderr);
  } finally {
    p.close();
  }
});

/** What the tests read of `go goroutines --json`. */
interface GoroutinesJson {
  goroutines: { frames: { function: string | null; printName: string; file: string | null; line: number | null; fp: string | null; args: string | null }[]; stop: { kind: string; message: string | null } }[];
}

/** A listing: as many goroutines as its first line counts, each with a frame (a stack or where it stopped). */
function listed(r: CliResult, what: string): number {
  const count = Number(/^\S+, pid \d+: (\d+) goroutines/.exec(r.stdout)?.[1] ?? NaN);
  const blocks = r.stdout.split(/\n(?=goroutine \d+ )/).slice(1);
  assert.is(blocks.length, count, `${what}: the goroutines the first line counts are listed`);
  for (const b of blocks) assert.match(b, /\n\S.*\(.*\)\n\t|\.\.\.traceback stopped/, `${what}: a frame or a stop in ${b.split('\n')[0]}`);
  return count;
}

/** An executable's bytes, its parsed pclntab, and the file offset of a pclntab offset. */
function pclntabOf(exe: string) {
  const bytes = new Uint8Array(readFileSync(exe));
  const elf = ElfFile.parse(bytes.slice());
  const s = openGoSymbols(goImage(elf))!;
  const pcln = (off: number) => {
    const a = s.location.address + BigInt(off);
    const seg = elf.segments.find((x) => x.type === C.PT_LOAD && a >= x.vaddr && a < x.vaddr + BigInt(x.filesz))!;
    return seg.offset + Number(a - seg.vaddr);
  };
  return { bytes, t: s.table, pcln };
}

test('an executable with one function\'s pclntab parts damaged: every goroutine listed, the frames of that function print without what the part held, one report naming the executable, exit status 1', () => {
  const c = crash();
  if (!c) return;
  const { bytes, t, pcln } = pclntabOf(c.exe);
  // runtime.gopark: the innermost Go frame of nearly every parked goroutine.
  const f = [...t.funcs()].find((x) => x.name === 'runtime.gopark')!;
  const intact = elfkit(['go', 'goroutines', c.core, '--exe', c.exe]);
  assert.is(intact.status, 0, intact.stderr);
  const n = listed(intact, 'intact');
  const parked = (intact.stdout.match(/^runtime\.gopark\(/gm) ?? []).length;
  assert.ok(parked > 5, `${parked} goroutines parked in runtime.gopark`);
  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ['name', (b) => new DataView(b.buffer).setUint32(pcln(f.offset + GoFunc.fieldOffset(t.header, 1)), 0x7ffffff0, true), /function name offset 0x7ffffff0 is outside its table/],
    ['pcfile', (b) => b.fill(0xff, pcln(t.header.pctab + f.pcfile), pcln(t.header.pctab + f.pcfile) + 6), /pcvalue varint is longer than 5 bytes/],
    ['pcsp', (b) => b.fill(0xff, pcln(t.header.pctab + f.pcsp), pcln(t.header.pctab + f.pcsp) + 6), /pcvalue varint is longer than 5 bytes/],
  ];
  for (const [what, patch, re] of cases) {
    const b = bytes.slice();
    patch(b);
    const exe = join(work, `exe-${what}`);
    writeFileSync(exe, b, { mode: 0o755 });
    const r = elfkit(['go', 'goroutines', c.core, '--exe', exe]);
    assert.is(r.status, 1, `${what}: ${r.stderr}`);
    const line = oneLine(r, what);
    assert.match(line, new RegExp(`^elfkit: ${exe.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `), `${what}: names the executable`);
    assert.match(line, re, what);
    assert.match(line, /\(at \.gopclntab\+0x[0-9a-f]+\)$/, what);
    assert.is(listed(r, what), n, `${what}: every goroutine`);
    if (what === 'pcsp') {
      // Without SP deltas the stack cannot be followed past the function: each parked stack ends at its frame, whose
      // fp and arguments (read at fp) are unknown, with a stop naming the function, its pc and the damage; the rest
      // of each goroutine (header, frames below, created by) is as before.
      const damage = line.slice(`elfkit: ${exe}: `.length);
      const want = intact.stdout.replace(
        /^runtime\.gopark\(.*\)\n(\truntime\/proc\.go:\d+ \+0x[0-9a-f]+) fp=0x[0-9a-f]+ (sp=0x[0-9a-f]+ pc=(0x[0-9a-f]+))\n(?:(?!created by )\S.*\n\t.*\n)*/gm,
        (_m, at, spPc, pc) =>
          `runtime.gopark(?)\n${at} fp=? ${spPc}\n...traceback stopped: runtime.gopark's SP delta at pc ${pc} cannot be read: ${damage}; its frame's size and the frames above it are unknown\n`,
      );
      assert.is(r.stdout, want, what);
      const j = elfkit(['go', 'goroutines', c.core, '--exe', exe, '--json']);
      assert.is(j.status, 1);
      const frames = (JSON.parse(j.stdout) as GoroutinesJson).goroutines.map((g) => ({ last: g.frames[g.frames.length - 1]!, stop: g.stop }));
      const cut = frames.filter((x) => x.stop.kind === 'unreadable-sp-delta');
      assert.is(cut.length, parked, 'each parked stack ends with the new stop kind');
      for (const x of cut) {
        assert.is(x.last.function, 'runtime.gopark');
        assert.is(x.last.fp, null, 'fp unknown, not sp + word');
        assert.is(x.last.args, null, 'arguments unknown, not words read at a wrong argp');
        assert.match(x.stop.message!, /^runtime\.gopark's SP delta at pc 0x[0-9a-f]+ cannot be read: pcvalue varint is longer than 5 bytes/);
      }
      assert.not.ok(frames.some((x) => x.stop.kind === 'spwrite'), 'no stack ends as if a function wrote SP');
      continue;
    }
    // The function's frames lose their location (and, with the name, the name); every other line is as before.
    const want = intact.stdout.replace(/^runtime\.gopark\((.*)\)\n\truntime\/proc\.go:\d+ /gm, (_m, args) => `${what === 'name' ? '?' : 'runtime.gopark'}(${args})\n\t?:0 `);
    assert.is(r.stdout, want, what);
    if (what === 'name') {
      // In JSON the unreadable name is no name (null), printed `?`; the frames are otherwise as intact.
      const good = JSON.parse(elfkit(['go', 'goroutines', c.core, '--exe', c.exe, '--json']).stdout) as GoroutinesJson;
      const bad = JSON.parse(elfkit(['go', 'goroutines', c.core, '--exe', exe, '--json']).stdout) as GoroutinesJson;
      let unnamed = 0;
      good.goroutines.forEach((g, i) =>
        g.frames.forEach((f, k) => {
          const b = bad.goroutines[i]!.frames[k]!;
          if (f.function !== 'runtime.gopark') return assert.equal(b, f);
          unnamed++;
          assert.equal(b, { ...f, function: null, printName: '?', file: null, line: null });
        }),
      );
      assert.is(unnamed, parked);
    }
  }
  // go threads: its AT column walks the threads' stacks, where the idle Ms wait in runtime.futex.
  const futex = [...t.funcs()].find((x) => x.name === 'runtime.futex')!;
  const b = bytes.slice();
  new DataView(b.buffer).setUint32(pcln(futex.offset + GoFunc.fieldOffset(t.header, 1)), 0x7ffffff0, true);
  const exe = join(work, 'exe-futex');
  writeFileSync(exe, b, { mode: 0o755 });
  const good = elfkit(['go', 'threads', c.core, '--exe', c.exe]);
  assert.match(good.stdout, /runtime\.futex \S+:\d+$/m);
  const th = elfkit(['go', 'threads', c.core, '--exe', exe]);
  assert.is(th.status, 1, th.stderr);
  assert.match(oneLine(th, 'threads'), /function name offset 0x7ffffff0 is outside its table \(at \.gopclntab\+0x[0-9a-f]+\)$/);
  assert.is(th.stdout, good.stdout.replace(/runtime\.futex \S+:\d+$/gm, '? ?'), 'every thread, runtime.futex unnamed');
  // go threads with runtime.futex's SP deltas damaged: each idle M's stack (futex innermost) ends at that frame, fp unknown.
  const b2 = bytes.slice();
  b2.fill(0xff, pcln(t.header.pctab + futex.pcsp), pcln(t.header.pctab + futex.pcsp) + 6);
  const exe2 = join(work, 'exe-futex-pcsp');
  writeFileSync(exe2, b2, { mode: 0o755 });
  type ThreadsJson = { threads: { tid: number | null; frames: GoroutinesJson['goroutines'][number]['frames']; stop: { kind: string; message: string | null } }[] };
  const goodJ = JSON.parse(elfkit(['go', 'threads', c.core, '--exe', c.exe, '--json']).stdout) as ThreadsJson;
  const cutJ = elfkit(['go', 'threads', c.core, '--exe', exe2, '--json']);
  assert.is(cutJ.status, 1, cutJ.stderr);
  assert.match(oneLine(cutJ, 'threads pcsp'), /pcvalue varint is longer than 5 bytes/);
  const idle = goodJ.threads.filter((x) => x.frames[0]?.function === 'runtime.futex');
  assert.ok(idle.length > 3, `${idle.length} threads in runtime.futex`);
  for (const x of idle) {
    const y = (JSON.parse(cutJ.stdout) as ThreadsJson).threads.find((z) => z.tid === x.tid)!;
    assert.is(y.frames.length, 1, `thread ${x.tid}: the stack ends at runtime.futex`);
    assert.is(y.frames[0]!.fp, null);
    assert.is(y.frames[0]!.args, null);
    assert.is(y.stop.kind, 'unreadable-sp-delta');
    assert.match(y.stop.message!, /^runtime\.futex's SP delta at pc 0x[0-9a-f]+ cannot be read: pcvalue varint is longer than 5 bytes \(at \.gopclntab\+0x[0-9a-f]+\); its frame's size and the frames above it are unknown$/);
  }
});

test('an executable with the names of a goroutine creator and of a start function damaged: createdBy.function and startFunction are null in JSON, `created by ?` in text, the rest as intact', () => {
  const c = crash();
  if (!c) return;
  type G = { id: number; createdBy: { function: string | null; printName: string } | null; startFunction: string | null; frames?: unknown; stop?: unknown };
  const good = JSON.parse(elfkit(['go', 'goroutines', c.core, '--exe', c.exe, '--json']).stdout) as { goroutines: G[] };
  // The function that created most goroutines, and the most frequent start function other than it.
  const most = (names: (string | null | undefined)[], not?: string) => {
    const n = new Map<string, number>();
    for (const x of names) if (x && x !== not) n.set(x, (n.get(x) ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1])[0]![0];
  };
  const creator = most(good.goroutines.map((g) => g.createdBy?.function));
  const start = most(good.goroutines.map((g) => g.startFunction), creator);
  const { bytes, t, pcln } = pclntabOf(c.exe);
  const b = bytes.slice();
  for (const name of [creator, start]) {
    const f = [...t.funcs()].find((x) => x.name === name)!;
    new DataView(b.buffer).setUint32(pcln(f.offset + GoFunc.fieldOffset(t.header, 1)), 0x7ffffff0, true);
  }
  const exe = join(work, 'exe-creator-start-names');
  writeFileSync(exe, b, { mode: 0o755 });
  const r = elfkit(['go', 'goroutines', c.core, '--exe', exe, '--json']);
  assert.is(r.status, 1, r.stderr);
  const reports = r.stderr.trim().split('\n');
  assert.ok(reports.length >= 1 && reports.length <= 2, r.stderr);
  for (const line of reports) assert.match(line, /function name offset 0x7ffffff0 is outside its table \(at \.gopclntab\+0x[0-9a-f]+\)$/);
  const bad = (JSON.parse(r.stdout) as { goroutines: G[] }).goroutines;
  assert.is(bad.length, good.goroutines.length);
  let created = 0;
  let started = 0;
  good.goroutines.forEach((g, i) => {
    // Frames and stops are the frames' own test (above); here the goroutine's other fields.
    const { frames: _f, stop: _s, ...want } = g;
    const { frames: _bf, stop: _bs, ...got } = bad[i]!;
    if (want.createdBy?.function === creator) {
      created++;
      want.createdBy = { ...want.createdBy, function: null, printName: '?' };
    }
    if (want.startFunction === start) {
      started++;
      want.startFunction = null;
    }
    assert.equal(got, want, `goroutine ${g.id}`);
  });
  assert.ok(created > 1 && started > 1, `${created} goroutines created by ${creator}, ${started} started in ${start}`);
  // Text: each `created by` of the creator prints `?`, its file and line as before.
  const createdLines = (text: string) => text.match(/^created by .*\n\t.*$/gm) ?? [];
  const goodText = elfkit(['go', 'goroutines', c.core, '--exe', c.exe]).stdout;
  const badText = elfkit(['go', 'goroutines', c.core, '--exe', exe]).stdout;
  const esc = creator.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  assert.equal(createdLines(badText), createdLines(goodText).map((x) => x.replace(new RegExp(`^created by ${esc}( |$)`), 'created by ?$1')));
  assert.is(createdLines(badText).filter((x) => /^created by \?[ \n]/.test(x)).length, created);
});

test('an executable with a goroutine creator\'s file table damaged: createdBy.file and createdBy.line are null in JSON (not missing), `?:0` in text, the rest as intact', () => {
  const c = crash();
  if (!c) return;
  type G = { createdBy: Record<string, unknown> | null; frames?: unknown; stop?: unknown };
  const good = JSON.parse(elfkit(['go', 'goroutines', c.core, '--exe', c.exe, '--json']).stdout) as { goroutines: G[] };
  const counts = new Map<string, number>();
  for (const g of good.goroutines) if (typeof g.createdBy?.function === 'string') counts.set(g.createdBy.function, (counts.get(g.createdBy.function) ?? 0) + 1);
  const creator = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const { bytes, t, pcln } = pclntabOf(c.exe);
  const f = [...t.funcs()].find((x) => x.name === creator)!;
  const b = bytes.slice();
  b.fill(0xff, pcln(t.header.pctab + f.pcfile), pcln(t.header.pctab + f.pcfile) + 6);
  const exe = join(work, 'exe-creator-pcfile');
  writeFileSync(exe, b, { mode: 0o755 });
  const r = elfkit(['go', 'goroutines', c.core, '--exe', exe, '--json']);
  assert.is(r.status, 1, r.stderr);
  assert.match(oneLine(r, 'creator pcfile'), /pcvalue varint is longer than 5 bytes \(at \.gopclntab\+0x[0-9a-f]+\)$/);
  const bad = (JSON.parse(r.stdout) as { goroutines: G[] }).goroutines;
  assert.is(bad.length, good.goroutines.length);
  let created = 0;
  good.goroutines.forEach((g, i) => {
    const { frames: _f, stop: _s, ...want } = g;
    const { frames: _bf, stop: _bs, ...got } = bad[i]!;
    if (want.createdBy?.function === creator) {
      created++;
      want.createdBy = { ...want.createdBy, file: null, line: null };
      assert.equal(Object.keys(got.createdBy ?? {}), Object.keys(want.createdBy), `goroutine ${i}: the same keys, in order`);
    }
    assert.equal(got, want, `goroutine ${i}`);
  });
  assert.ok(created > 1, `${created} goroutines created by ${creator}`);
  // Text: the creator's `created by` location prints `?:0`, its offset as before.
  const createdLines = (text: string) => text.match(/^created by .*\n\t.*$/gm) ?? [];
  const esc = creator.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const goodText = elfkit(['go', 'goroutines', c.core, '--exe', c.exe]).stdout;
  const badText = elfkit(['go', 'goroutines', c.core, '--exe', exe]).stdout;
  assert.equal(createdLines(badText), createdLines(goodText).map((x) => x.replace(new RegExp(`^(created by ${esc}(?: .*)?\n\t)\\S+:\\d+`), '$1?:0')));
});

test('random bytes over the goroutines\' structures and stacks: every run ends with a listing or one line, quickly', () => {
  const c = crash();
  if (!c) return;
  const path = join(work, 'core-sweep');
  copyFileSync(c.core, path);
  const p = new Patchable(path, c.exe);
  try {
    const array = p.readU64(p.types.variable('runtime.allgs').address!);
    const gSize = p.types.typeByName('runtime.g').size!;
    const stackLo = BigInt(p.types.typeByName('runtime.g').offsetOf('stack.lo'));
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 12; i++) {
      const g = p.readU64(array + BigInt(rand(20) * 8));
      // Half the time inside the g, half inside its stack's top 512 bytes (saved return addresses and frames).
      const inG = i % 2 === 0;
      const base = inG ? g : p.readU64(g + stackLo + 8n) - 512n;
      const at = base + BigInt(rand(inG ? gSize - 8 : 504));
      const bytes = u64(BigInt(rand(0x7fffffff)) * 0x10001n);
      const started = Date.now();
      const r = p.with(at, bytes, () => elfkit(['go', 'goroutines', path, '--exe', c.exe]));
      assert.ok(Date.now() - started < 20000, `a run took ${Date.now() - started} ms`);
      if (r.status !== 0) oneLine(r, `bytes at 0x${at.toString(16)}`);
      else listed(r, `bytes at 0x${at.toString(16)}`);
      assert.not.match(r.stderr, /    at /);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    assert.ok(statuses.has(0), 'most damage leaves a listing');
  } finally {
    p.close();
  }
});

test('a truncated core: the goroutines in what is left, or one line', () => {
  const c = crash();
  if (!c) return;
  const path = join(work, 'core-short');
  copyFileSync(c.core, path);
  for (const keep of [0.9, 0.5, 0.05]) {
    truncateSync(path, Math.floor(statSync(c.core).size * keep));
    const r = elfkit(['go', 'goroutines', path, '--exe', c.exe]);
    if (r.status !== 0) oneLine(r, `core cut to ${keep}`);
    assert.ok(r.status === 0 || r.status === 1);
  }
});

test.run();
