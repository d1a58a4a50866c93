import type { CodeAnswer, Frame as SourceFrame, MissReason, Module as SymbolModule, SteppedDwarf, Symbolizer } from '@elfkit/symbolize';
import type { SectionInflater } from '@elfkit/elf';
import type { Backtrace, Frame, StopReason, UnwindOptions } from '@elfkit/unwind';
import type { CoreThread } from './core-file.js';
import type { CoreModule } from './module.js';
import type { CoreProcess } from './process-image.js';

/** Where a module's debug information came from, or why there is none. */
export type DebugInfoStatus =
  /** DWARF: in the module's file (`self`), or in a separate debug file found by build id or `.gnu_debuglink`. */
  | { readonly kind: 'dwarf'; readonly via: 'self' | 'build-id' | 'debuglink'; readonly path: string }
  /** No DWARF, but the Go pclntab (functions, files, lines, inlined calls). */
  | { readonly kind: 'go' }
  /** No DWARF: only the symbol table (function names, no lines). */
  | { readonly kind: 'symbols' }
  /** Nothing: the module's file is missing or of another build, or it has no symbols at all. */
  | { readonly kind: 'missing'; readonly reason: MissReason };

/** Why a frame has no function: the symbolizer's reason, or the module's file problem. */
export type FrameMiss = MissReason | 'module-missing' | 'module-mismatch';

/** A frame of a backtrace with its source: inlined calls and the function, innermost first. */
export interface SymbolizedFrame {
  readonly frame: Frame;
  readonly module?: CoreModule;
  /** The module offset of the frame's pc (pc − bias: the address in the module's file). */
  readonly fileAddress?: bigint;
  /** The calls inlined at the frame's lookup pc, innermost first, then the function that holds the code; empty on a miss. */
  readonly functions: readonly SourceFrame[];
  /** Why {@link functions} is empty. */
  readonly miss?: FrameMiss;
}

/** A thread's backtrace with every frame symbolized. */
export interface SymbolizedBacktrace {
  readonly frames: readonly SymbolizedFrame[];
  readonly stop: StopReason;
  /** Modules whose separate debug file's `.debug_frame` was used because their own tables did not cover a pc. */
  readonly debugFrameModules: readonly CoreModule[];
}

/**
 * Symbolizes a core's backtraces with `@elfkit/symbolize`: each module's
 * file goes to the symbolizer as the core process opened it (with its load
 * bias), and the symbolizer finds its debug information through its own
 * host (separate debug files by build id and debug link, debuginfod). Where
 * a module's `.eh_frame` does not cover a pc, the separate debug file's
 * `.debug_frame` is tried and the thread unwound again. Nothing here
 * touches a file system: both hosts are the caller's.
 */
export class CoreSymbols {
  private readonly modules = new Map<CoreModule, SymbolModule | null>();
  private readonly debugFrames = new Map<CoreModule, Promise<boolean>>();
  private readonly answers = new Map<SymbolModule, Map<bigint, CodeAnswer>>();
  /** How many modules were given their debug file's `.debug_frame` so far. */
  private tablesAdded = 0;

  constructor(
    readonly core: CoreProcess,
    readonly symbolizer: Symbolizer,
  ) {}

  /** The symbolizer's module for `m` (undefined when its file is missing or another build). */
  module(m: CoreModule): SymbolModule | undefined {
    let s = this.modules.get(m);
    if (s === undefined) {
      s = m.elf ? this.symbolizer.moduleFromElf(m.elf, m.path ?? m.name, { bias: m.bias }) : null;
      this.modules.set(m, s);
    }
    return s ?? undefined;
  }

  /** Where `m`'s debug information comes from (locating it on the first call). */
  async debugInfo(m: CoreModule): Promise<DebugInfoStatus> {
    const s = this.module(m);
    if (!s) return { kind: 'missing', reason: 'missing-file' };
    if (s.broken) return { kind: 'missing', reason: s.broken.reason };
    // The symbol table only when there is neither DWARF nor a pclntab: a module no frame is in (ld.so, waiting
    // threads never enter it) has its debug file located, not its symbols indexed.
    await s.dwarf();
    const origin = s.dwarfOrigin;
    if (origin) return { kind: 'dwarf', via: origin.via, path: origin.path };
    if (s.goSymbols()) return { kind: 'go' };
    return (await s.symbols()).size > 0 ? { kind: 'symbols' } : { kind: 'missing', reason: 'missing-symbols' };
  }

