import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Coverage, parserScripts } from './coverage.js';
import { exceptionSignature, type Finding, type FindingKind } from './finding.js';
import { Mutator } from './mutate.js';
import { Random } from './random.js';
import { Probe, type FuzzTarget, type Seed } from './target.js';

/** How a fuzz run of one target goes. */
export interface EngineOptions {
  /** The run's seed: the same seed gives the same inputs. */
  readonly seed: number;
  /** Stop after this many mutated inputs. */
  readonly maxInputs: number;
  /** Stop at this time (ms since the epoch), checked between batches. */
  readonly deadline: number;
  /** An input taking longer than this (ms) is a finding. */
  readonly timeLimitMs: number;
  /** Use coverage feedback (default true). */
  readonly coverage?: boolean;
  /** With coverage on, let it grow the corpus (default true); false only measures what plain mutation reaches. */
  readonly guide?: boolean;
  /** Minimize each new finding (default true). */
  readonly minimize?: boolean;
  /** Called with the input about to run (the watchdog keeps it) and after it ran. */
  readonly beforeRun?: (input: Uint8Array, seed: string) => void;
  readonly afterRun?: () => void;
  readonly onFinding?: (f: Finding) => void;
  readonly onProgress?: (s: EngineStats) => void;
}

/** Counters of a run. */
export interface EngineStats {
  target: string;
  /** Mutated inputs run (seeds, replays and minimization not counted). */
  inputs: number;
  /** Every execution, replays and minimization included. */
  executions: number;
  /** Inputs that made the parser report at least one ParseError. */
  rejected: number;
  corpus: number;
  features: number;
  findings: number;
  /** Slow or memory-hungry runs that did not repeat when run again. */
  flaky: number;
  seconds: number;
}

interface Entry {
  bytes: Uint8Array;
  seed: Seed;
  picks: number;
}

type Outcome = { kind: FindingKind; signature: string; message: string; stack?: string } | undefined;

const BATCH = 16;
const MAX_CORPUS = 4000;
const HEAP_BASE = 48 << 20;

