import { v8FlagSetter } from './v8-flags.js';

/** V8's interrupt budget where it is known: Node 20's V8 11.3 (`node --v8-options`: 67584 bytecodes). */
const DEFAULT_BUDGET = process.versions.v8.startsWith('11.3.') ? 67584 : undefined;

/** Sparkplug's batch size where it is known (Node 20's V8 11.3: 4096 bytes of estimated code). */
const DEFAULT_BASELINE_BATCH = process.versions.v8.startsWith('11.3.') ? 4096 : undefined;
/**
 * The batch size with `earlyBaseline`: functions warm enough for
 * Sparkplug are compiled in batches a quarter of the usual size, so they
 * leave the interpreter sooner. For `elfkit core`, whose work is a few
 * hundred functions each run a little (a 64-thread core's unwinding, libc's
 * DWARF units): callgrind, all threads, 841.8M -> 836.8M instructions.
 */
const EARLY_BASELINE_BATCH = 1024;

/**
 * Has V8 optimize hot functions (TurboFan) only after eight times its usual
 * budget of bytecodes, until the returned function restores it. A command
 * that runs a fraction of a second over many cold functions (`elfkit core`
 * on a 64-thread core: unwinding, DWARF units, line programs, each read
 * once) otherwise has a few dozen functions compiled by TurboFan on
 * background threads — ~55 ms CPU there, competing with the inflation on
 * the thread pool, and waited for at exit — for code that is run only a
 * little longer; a long run still gets them optimized, a few milliseconds
 * later. Restore before the bundle loader writes its code caches (when the
 * command ends): V8 checks a cache against a hash of the flags' values, so
 * one written with the budget changed would be rejected on every later
 * run. On a V8 whose default is not known here nothing is changed
 * (restoring a guessed default would do just that). With `earlyBaseline`,
 * Sparkplug's batches are smaller too (see EARLY_BASELINE_BATCH); `factor`
 * replaces the eight (a command whose hot functions are small compiles
 * gains from having them sooner).
 */
export function lateOptimization(options: { readonly earlyBaseline?: boolean; readonly factor?: number } = {}): () => void {
  if (DEFAULT_BUDGET === undefined) return () => {};
  const set = v8FlagSetter();
  set(`--interrupt-budget=${DEFAULT_BUDGET * (options.factor ?? 8)}`);
  const baseline = options.earlyBaseline && DEFAULT_BASELINE_BATCH !== undefined;
  if (baseline) set(`--baseline-batch-compilation-threshold=${EARLY_BASELINE_BATCH}`);
  return () => {
    set(`--interrupt-budget=${DEFAULT_BUDGET}`);
    if (baseline) set(`--baseline-batch-compilation-threshold=${DEFAULT_BASELINE_BATCH}`);
  };
}

/**
 * Runs a command's work under {@link lateOptimization}. For commands that
 * answer a small file in a few tenths of a second over code run once or a
 * few thousand times (`go funcs` on a 1.3 MB Go binary: the table writer's
 * OSR compile alone took longer than the rest of the run and was waited for
 * at exit); on large inputs the hot loops are still optimized, a little
 * later (`go funcs` and `uprobes` on the 43 MB docker CLI: no change).
 * Call it after the command's bundles are loaded (they are checked against
 * the flags' hash, see above). `options` as {@link lateOptimization}'s.
 */
export async function withLateOptimization<T>(work: () => T | Promise<T>, options: { readonly earlyBaseline?: boolean } = {}): Promise<T> {
  const restore = lateOptimization(options);
  try {
    return await work();
  } finally {
    restore();
  }
}

/** V8's cumulative inlining budget where it is known (Node 20's V8 11.3: 920 bytes of bytecode). */
const DEFAULT_INLINING = process.versions.v8.startsWith('11.3.') ? 920 : undefined;

/**
 * Has TurboFan inline at most a ninth of its usual bytecode into one
 * compile, until the returned function restores it. For a hot loop that
 * runs once per command (`go lines`: the pclntab walk with the row writer
 * in its callback): its on-stack-replacement compile inlined the writer,
 * the decoder and the string lookups, took ~24 ms on a background thread,
 * finished after the output was written and was waited for at exit (see
 * the bundle loader's settleBeforeExit) — ~11 ms of the run's wall time on
 * a 2 MB Go binary. The callees are optimized on their own either way.
 * Restored before the code caches are written, as {@link lateOptimization}.
 */
export function leanInlining(): () => void {
  if (DEFAULT_INLINING === undefined) return () => {};
  const set = v8FlagSetter();
  set(`--max-inlined-bytecode-size-cumulative=${Math.floor(DEFAULT_INLINING / 9)}`);
  return () => set(`--max-inlined-bytecode-size-cumulative=${DEFAULT_INLINING}`);
}

/**
 * Whether TurboFan is on here as by default: Node 20's V8 11.3, run without
 * an option that sets it (`--no-opt`, `--max-opt`, `--jitless`, which
 * cannot run optimized code at all), on the command line or in
 * NODE_OPTIONS — turning it back on must not override the user's choice.
 */
const TURBOFAN_DEFAULT =
  process.versions.v8.startsWith('11.3.') && ![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--(no[-_])?(opt|turbofan|max[-_]opt|jitless)(=|$)/.test(a));

/**
 * Runs `work` with TurboFan off for as long as its input stays under
 * `limit` bytes: `work` reports its input so far to the function it is
 * given, and past `limit` TurboFan is on again, before that input is
 * processed. For a command whose hot loop meets a small input: `image
 * attach-debug` on a 22 KB binary compresses a 13 KB layer, and TurboFan's
 * compiles of fflate — its module body, which builds the tables in loops
 * run once (~21 ms), and the deflate loop, twice — finished after the
 * layer was written and were waited for at exit (see the bundle loader's
 * settleBeforeExit): longer than the whole compression takes in
 * Sparkplug's baseline code (~7 ms). A large input gets optimized code
 * from `limit` bytes on, and still misses only the module body's compile.
 * Node's built-in modules loaded meanwhile would have their code caches
 * rejected (V8 checks them against a hash of the flags' values), as would
 * the bundle loader's written: load them before; TurboFan is on again
 * when `work` ends.
 */
export async function unoptimizedWhileSmall<T>(limit: number, work: (inputSoFar: (bytes: number) => void) => Promise<T>): Promise<T> {
  if (!TURBOFAN_DEFAULT) return work(() => {});
  const set = v8FlagSetter();
  let off = true;
  const restore = () => {
    if (off) (off = false), set('--turbofan');
  };
  set('--no-turbofan');
  try {
    return await work((bytes) => {
      if (bytes > limit) restore();
    });
  } finally {
    restore();
  }
}