  /**
   * Unwinds `thread` and symbolizes every frame. A backtrace that stops for
   * want of unwind information in a module whose separate debug file has a
   * `.debug_frame` is unwound again with it.
   */
  async backtrace(thread: CoreThread, options: UnwindOptions = {}): Promise<SymbolizedBacktrace> {
    return this.symbolize(thread, this.core.backtrace(thread, options), options);
  }

  /**
   * Every thread's {@link backtrace}, unwound while the debug information
   * they need is decompressed off the main thread where the symbolizer's
   * host can (node:zlib's thread pool): the modules holding a thread's pc —
   * libc, where threads wait — start before the stacks are walked, the
   * other modules with frames after; then the frames are symbolized.
   * A module's `.debug_info` is inflated only as far as the units of its
   * frames reach (by `.debug_aranges`), in steps, nearest first: the
   * frames in the first units are symbolized while the later ones inflate
   * (a 64-thread core's libc frames read units up to 72% into its 5.8 MB).
   * Its `.debug_abbrev` and `.debug_line` are stepped as far into them (a
   * lookup that reads further brings in what it needs itself).
   */
  async backtraces(threads: readonly CoreThread[], options: UnwindOptions = {}): Promise<SymbolizedBacktrace[]> {
    const started = new Set<CoreModule>();
    const pending: Promise<void>[] = [];
    /** Modules whose preloaded sections are not all in yet. */
    const inflating = new Set<CoreModule>();
    /** Modules whose `.debug_info` is inflated in steps, as far as their frames need (and those whose is being read for it). */
    const steps = new Map<CoreModule, SectionInflater>();
    const reading = new Map<CoreModule, Promise<SectionInflater | undefined>>();
    /** Modules whose `.debug_abbrev` and `.debug_line` are inflated in steps (being read for it). */
    const tablesReading = new Map<CoreModule, Promise<SectionInflater[]>>();
    let decoding = true;
    const preload = async (modules: Iterable<CoreModule>) => {
      const fresh = [...modules].filter((m) => !started.has(m));
      for (const m of fresh) started.add(m);
      const loads = await Promise.all(fresh.map((m) => this.preload(m)));
      const handedOn: Promise<void>[] = [];
      for (let i = 0; i < loads.length; i++) {
        const l = loads[i];
        if (!l) continue;
        const m = fresh[i]!;
        if (l.info) reading.set(m, l.info);
        if (l.tables) tablesReading.set(m, l.tables);
        inflating.add(m);
        pending.push(l.done.then(() => void inflating.delete(m)));
        handedOn.push(l.decoding);
      }
      decoding = false;
      void Promise.all(handedOn).then(() => (decoding = true));
    };
    /** The first step of each module's `.debug_info`: as far as the units of the threads' pcs in it. */
    const first = new Map<CoreModule, number>();
    /** Takes the stepped `.debug_info` of the modules that were reading it, starting each towards its first step. */
    const stepsRead = async () => {
      for (const [m, p] of reading) {
        reading.delete(m);
        const info = await p;
        if (!info) continue;
        steps.set(m, info);
        const bound = first.get(m);
        if (bound !== undefined) void info.to(bound);
      }
    };
    const atPc = new Set<CoreModule>();
    const pcs: { m: CoreModule; pc: bigint }[] = [];
    for (const t of threads) {
      const pc = this.core.registers(t)?.pc;
      const m = pc !== undefined ? this.core.moduleAt(pc) : undefined;
      if (m) atPc.add(m);
      if (m && pc !== undefined) pcs.push({ m, pc });
    }
    await preload(atPc);
    // The first steps: the units of the threads' own pcs (libc's wait), inflated while the stacks are walked. Their
    // bounds (from .debug_aranges) are found while .debug_info is read.
    for (const { m, pc } of pcs) if (reading.has(m)) first.set(m, Math.max(first.get(m) ?? 0, this.infoBound(m, pc)));
    await stepsRead();
    const raw: Backtrace[] = [];
    for (const t of threads) {
      raw.push(this.core.backtrace(t, options));
      // The sections' compressed bytes arrive through the event loop: until each is being inflated, let it run
      // between threads, so the inflation overlaps the unwinding instead of starting after it.
      if (!decoding) await nextTurn();
    }
    const tables = this.tablesAdded;
    const withFrames = new Set<CoreModule>();
    for (const bt of raw) for (const f of bt.frames) if (f.module) withFrames.add(f.module as CoreModule);
    await preload(withFrames);
    await stepsRead();
    // While the large sections inflate: the inflating modules' symbols and address-to-unit tables (from their small
    // .debug_aranges), and the frames of the modules whose DWARF is in (the executable's, usually), are made ready.
    // The answers are kept by pc, so the symbolization below finds them done.
    for (const m of [...inflating]) await this.prepareLookups(m);
    // The rest of the steps: each module's .debug_info as far as the units of its frames, nearest first.
    const stepped: { f: Frame; bound: number }[] = [];
    const seen = new Set<bigint>();
    for (const bt of raw) {
      for (const f of bt.frames) {
        const m = f.module as CoreModule;
        const info = steps.get(m);
        if (!info || seen.has(f.pc)) continue;
        seen.add(f.pc);
        const bound = Math.max(this.infoBound(m, f.pc), this.infoBound(m, f.lookupPc));
        void info.to(bound);
        stepped.push({ f, bound });
      }
    }
    // Each stepped module's abbreviations and line tables as far into them as its units reach into .debug_info: the
    // tables of a unit lie about as far into theirs (a linker lays out each object's parts in the same order). A lookup
    // that reads further brings in the rest it needs itself (on the main thread).
    const tablesIn = new Map<CoreModule, Promise<unknown>>();
    for (const [m, p] of tablesReading) {
      const info = steps.get(m);
      const reach = Math.max(0, ...stepped.filter((s) => s.f.module === m).map((s) => s.bound));
      if (!info) continue;
      tablesIn.set(m, p.then((tables) => Promise.all(tables.map((t) => t.to(Math.ceil(t.bytes.length * Math.min(1, reach / info.bytes.length)))))));
    }
    const done = new Set<bigint>();
    for (const bt of raw) {
      for (const f of bt.frames) {
        if (inflating.size === 0 && steps.size === 0) break;
        const m = f.module as CoreModule;
        if (inflating.has(m) || steps.has(m) || done.has(f.pc)) continue;
        done.add(f.pc);
        await this.frame(f);
        // A step's end is taken (and the next one started) between frames, not after all of them.
        if (steps.size) await nextTurn();
      }
    }
    await Promise.all(pending);
    // The frames of the stepped modules, each once its units are in (a lookup that reads further still gets its bytes, later).
    stepped.sort((a, b) => a.bound - b.bound);
    for (const { f, bound } of stepped) {
      await steps.get(f.module as CoreModule)!.to(bound);
      // (a table step under way would leave a lookup needing more to inflate the whole table section anew)
      await tablesIn.get(f.module as CoreModule);
      await this.frame(f);
    }
    await Promise.all(tablesIn.values());
    const out: SymbolizedBacktrace[] = [];
    for (let i = 0; i < threads.length; i++) {
      const t = threads[i]!;
      // Once a thread gave a module its debug file's .debug_frame, the rest are unwound with it, as backtrace() one by one would.
      out.push(await this.symbolize(t, this.tablesAdded === tables ? raw[i]! : this.core.backtrace(t, options), options));
    }
    return out;
  }