let gc: (() => void) | undefined;
/** V8's gc(), exposed once for the memory re-check. */
function collect(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** True when `e` has a captured stack trace (frames, not only its message). */
function hasFrames(e: Error): boolean {
  return /\n\s+at /.test(e.stack ?? '');
}

function heapNow(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/**
 * The fuzz loop for one target: seeds in, mutants out, each run under the
 * checks (only ParseError escapes, time per input, memory kept per input
 * byte), coverage deciding which mutants join the corpus. Coverage is
 * taken once per batch of inputs; only a batch that found something new is
 * replayed input by input to find which one did, so feedback costs little
 * once coverage stops growing. Deterministic for a seed.
 */
export class Engine {
  readonly stats: EngineStats;
  private readonly rnd: Random;
  private mutator?: Mutator;
  private readonly coverage?: Coverage;
  private readonly corpus: Entry[] = [];
  private seeds: Seed[] = [];
  private readonly found = new Set<string>();
  private readonly started = Date.now();

  constructor(
    readonly target: FuzzTarget<any>,
    readonly options: EngineOptions,
  ) {
    this.rnd = new Random(options.seed, target.name);
    if (options.coverage !== false) this.coverage = new Coverage(parserScripts);
    this.stats = { target: target.name, inputs: 0, executions: 0, rejected: 0, corpus: 0, features: 0, findings: 0, flaky: 0, seconds: 0 };
  }

  /** Runs until `maxInputs` or the deadline; returns the counters. */
  async run(): Promise<EngineStats> {
    try {
      this.seeds = await this.target.seeds();
      if (this.seeds.length === 0) throw new Error(`fuzz target ${this.target.name} has no seeds`);
      const longest = Math.max(...this.seeds.map((s) => s.bytes.length));
      this.mutator = new Mutator(this.rnd, { resizable: this.target.resizable, maxLength: this.target.resizable ? longest * 2 + 1024 : longest });
      this.coverage?.take();
      for (const seed of this.seeds) {
        const outcome = await this.execute(seed.bytes, seed);
        if (outcome) await this.report(outcome, seed.bytes, seed);
        if (this.coverage) this.coverage.commit(this.coverage.take());
        this.corpus.push({ bytes: seed.bytes, seed, picks: 0 });
      }
      let lastProgress = Date.now();
      while (this.stats.inputs < this.options.maxInputs && Date.now() < this.options.deadline) {
        await this.batch(Math.min(BATCH, this.options.maxInputs - this.stats.inputs));
        if (this.options.onProgress && Date.now() - lastProgress > 2000) {
          lastProgress = Date.now();
          this.options.onProgress(this.snapshot());
        }
      }
    } finally {
      this.coverage?.close();
    }
    return this.snapshot();
  }

  private snapshot(): EngineStats {
    this.stats.corpus = this.corpus.length;
    this.stats.features = this.coverage?.size ?? 0;
    this.stats.seconds = (Date.now() - this.started) / 1000;
    return { ...this.stats };
  }

  private pick(): Entry {
    // Recent additions (new coverage) half the time, anything otherwise.
    const n = this.corpus.length;
    const e = this.rnd.chance(0.5) ? this.corpus[n - 1 - this.rnd.below(Math.max(1, n >> 2))]! : this.corpus[this.rnd.below(n)]!;
    e.picks++;
    return e;
  }

  private async batch(size: number): Promise<void> {
    const children: { bytes: Uint8Array; seed: Seed }[] = [];
    for (let i = 0; i < size; i++) {
      const parent = this.pick();
      const donors = [this.corpus[this.rnd.below(this.corpus.length)]!.bytes];
      const bytes = this.mutator!.mutate({ bytes: parent.bytes, fields: parent.seed.fields, regions: parent.seed.regions ?? [], order: parent.seed.order }, donors);
      this.stats.inputs++;
      const outcome = await this.execute(bytes, parent.seed);
      if (outcome) await this.report(outcome, bytes, parent.seed);
      else children.push({ bytes, seed: parent.seed });
    }
    if (!this.coverage) return;
    if (this.options.guide === false) {
      this.coverage.commit(this.coverage.take());
      return;
    }
    if (!this.coverage.hasNew(this.coverage.take())) return;
    // Something in the batch ran new code: find which inputs, one by one.
    for (const c of children) {
      await this.execute(c.bytes, c.seed);
      const features = this.coverage.take();
      if (this.coverage.commit(features) === 0) continue;
      const entry = { bytes: c.bytes, seed: c.seed, picks: 0 };
      if (this.corpus.length < MAX_CORPUS) this.corpus.push(entry);
      else this.corpus[this.seeds.length + this.rnd.below(MAX_CORPUS - this.seeds.length)] = entry;
    }
  }

  /** Runs one input under the checks (awaiting a target that reads asynchronously); the outcome says what went wrong, if anything. */
  async execute(input: Uint8Array, seed: Seed, recheck = true): Promise<Outcome> {
    this.stats.executions++;
    const probe = new Probe(this.target.typedErrors);
    this.options.beforeRun?.(input, seed.name);
    const h0 = heapNow();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let kept: unknown;
    let error: unknown;
    let threw = false;
    // Errors are made without stack traces: a damaged table makes ParseErrors by the dozen per input, and
    // capturing their stacks took 40% of a pclntab run. A finding is run again with stacks to be named.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      kept = this.target.run(input, seed, probe);
      // Only a target that reads asynchronously (the symbolizer, image layers) pays for an await.
      if (kept instanceof Promise) kept = await kept;
    } catch (e) {
      try {
        probe.check(e);
      } catch (bad) {
        error = bad;
        threw = true;
      }
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    // The time an input took is the smaller of the wall time and the process's CPU time: on a
    // loaded machine the wall time counts other programs' turns (a 60 ms input took 1 s of wall
    // time on a machine with ten busy suites), and with two workers the CPU time counts the
    // other's. A hang spends both.
    const cpu = process.cpuUsage(c0);
    const ms = Math.min(performance.now() - t0, (cpu.user + cpu.system) / 1000);
    const grown = heapNow() - h0;
    this.options.afterRun?.();
    void kept;
    kept = undefined;
    // A heavy run leaves garbage that a collection during the next run would
    // subtract from that run's growth: start the next one clean.
    if (grown > 8 << 20) collect();
    if (probe.parseErrors > 0) this.stats.rejected++;
    if (threw) {
      if (error instanceof Error && !hasFrames(error)) error = (await this.failureWithStack(input, seed)) ?? error;
      const err = error instanceof Error ? error : new Error(String(error));
      return { kind: 'exception', signature: exceptionSignature(err), message: `${err.name}: ${err.message}`, stack: err.stack };
    }
    const allowed = HEAP_BASE + (this.target.heapPerByte ?? 64) * input.length;
    if (ms > this.options.timeLimitMs || grown > allowed) {
      if (!recheck) return { kind: ms > this.options.timeLimitMs ? 'slow' : 'heap', signature: '', message: '' };
      // Confirm on a second run (after a full collection) before calling it a finding: the machine is shared.
      collect();
      const again = await this.execute(input, seed, false);
      if (!again) {
        this.stats.flaky++;
        return undefined;
      }
      if (ms > this.options.timeLimitMs) return { kind: 'slow', signature: `slow ${this.target.name}`, message: `took ${ms.toFixed(0)} ms (limit ${this.options.timeLimitMs} ms) on ${input.length} bytes` };
      return { kind: 'heap', signature: `heap ${this.target.name}`, message: `kept ${(grown / 2 ** 20).toFixed(1)} MB for ${input.length} input bytes (limit ${(allowed / 2 ** 20).toFixed(1)} MB)` };
    }
    return undefined;
  }

  /** What running `input` again throws past the checks, with stack traces on (undefined if it no longer throws). */
  private async failureWithStack(input: Uint8Array, seed: Seed): Promise<unknown> {
    this.stats.executions++;
    const probe = new Probe(this.target.typedErrors);
    try {
      const kept = this.target.run(input, seed, probe);
      if (kept instanceof Promise) await kept;
    } catch (e) {
      try {
        probe.check(e);
      } catch (bad) {
        return bad;
      }
    }
    return undefined;
  }

  private async report(o: NonNullable<Outcome>, input: Uint8Array, seed: Seed): Promise<void> {
    if (this.found.has(o.signature)) return;
    this.found.add(o.signature);
    this.stats.findings++;
    const minimized = this.options.minimize === false ? undefined : await this.minimize(input, seed, o.signature);
    this.options.onFinding?.({ target: this.target.name, kind: o.kind, signature: o.signature, message: o.message, stack: o.stack, seed: seed.name, input, minimized });
  }

  /**
   * The smallest input found that fails with `signature`: for inputs that
   * stand alone, chunks removed (ddmin); for whole files, mutated bytes set
   * back to the seed's and the tail cut, so what is left is the damage.
   */
  async minimize(input: Uint8Array, seed: Seed, signature: string, budget = 4000): Promise<Uint8Array> {
    const fails = async (b: Uint8Array) => {
      if (budget-- <= 0) return false;
      const o = await this.execute(b, seed, false);
      return !!o && (o.signature === signature || (o.kind !== 'exception' && signature.startsWith(o.kind)));
    };
    let best = input;
    if (this.target.resizable) {
      for (let chunk = best.length >> 1; chunk >= 1 && budget > 0; chunk >>= 1) {
        for (let at = 0; at < best.length && budget > 0; ) {
          const cand = new Uint8Array(best.length - Math.min(chunk, best.length - at));
          cand.set(best.subarray(0, at));
          cand.set(best.subarray(at + chunk), at);
          if (await fails(cand)) best = cand;
          else at += chunk;
        }
      }
      return best;
    }
    // Whole files: undo differences from the seed in halving groups, then cut the end.
    const base = seed.bytes;
    let diffs: number[] = [];
    for (let i = 0; i < best.length; i++) if (best[i] !== base[i]) diffs.push(i);
    for (let group = Math.max(1, diffs.length >> 1); group >= 1 && budget > 0; group >>= 1) {
      for (let k = 0; k < diffs.length && budget > 0; ) {
        const cand = best.slice();
        const part = diffs.slice(k, k + group);
        for (const i of part) if (i < base.length) cand[i] = base[i]!;
        if (await fails(cand)) {
          best = cand;
          diffs = diffs.filter((i) => !part.includes(i));
        } else k += group;
      }
    }
    for (let cut = best.length >> 1; cut >= 1 && budget > 0; cut >>= 1) {
      while (best.length > cut && (await fails(best.subarray(0, best.length - cut)))) best = best.slice(0, best.length - cut);
    }
    return best;
  }
}
