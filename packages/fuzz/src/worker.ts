// Runs one target's fuzz loop (or replays inputs) in a worker thread, so
// the main thread can stop it when an input hangs and keep that input.
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineStats } from './engine.js';
import type { Finding } from './finding.js';
import type { FuzzTarget } from './target.js';
import { Watch } from './watch.js';

/** What the main thread asks a worker to do. */
export interface WorkerJob {
  readonly target: string;
  readonly seed: number;
  readonly maxInputs: number;
  readonly deadline: number;
  readonly timeLimitMs: number;
  readonly coverage: boolean;
  readonly guide?: boolean;
  readonly minimize: boolean;
  readonly watch: SharedArrayBuffer;
  /** The module whose `targets` export holds the target (default: the registry). */
  readonly targetsModule?: string;
  /** Replay these inputs (by seed name) instead of fuzzing. */
  readonly replay?: readonly { seed: string; input: Uint8Array; label: string }[];
}

/** What a worker tells the main thread. */
export type WorkerMessage = { type: 'progress'; stats: EngineStats } | { type: 'finding'; finding: Finding; label?: string } | { type: 'done'; stats: EngineStats };

const job = workerData as WorkerJob;
const port = parentPort!;
const watch = new Watch(job.watch);
const registry = (await import(job.targetsModule ?? './targets/index.js')) as { targets: readonly FuzzTarget<any>[] };
const target = registry.targets.find((t) => t.name === job.target);
if (!target) throw new Error(`no fuzz target ${job.target}`);
const engine = new Engine(target, {
  seed: job.seed,
  maxInputs: job.replay ? 0 : job.maxInputs,
  deadline: job.deadline,
  timeLimitMs: job.timeLimitMs,
  coverage: job.coverage && !job.replay,
  guide: job.guide,
  minimize: job.minimize,
  beforeRun: (input, seed) => watch.start(input, seed),
  afterRun: () => watch.stop(),
  onFinding: (finding) => port.postMessage({ type: 'finding', finding } satisfies WorkerMessage),
  onProgress: (stats) => port.postMessage({ type: 'progress', stats } satisfies WorkerMessage),
});
if (job.replay) {
  const seeds = new Map((await target.seeds()).map((s) => [s.name, s]));
  for (const r of job.replay) {
    const seed = seeds.get(r.seed);
    if (!seed) throw new Error(`${job.target}: no seed named ${r.seed} (for ${r.label})`);
    const o = await engine.execute(r.input, seed);
    if (o) port.postMessage({ type: 'finding', label: r.label, finding: { target: target.name, kind: o.kind, signature: o.signature, message: o.message, stack: o.stack, seed: r.seed, input: r.input } } satisfies WorkerMessage);
  }
  port.postMessage({ type: 'done', stats: engine.stats } satisfies WorkerMessage);
} else {
  port.postMessage({ type: 'done', stats: await engine.run() } satisfies WorkerMessage);
}
