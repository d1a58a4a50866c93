import { Worker } from 'node:worker_threads';
import type { EngineStats } from './engine.js';
import type { Finding } from './finding.js';
import { Watch } from './watch.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

/** Options of a fuzz run over several targets. */
export interface FuzzOptions {
  readonly targets: readonly string[];
  readonly seed: number;
  /** Mutated inputs per target (default unlimited: the time decides). */
  readonly inputs?: number;
  /** Seconds per target (default unlimited: the input count decides). */
  readonly seconds?: number;
  /** An input slower than this is a finding (ms, default 2000). */
  readonly timeLimitMs?: number;
  /** An input still running after this is a hang: its worker is stopped (ms, default 10 × timeLimitMs). */
  readonly hangMs?: number;
  /** Targets fuzzed at once (default 1). */
  readonly jobs?: number;
  readonly coverage?: boolean;
  /** Coverage measured but not used to grow the corpus (to see what the feedback adds). */
  readonly guide?: boolean;
  readonly minimize?: boolean;
  /** Worker heap limit in MB (default 2048): beyond it an input is out of memory. */
  readonly heapMb?: number;
  /** The module whose `targets` export holds the targets (default: the registry). */
  readonly targetsModule?: string;
  readonly onFinding?: (f: Finding) => void;
  readonly onProgress?: (s: EngineStats) => void;
  readonly onDone?: (s: EngineStats) => void;
}

/** Inputs up to this size are kept by the watchdog whole. */
const WATCH_BYTES = 16 << 20;

/** The result of one target's run. */
export interface TargetResult {
  readonly stats: EngineStats;
  readonly findings: readonly Finding[];
}

const workerUrl = new URL('./worker.js', import.meta.url);

/** Runs one worker job to its end, with the watchdog; resolves with what it found. */
export function runJob(job: Omit<WorkerJob, 'watch'>, options: Pick<FuzzOptions, 'hangMs' | 'heapMb' | 'onFinding' | 'onProgress'>): Promise<TargetResult> {
  const watch = Watch.create(WATCH_BYTES);
  const hangMs = options.hangMs ?? job.timeLimitMs * 10;
  const findings: Finding[] = [];
  let stats: EngineStats = { target: job.target, inputs: 0, executions: 0, rejected: 0, corpus: 0, features: 0, findings: 0, flaky: 0, seconds: 0 };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: { ...job, watch: watch.buffer } satisfies WorkerJob, resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 2048 } });
    let done = false;
    const stopWith = (kind: 'hang' | 'out-of-memory', message: string) => {
      const f: Finding = { target: job.target, kind, signature: `${kind} ${job.target}`, message, seed: watch.seed(), input: watch.input() };
      findings.push(f);
      options.onFinding?.(f);
    };
    const timer = setInterval(() => {
      const ms = watch.running();
      if (ms > hangMs && !done) {
        done = true;
        stopWith('hang', `an input ran for more than ${hangMs} ms (stopped)`);
        void worker.terminate();
      }
    }, 100);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        stats = m.stats;
        options.onProgress?.(m.stats);
      } else if (m.type === 'finding') {
        findings.push(m.finding);
        options.onFinding?.(m.finding);
      } else {
        stats = m.stats;
        done = true;
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        done = true;
        stopWith('out-of-memory', `the worker ran out of its ${options.heapMb ?? 2048} MB heap`);
      } else if (!done) {
        clearInterval(timer);
        reject(e);
      }
    });
    worker.on('exit', () => {
      clearInterval(timer);
      stats = { ...stats, findings: findings.length, seconds: stats.seconds || (Date.now() - started) / 1000 };
      resolve({ stats, findings });
    });
  });
}

/** Fuzzes each target in its own worker, `jobs` at a time. */
export async function fuzz(names: readonly string[], options: FuzzOptions): Promise<TargetResult[]> {
  const results: TargetResult[] = new Array(names.length);
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const i = next++;
      const deadline = options.seconds === undefined ? Number.MAX_SAFE_INTEGER : Date.now() + options.seconds * 1000;
      const timeLimitMs = options.timeLimitMs ?? 2000;
      results[i] = await runJob(
        { target: names[i]!, targetsModule: options.targetsModule, seed: options.seed, maxInputs: options.inputs ?? Number.MAX_SAFE_INTEGER, deadline, timeLimitMs, coverage: options.coverage ?? true, guide: options.guide, minimize: options.minimize ?? true },
        options,
      );
      options.onDone?.(results[i]!.stats);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, names.length)) }, lane));
  return results;
}