  /**
   * Starts decompressing `m`'s DWARF (see `Module.preloadDwarf`): resolves
   * once it is started, to `{ done }` (wrapped: an async function returning
   * the promise itself would wait for it, and the threads would be unwound
   * only after the inflation instead of during it), or undefined.
   */
  private async preload(m: CoreModule): Promise<SteppedDwarf | undefined> {
    const s = this.module(m);
    if (!s || s.broken) return undefined;
    return s.preloadDwarf({ infoInSteps: true });
  }

  /** How far into `m`'s `.debug_info` a lookup at runtime address `pc` reads (see DwarfSource.infoBound); Infinity when unknown. */
  private infoBound(m: CoreModule, pc: bigint): number {
    return this.module(m)?.loadedDwarf?.infoBound(pc - m.bias) ?? Infinity;
  }

  /** Loads `m`'s symbols and builds its DWARF's address-to-unit table, which read nothing of `.debug_info`. */
  private async prepareLookups(m: CoreModule): Promise<void> {
    const s = this.module(m);
    if (!s || s.broken) return;
    await s.load();
    s.loadedDwarf?.prepareUnitSearch();
  }

  /** Symbolizes `bt`, unwinding `thread` again with a separate debug file's `.debug_frame` where its own CFI ran out. */
  private async symbolize(thread: CoreThread, bt: Backtrace, options: UnwindOptions): Promise<SymbolizedBacktrace> {
    const used: CoreModule[] = [];
    for (;;) {
      const m = this.stoppedIn(bt);
      if (!m || used.includes(m) || !(await this.useDebugFrame(m))) break;
      used.push(m);
      bt = this.core.backtrace(thread, options);
    }
    const frames: SymbolizedFrame[] = [];
    for (const f of bt.frames) frames.push(await this.frame(f));
    return { frames, stop: bt.stop, debugFrameModules: used };
  }

