import type { Finding } from './finding.js';
import { runJob } from './run.js';
import { regressionInput, regressions, type Regression } from './store.js';

/** Replays kept regression inputs (all, or those of `targets`) under the fuzz checks; returns what still fails. */
export async function replayRegressions(targets?: readonly string[], timeLimitMs = 5000): Promise<{ replayed: number; failures: { regression: Regression; finding: Finding }[] }> {
  const all = regressions().filter((r) => !targets || targets.includes(r.target));
  const byTarget = new Map<string, Regression[]>();
  for (const r of all) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  const failures: { regression: Regression; finding: Finding }[] = [];
  for (const [target, list] of byTarget) {
    const replay = list.map((r) => ({ seed: r.seed, input: regressionInput(r), label: r.file }));
    const res = await runJob({ target, seed: 0, maxInputs: 0, deadline: Number.MAX_SAFE_INTEGER, timeLimitMs, coverage: false, minimize: false, replay }, {});
    for (const f of res.findings) {
      const i = replay.findIndex((r) => r.seed === f.seed && r.input.length === f.input.length && r.input.every((b, k) => b === f.input[k]));
      failures.push({ regression: list[Math.max(0, i)]!, finding: f });
    }
  }
  return { replayed: all.length, failures };
}
