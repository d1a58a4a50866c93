import { isParseError } from '@elfkit/binary';
import { CoreMemory, memorySource, type CoreModule, type CoreProcess, type CoreThread } from '@elfkit/core';
import { Dwarf, DwarfTypes } from '@elfkit/dwarf';
import { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { PcLnTable } from '@elfkit/gosym';
import { clockReading, type ClockReading } from './clock.js';
import { GoRuntimeError, hex, isGoRuntimeError } from './errors.js';
import { GoCode, UNREADABLE_NAME, type CodeDamage } from './go-code.js';
import { readG, type GRecord } from './g-record.js';
import { createdBy, type CreatedBy } from './created-by.js';
import { goMachine, type GoMachine } from './machine.js';
import { readM, type MRecord } from './m-record.js';
import { RuntimeLayout } from './runtime-layout.js';
import { layoutKey, loadLayout, saveLayout, type LayoutCacheStore } from './layout-cache.js';
import { readStringTable } from './string-table.js';
import { Target } from './target.js';
import { expandWalk, type FrameStack, type Traceback } from './traceback.js';
import { nativeName } from './native-name.js';
import { PageCachedMemory } from './page-cache.js';
import { walkStack, type RuntimeState, type WalkContext } from './unwinder.js';

/** How to read the Go runtime of a core. */
export interface GoProcessOptions {
  /** The executable's DWARF when it lives elsewhere (a separate debug file); default: the executable's own sections. */
  readonly dwarf?: Dwarf;
  /** Stop a traceback after this many physical frames (default 100,000). */
  readonly maxFrames?: number;
  /**
   * Where layouts read before are kept (see {@link LayoutCacheStore}): a
   * later open of the same executable (same build ids, size and
   * modification time) takes the layout from there instead of the DWARF.
   * Not used with {@link dwarf}.
   */
  readonly layoutCache?: LayoutCacheStore;
}

/** A goroutine as the runtime's traceback header describes it, with what the core adds (its thread). */
export interface Goroutine {
  readonly id: bigint;
  /** The address of its `runtime.g` (the `gp=` of the traceback). */
  readonly address: bigint;
  /** The status without the `_Gscan` bit (`runtime._Grunning`…). */
  readonly status: number;
  /** The status's name from the binary's `runtime.gStatusStrings` (`running`, `waiting`…). */
  readonly statusName: string;
  /** The `_Gscan` bit: the garbage collector was scanning its stack. */
  readonly scan: boolean;
  /** Why it waits, from the binary's `runtime.waitReasonStrings` (waiting goroutines). */
  readonly waitReason?: string;
  readonly waitReasonCode?: number;
  /** `g.waitsince` (nanotime), when the runtime recorded one (it does at a garbage collection). */
  readonly waitSince?: bigint;
  /** Whole minutes waited at least, measured against the latest clock reading the runtime kept (see {@link GoProcess.clock}). */
  readonly waitMinutes?: number;
  /** Locked to its thread (`runtime.LockOSThread`). */
  readonly lockedToThread: boolean;
  /** The M it runs on or is in a system call on: its id and address (the `m=`/`mp=` of the traceback). */
  readonly m?: { readonly id: bigint; readonly address: bigint };
  /** That M's thread id, when it has one. */
  readonly thread?: number;
  /** The goroutine whose thread took the signal that ended the process. */
  readonly crashed: boolean;
  /** The `go` statement that started it. */
  readonly createdBy?: CreatedBy;
  /** The goroutine that started it (Go 1.21+; 0 when none was recorded). */
  readonly parentGoid?: bigint;
  /** The function it started with; undefined when no Go function holds its start pc or the function's name cannot be read. */
  readonly startFunction?: string;
  /** The fields read from its `runtime.g`. */
  readonly g: GRecord;
}

/** An OS thread of the process: the M that runs on it (if any) and its registers. */
export interface GoThread {
  /** The thread id, when the core has the thread (an M whose thread is not in the core has none). */
  readonly tid?: number;
  readonly thread?: CoreThread;
  /** The runtime's M for the thread, when it is one. */
  readonly m?: MRecord;
  /** The goroutine the M is running (`m.curg`), by id. */
  readonly goroutine?: bigint;
  /** That goroutine's status name (`running`, `syscall`…). */
  readonly goroutineStatus?: string;
  /** The goroutine locked to the M, by id. */
  readonly lockedGoroutine?: bigint;
  /** The P it holds, by id. */
  readonly p?: number;
  /** The signal that ended the process was taken by this thread. */
  readonly crashed: boolean;
}

/** What {@link GoProcess.goroutines} found, with what it had to skip. */
export interface GoroutineList {
  readonly goroutines: readonly Goroutine[];
  /** Entries of `runtime.allgs` the runtime no longer uses (`_Gdead`), not listed. */
  readonly dead: number;
  /** `allglen`: the entries read. */
  readonly count: number;
  /** Entries that could not be read, each with the reason. */
  readonly problems: readonly string[];
}

/** Upper bound on allgs entries worth reading: far beyond any real program, far below a corrupt length. */
const MAX_GOROUTINES = 1 << 24;
/** Upper bound on the Ms of `runtime.allm`. */
const MAX_MS = 1 << 16;

/**
 * The Go runtime of a crashed process: its goroutines (from
 * `runtime.allgs`, laid out by the binary's own DWARF), its Ms and their
 * threads, and every goroutine's stack as the runtime's traceback would
 * print it — saved state for parked goroutines, the thread's registers for
 * running ones.
 *
 * ```ts
 * const go = GoProcess.open(CoreProcess.open(core, { host }));
 * for (const g of go.goroutines().goroutines) console.log(g.id, g.statusName, go.traceback(g).frames[0]?.function);
 * ```
 *
 * {@link open} throws a {@link GoRuntimeError} when the process is not a
 * Go program, or its executable is another build. Without DWARF (`-w`)
 * {@link goroutines} throws `no-types`, and {@link threads} with
 * {@link threadTraceback} still unwind every thread by the pclntab.
 */
export class GoProcess {
  /** The core the runtime is read from. */
  readonly core: CoreProcess;
  readonly executable: CoreModule;
  readonly table: PcLnTable;
  readonly machine: GoMachine;
  readonly target: Target;
  /** The runtime's layouts, undefined when the executable has no DWARF (see {@link typesError}). */
  readonly layout?: RuntimeLayout;
  /** Why {@link layout} is undefined. */
  readonly typesError?: GoRuntimeError;
  private readonly code: GoCode;
  private readonly bias: bigint;
  private readonly gCache = new Map<bigint, GRecord | null>();
  private readonly mCache = new Map<bigint, MRecord | null>();
  private ms?: MRecord[];
  private msProblem?: string;
  private waitReasons?: readonly (string | undefined)[];
  private statusNames?: readonly (string | undefined)[];
  private clockValue?: ClockReading | null;
  private list?: GoroutineList;
  private readonly maxFrames?: number;

  private constructor(core: CoreProcess, exe: CoreModule, table: PcLnTable, machine: GoMachine, options: GoProcessOptions, goBuildId: string | undefined) {
    this.core = core;
    this.executable = exe;
    this.table = table;
    this.machine = machine;
    this.bias = exe.bias;
    this.target = new Target(new PageCachedMemory(core.memory), machine.ptrSize, machine.order);
    this.code = new GoCode(core);
    this.maxFrames = options.maxFrames;
    const store = options.dwarf ? undefined : options.layoutCache;
    const key = store && layoutKey(store, exe, goBuildId);
    const cached = key && loadLayout(store, key);
    if (cached) {
      this.layout = cached;
      return;
    }
    try {
      const dwarf = options.dwarf ?? dwarfOf(exe.elf!);
      if (!dwarf) {
        this.typesError = new GoRuntimeError(
          'no-types',
          `${exe.name} has no DWARF (built with -ldflags=-w?): the layouts of runtime.g and runtime.m are needed to list goroutines; only the threads' stacks can be read from the pclntab`,
        );
      } else {
        const types = DwarfTypes.of(dwarf, { namePrefix: 'runtime.', functions: false });
        this.layout = RuntimeLayout.read(types);
        // A layout read past damaged units is not kept: the next run reads them again.
        if (key && types.errors.length === 0) saveLayout(store, key, this.layout);
      }
    } catch (e) {
      if (isGoRuntimeError(e)) this.typesError = e;
      else if (isParseError(e)) this.typesError = new GoRuntimeError('unsupported', `${exe.name}: the DWARF cannot be read: ${e.message}`);
      else throw e;
    }
  }

  /**
   * The Go runtime of the process `core` records. Throws {@link GoRuntimeError}: `not-go`
   * (no executable, or one without a Go pclntab), `missing-file` (the
   * executable's file is not available), `other-build` (the file found or
   * given is another build than the one that ran: build ids differ),
   * `unsupported` (a machine the Go unwinder does not know).
   */
  static open(core: CoreProcess, options: GoProcessOptions = {}): GoProcess {
    const exe = core.executable;
    if (!exe) throw new GoRuntimeError('not-go', 'the core names no executable (no mapping holds its entry point)');
    const f = exe.file;
    if (f.kind === 'mismatch') throw new GoRuntimeError('other-build', `${f.path} is another build than the process ran: its build id is ${f.found ?? 'missing'}, the core's ${f.expected}`);
    if (f.kind === 'missing' || !exe.elf) throw new GoRuntimeError('missing-file', `the executable ${f.kind === 'missing' ? f.path : exe.name} is not available (give it with --exe)`);
    const inCore = goBuildIdInCore(core, exe);
    const inFile = safe(() => exe.elf!.goBuildId());
    if (inCore && inFile && inCore !== inFile) {
      throw new GoRuntimeError('other-build', `${exe.path ?? exe.name} is another build than the process ran: its Go build id is ${inFile}, the core's ${inCore}`);
    }
    let table: PcLnTable | undefined;
    try {
      table = exe.goTable();
    } catch (e) {
      if (!isParseError(e)) throw e;
      throw new GoRuntimeError('not-go', `${exe.name}: the Go pclntab is damaged: ${e.message}`);
    }
    if (!table) throw new GoRuntimeError('not-go', `${exe.name} is not a Go program (it has no Go pclntab)`);
    const machine = core.arch && goMachine(core.arch);
    if (!machine) throw new GoRuntimeError('unsupported', `machine ${core.core.elf.header.machine} is not one the Go unwinder knows`);
    return new GoProcess(core, exe, table, machine, options, inFile);
  }

  /** The runtime address of link-time address `a`. */
  private at(a: bigint): bigint {
    return a + this.bias;
  }

  /** The Go version the runtime reports (`runtime.buildVersion`), when readable. */
  get version(): string | undefined {
    const v = this.layout?.buildVersion;
    return v ? this.target.readGoString(this.at(v.address), 64) : undefined;
  }

  private requireLayout(): RuntimeLayout {
    if (!this.layout) throw this.typesError ?? new GoRuntimeError('no-types', 'no runtime layout');
    return this.layout;
  }

  /** The g at `address` (cached). */
  g(address: bigint): GRecord | undefined {
    const layout = this.layout;
    return layout ? cached(this.gCache, address, () => readG(this.target, layout.g, address)) : undefined;
  }

  /** The m at `address` (cached). */
  m(address: bigint): MRecord | undefined {
    const layout = this.layout;
    return layout ? cached(this.mCache, address, () => readM(this.target, layout.m, address)) : undefined;
  }

  /** Every M of `runtime.allm`, in list order. */
  allMs(): readonly MRecord[] {
    if (this.ms) return this.ms;
    const layout = this.requireLayout();
    const out: MRecord[] = [];
    const allm = layout.allm;
    if (allm) {
      let p = this.target.readPtr(this.at(allm.address));
      const seen = new Set<bigint>();
      while (p && p !== 0n && !seen.has(p) && out.length < MAX_MS) {
        seen.add(p);
        const m = this.m(p);
        if (!m) {
          this.msProblem = `the m at ${hex(p)} is not in the core`;
          break;
        }
        out.push(m);
        p = m.allLink;
      }
    }
    return (this.ms = out);
  }

  /**
   * The goroutines of `runtime.allgs` that are not dead, in the order the
   * runtime keeps them. Throws {@link GoRuntimeError}: `no-types` without
   * DWARF, `unreadable`/`damaged` when `allgs` itself cannot be read or
   * holds an impossible length. A g that cannot be read is a problem of
   * the list; the others are still listed.
   */
  goroutines(): GoroutineList {
    if (this.list) return this.list;
    const layout = this.requireLayout();
    const t = this.target;
    const word = BigInt(this.machine.ptrSize);
    const slice = this.at(layout.allgs.address);
    const array = t.needPtr(slice, 'runtime.allgs');
    const len = t.needUint(slice + word, this.machine.ptrSize, 'runtime.allgs');
    const cap = t.readUint(slice + 2n * word, this.machine.ptrSize) ?? len;
    let count = len;
    if (layout.allglen) count = t.readUint(this.at(layout.allglen.address), this.machine.ptrSize) ?? len;
    if (count > len) count = len;
    if (len > cap || count > BigInt(MAX_GOROUTINES)) {
      throw new GoRuntimeError('damaged', `runtime.allgs is damaged: length ${len}, capacity ${cap}, allglen ${count}`, slice);
    }
    const n = Number(count);
    const pointers = n === 0 ? new Uint8Array(0) : t.memory.read(array, n * this.machine.ptrSize);
    if (!pointers) throw new GoRuntimeError('damaged', `runtime.allgs is damaged: its ${n} entries at ${hex(array)} are not in the core`, array);
    const view = new DataView(pointers.buffer, pointers.byteOffset, pointers.byteLength);
    const little = this.machine.order === 'little';
    const dead = layout.status('_Gdead', 6);
    const deadExtra = layout.statuses.get('_Gdeadextra');
    const scanBit = layout.status('_Gscan', 0x1000);
    const crashedG = this.crashedGoroutine();
    const goroutines: Goroutine[] = [];
    const problems: string[] = [];
    let deadCount = 0;
    for (let i = 0; i < n; i++) {
      const a = this.machine.ptrSize === 8 ? view.getBigUint64(i * 8, little) : BigInt(view.getUint32(i * 4, little));
      if (a === 0n) {
        problems.push(`runtime.allgs[${i}] is nil`);
        continue;
      }
      const g = this.g(a);
      if (!g) {
        problems.push(`runtime.allgs[${i}]: the g at ${hex(a)} is not in the core`);
        continue;
      }
      const status = g.rawStatus & ~scanBit;
      if (status === dead || status === deadExtra) {
        deadCount++;
        continue;
      }
      goroutines.push(this.describe(g, status, (g.rawStatus & scanBit) !== 0, crashedG));
    }
    return (this.list = { goroutines, dead: deadCount, count: n, problems });
  }

  private describe(g: GRecord, status: number, scan: boolean, crashedG: bigint | undefined): Goroutine {
    const layout = this.layout!;
    const waiting = status === layout.status('_Gwaiting', 4) || status === layout.statuses.get('_Gleaked');
    const reasons = this.waitReasonTable();
    let waitReason: string | undefined;
    if (waiting && g.waitReason !== undefined && g.waitReason !== 0) waitReason = reasons[g.waitReason] ?? `wait reason ${g.waitReason}`;
    const m = this.m(g.m);
    const clock = this.clock();
    let waitMinutes: number | undefined;
    if ((waiting || status === layout.status('_Gsyscall', 3)) && g.waitSince !== 0n && clock && clock.value > g.waitSince) {
      waitMinutes = Number((clock.value - g.waitSince) / 60_000_000_000n);
    }
    const start = this.code.funcAt(g.startPc);
    return {
      id: g.goid,
      address: g.address,
      status,
      statusName: this.statusName(status),
      scan,
      waitReason,
      waitReasonCode: waiting ? g.waitReason : undefined,
      waitSince: g.waitSince !== 0n ? g.waitSince : undefined,
      waitMinutes,
      lockedToThread: g.lockedM !== 0n,
      m: m ? { id: m.id, address: m.address } : undefined,
      thread: m && m.procid !== 0n ? Number(m.procid) : undefined,
      crashed: crashedG === g.address,
      createdBy: g.goid !== 1n ? createdBy(this.code, g, this.machine) : undefined,
      parentGoid: g.parentGoid,
      startFunction: start && start.name !== UNREADABLE_NAME ? start.name : undefined,
      g,
    };
  }

  /** The name of status `s` from `runtime.gStatusStrings`, else from the status constants' names. */
  statusName(s: number): string {
    if (!this.statusNames) {
      const layout = this.layout;
      const table = layout?.gStatusStrings ? readStringTable(this.target, layout.gStatusStrings, this.bias) : [];
      this.statusNames = table;
    }
    const fromTable = this.statusNames[s];
    if (fromTable) return fromTable;
    for (const [name, v] of this.layout?.statuses ?? []) {
      if (v === s && /^_G[a-z]/.test(name) && !name.startsWith('_Gscan')) return name.slice(2).replace(/_unused$/, '');
    }
    return '???';
  }

  private waitReasonTable(): readonly (string | undefined)[] {
    if (!this.waitReasons) {
      const w = this.layout?.waitReasonStrings;
      this.waitReasons = w ? readStringTable(this.target, w, this.bias) : [];
    }
    return this.waitReasons;
  }

  /**
   * The latest time the runtime recorded (nanotime: `sched.lastpoll`,
   * `work.tstart`, `memstats.last_gc_nanotime`, the goroutines'
   * `waitsince`): the process ran at least until then, so waits measured
   * against it are lower bounds.
   */
  clock(): ClockReading | undefined {
    if (this.clockValue === undefined) {
      const layout = this.layout;
      this.clockValue = layout ? (clockReading(this.target, layout.clocks, this.bias, () => [...this.gCache.values()].map((g) => g?.waitSince ?? 0n)) ?? null) : null;
    }
    return this.clockValue ?? undefined;
  }

  /** The thread that took the signal that ended the process. */
  get crashedThread(): CoreThread | undefined {
    const ts = this.core.threads;
    return ts.find((t) => t.status.cursig !== 0) ?? ts[0];
  }

  private crashedGoroutine(): bigint | undefined {
    const t = this.crashedThread;
    if (!t) return undefined;
    const m = this.allMs().find((x) => Number(x.procid) === t.tid);
    return m && m.curg !== 0n ? m.curg : undefined;
  }

  /**
   * The OS threads: every thread of the core with the M that runs on it,
   * then the Ms whose thread the core does not hold. Without DWARF, the
   * core's threads alone.
   */
  threads(): GoThread[] {
    const crashed = this.crashedThread;
    const ms = this.layout ? this.allMs() : [];
    const byTid = new Map<number, MRecord>();
    for (const m of ms) if (m.procid !== 0n) byTid.set(Number(m.procid), m);
    const pid = (m: MRecord): number | undefined => {
      if (m.p === 0n || !this.layout?.pId) return undefined;
      const v = this.target.readUint(m.p + BigInt(this.layout.pId.offset), this.layout.pId.size);
      return v === undefined ? undefined : Number(BigInt.asIntN(this.layout.pId.size * 8, v));
    };
    const scanBit = this.layout?.status('_Gscan', 0x1000) ?? 0x1000;
    const describe = (thread: CoreThread | undefined, m: MRecord | undefined): GoThread => ({
      tid: thread?.tid ?? (m && m.procid !== 0n ? Number(m.procid) : undefined),
      thread,
      m,
      goroutine: m ? this.g(m.curg)?.goid : undefined,
      goroutineStatus: m && this.g(m.curg) ? this.statusName(this.g(m.curg)!.rawStatus & ~scanBit) : undefined,
      lockedGoroutine: m ? this.g(m.lockedG)?.goid : undefined,
      p: m ? pid(m) : undefined,
      crashed: !!thread && thread === crashed,
    });
    const out: GoThread[] = this.core.threads.map((t) => describe(t, byTid.get(t.tid)));
    const inCore = new Set(this.core.threads.map((t) => t.tid));
    for (const m of ms) if (m.procid === 0n || !inCore.has(Number(m.procid))) out.push(describe(undefined, m));
    return out;
  }

  /**
   * The damaged parts of the executable's (or a Go library's) pclntab that
   * the tracebacks, creators and start functions stepped over, once each:
   * a frame whose name, file, line or arguments they held prints without
   * them, a stack whose SP deltas they held ends there.
   */
  get codeDamage(): readonly CodeDamage[] {
    return this.code.damage;
  }

  /** Problems met reading the Ms (a broken `allm` list). */
  get problems(): readonly string[] {
    return this.msProblem ? [this.msProblem] : [];
  }

  private walkContext(maxFrames = this.maxFrames): WalkContext {
    const runtime: RuntimeState = { g: (a) => this.g(a), m: (a) => this.m(a) };
    return { machine: this.machine, target: this.target, code: this.code, modules: this.core, runtime, maxFrames };
  }

  /**
   * A goroutine's stack as the runtime's traceback prints it. A running
   * goroutine is unwound from its thread's registers (through the system
   * stack and signal frames it is on); the others from their saved state
   * (`syscallsp/pc` in a system call, else `sched`).
   */
  traceback(g: Goroutine): Traceback {
    const running = g.status === this.layout!.status('_Grunning', 2);
    const thread = g.thread !== undefined ? this.core.threads.find((t) => t.tid === g.thread) : undefined;
    if (running && thread) {
      const tb = this.threadTraceback({ tid: thread.tid, thread, m: this.m(g.m!.address), crashed: false });
      return { ...tb, frames: tb.frames };
    }
    const ctx = this.walkContext();
    // A goroutine inside the vDSO (nanotime in a system call) records where it entered it on its M.
    const m = this.m(g.g.m);
    const vdso = m && m.vdsoSp !== 0n && g.g.syscallSp !== 0n ? { pc: m.vdsoPc, sp: m.vdsoSp } : undefined;
    const walk = walkStack({ kind: 'goroutine', g: g.g, ...vdso }, ctx);
    const source = g.g.syscallSp !== 0n ? 'syscall' : 'saved';
    return expandWalk(walk, this.target, (a) => this.stackName(a, g.g.address, m), (f) => nativeName(f), source);
  }

  /**
   * A thread's stack from its registers: its system stack (g0, signal
   * stack), then its goroutine's frames. With `maxFrames`, only that many
   * physical frames are walked (the innermost, as the whole walk has them;
   * the stop is then `depth-limit`): for a listing that needs the top.
   */
  threadTraceback(t: GoThread, maxFrames?: number): Traceback {
    const ctx = this.walkContext(maxFrames === undefined || (this.maxFrames !== undefined && this.maxFrames < maxFrames) ? this.maxFrames : maxFrames);
    const regs = t.thread ? this.core.registers(t.thread) : undefined;
    if (!regs) {
      const g = t.m ? this.g(t.m.curg) : undefined;
      if (g) return expandWalk(walkStack({ kind: 'goroutine', g }, ctx), this.target, (a) => this.stackName(a, g.address, t.m), (f) => nativeName(f), 'saved');
      return { frames: [], stop: { kind: 'unknown-pc', pc: 0n }, source: 'registers' };
    }
    const walk = walkStack({ kind: 'registers', registers: regs, m: t.m, pacMask: t.thread?.pacMask?.insnMask }, ctx);
    return expandWalk(walk, this.target, (a) => this.stackName(a, t.m?.curg, t.m), (f) => nativeName(f), 'registers');
  }

  private stackName(g: bigint | undefined, goroutine: bigint | undefined, m: MRecord | undefined): FrameStack {
    if (g === undefined) return 'unknown';
    if (g === goroutine) return 'goroutine';
    if (m && g === m.g0) return 'g0';
    if (m && g === m.gsignal) return 'gsignal';
    return 'unknown';
  }
}

/** The DWARF of `elf`, or undefined when it has none. */
function dwarfOf(elf: ElfFile): Dwarf | undefined {
  const info = elf.debugSection('.debug_info');
  if (!info || info.type === C.SHT_NOBITS || info.size === 0) return undefined;
  return Dwarf.load(
    (name) => {
      const s = elf.debugSection(name);
      return s && s.type !== C.SHT_NOBITS ? elf.sectionData(s) : undefined;
    },
    { order: elf.header.order },
  );
}

/** The Go build id in the executable's image as the core holds it (its first page has the notes). */
function goBuildIdInCore(core: CoreProcess, exe: CoreModule): string | undefined {
  const coreOnly = new CoreMemory(core.core.elf, core.core.files?.files ?? [], () => undefined);
  try {
    const image = ElfFile.parse(memorySource(coreOnly, exe.start, Number(exe.end - exe.start), `${exe.name} in memory`));
    for (const n of image.segmentNotes()) {
      if (n.owner !== 'Go' || n.type !== 4) continue;
      const c = image.decodeNote(n);
      if (c.kind === 'go-build-id') return c.buildId;
    }
  } catch (e) {
    if (!isParseError(e)) throw e;
  }
  return undefined;
}

/** `read()` for `address` once, kept in `cache` (a miss too); nil pointers are never read. */
function cached<T>(cache: Map<bigint, T | null>, address: bigint, read: () => T | undefined): T | undefined {
  if (address === 0n) return undefined;
  let r = cache.get(address);
  if (r === undefined) cache.set(address, (r = read() ?? null));
  return r ?? undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isParseError(e)) return undefined;
    throw e;
  }
}