  /** One frame's functions, looked up at its lookup pc (pc − 1 for a return address). */
  async frame(f: Frame): Promise<SymbolizedFrame> {
    const m = f.module as CoreModule | undefined;
    if (!m) return { frame: f, functions: [], miss: 'unmapped' };
    const fileAddress = f.pc - m.bias;
    if (m.file.kind === 'missing' || m.file.kind === 'mismatch') {
      if (!m.elf) return { frame: f, module: m, fileAddress, functions: [], miss: m.file.kind === 'missing' ? 'module-missing' : 'module-mismatch' };
    }
    const s = this.module(m);
    if (!s) return { frame: f, module: m, fileAddress, functions: [], miss: 'module-missing' };
    // A signal trampoline is looked up at its pc, as gdb does: it was not called, and pc − 1 is before its symbol (glibc's __restore_rt).
    // (Go's runtime.sigpanic is marked a signal frame too, but it is a called function: pc − 1 stays.)
    const trampoline = f.signalFrame && f.adjusted && !m.goTable();
    const at = trampoline ? f.pc : f.lookupPc;
    // Threads share most of their frames (the same wait in libc): each address is looked up once.
    let answer = this.answers.get(s)?.get(at);
    if (!answer) {
      answer = await this.symbolizer.code(s, at);
      let byPc = this.answers.get(s);
      if (!byPc) this.answers.set(s, (byPc = new Map()));
      byPc.set(at, answer);
    }
    return answer.found ? { frame: f, module: m, fileAddress, functions: answer.frames } : { frame: f, module: m, fileAddress, functions: [], miss: answer.reason };
  }

  /** The module whose missing CFI ended (or frame pointers had to bridge) the backtrace. */
  private stoppedIn(bt: Backtrace): CoreModule | undefined {
    if (bt.stop.kind === 'no-unwind-info' || bt.stop.kind === 'bad-cfi') {
      const last = bt.frames[bt.frames.length - 1];
      return last?.module as CoreModule | undefined;
    }
    // A frame found by frame pointers: its callee had no CFI; a .debug_frame may be exact where the chain guesses.
    const i = bt.frames.findIndex((f) => f.method === 'frame-pointer');
    return i > 0 ? (bt.frames[i - 1]!.module as CoreModule | undefined) : undefined;
  }

  /** Gives `m` its separate debug file's `.debug_frame` (once); false when there is none to add. */
  private useDebugFrame(m: CoreModule): Promise<boolean> {
    let p = this.debugFrames.get(m);
    if (!p) {
      p = (async () => {
        const s = this.module(m);
        if (!s || s.broken) return false;
        await s.dwarf();
        const own = m.elf;
        const debugElf = s.debugElf;
        if (!own || !debugElf || debugElf === own) return false;
        const t = await s.unwindTables();
        if (!t.debugFrame) return false;
        this.tablesAdded++;
        m.useUnwindTables({
          ehFrame: t.ehFrame && { address: t.ehFrame.address, data: t.ehFrame.data },
          ehFrameHdr: t.ehFrameHdr && { address: t.ehFrameHdr.address, data: t.ehFrameHdr.data },
          debugFrame: { address: t.debugFrame.address, data: t.debugFrame.data },
          go: t.go && { table: t.go.table },
        });
        return true;
      })();
      this.debugFrames.set(m, p);
    }
    return p;
  }
}

/** Resolves after the event loop has had a turn (I/O callbacks run), not only the microtasks. */
function nextTurn(): Promise<void> {
  const g = globalThis as unknown as { setImmediate?: (f: () => void) => unknown; setTimeout: (f: () => void, ms: number) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : g.setTimeout(resolve, 0)));
}
