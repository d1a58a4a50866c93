#!/usr/bin/env node
// pnpm fuzz [target…] [--time S] [--seed N] [--inputs N] [--jobs J] …
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineStats } from './engine.js';
import { replayRegressions } from './replay.js';
import { fuzz, runJob } from './run.js';
import { findingsDir, keepFinding, saveFinding, storedFindings, type StoredFinding } from './store.js';
import { selectTargets, targets } from './targets/index.js';

const USAGE = `usage: pnpm fuzz [target…] [options]

Fuzzes elfkit's parsers: structure-aware mutations of the fixtures, coverage
feedback from V8, and per-input checks (only ParseError escapes, a time
limit, memory in proportion to the input). Targets are names, prefixes
(elf, dwarf, go) or globs (dwarf-l*); none means all.

  --time S        seconds per target (default 60 unless --inputs is given)
  --inputs N      mutated inputs per target (stops at whichever comes first)
  --seed N        run seed (default 1): the same seed gives the same inputs
  --jobs J        targets fuzzed at once (default 1)
  --limit MS      per-input time limit (default 2000); 10x that is a hang
  --no-coverage   plain mutation, no coverage feedback
  --no-guide      measure coverage without letting it grow the corpus (what feedback adds)
  --no-minimize   keep failing inputs as found
  --list          list the targets
  --replay [F.gz…] replay every kept regression input (regressions/index.json), or these findings
  --keep NOTE     (with --keep-seed S: replayed from seed S) move the findings in ${relative(process.cwd(), findingsDir)} into the kept regressions, NOTE saying what was fixed
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    time: { type: 'string' },
    inputs: { type: 'string' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1' },
    limit: { type: 'string', default: '2000' },
    'no-coverage': { type: 'boolean', default: false },
    'no-guide': { type: 'boolean', default: false },
    'no-minimize': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    replay: { type: 'boolean', default: false },
    keep: { type: 'string' },
    'keep-seed': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const num = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fuzz: --${what} wants a number, not ${v}\n`);
    process.exit(2);
  }
  return n;
};

function line(s: EngineStats): string {
  const rate = s.seconds > 0 ? Math.round(s.inputs / s.seconds) : 0;
  const rejected = s.inputs + s.corpus > 0 ? Math.round((100 * s.rejected) / Math.max(1, s.executions)) : 0;
  return `${s.target.padEnd(16)} ${String(s.inputs).padStart(9)} inputs ${s.seconds.toFixed(0).padStart(6)} s ${String(rate).padStart(6)}/s  corpus ${String(s.corpus).padStart(5)}  features ${String(s.features).padStart(6)}  rejected ${String(rejected).padStart(3)}%  findings ${s.findings}${s.flaky ? `  (flaky ${s.flaky})` : ''}`;
}

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.list) {
    for (const t of targets) process.stdout.write(`${t.name.padEnd(16)} ${t.describe}\n`);
    return 0;
  }
  if (values.keep !== undefined) {
    const found = storedFindings();
    for (const f of found) process.stdout.write(`kept ${keepFinding(f, values.keep, values['keep-seed']).file}\n`);
    if (found.length === 0) process.stdout.write('no findings to keep\n');
    return 0;
  }
  if (values.replay && positionals.some((p) => p.endsWith('.gz'))) {
    // Findings by file: each .gz beside its .json (target, seed).
    let failing = 0;
    for (const file of positionals) {
      const meta = JSON.parse(readFileSync(file.replace(/(\.orig)?\.gz$/, '.json'), 'utf8')) as StoredFinding;
      const input = new Uint8Array(gunzipSync(readFileSync(file)));
      const res = await runJob({ target: meta.target, seed: 0, maxInputs: 0, deadline: Number.MAX_SAFE_INTEGER, timeLimitMs: num(values.limit, 'limit')!, coverage: false, minimize: false, replay: [{ seed: meta.seed, input, label: file }] }, {});
      for (const f of res.findings) process.stdout.write(`FAIL ${file}: ${f.kind}: ${f.message}\n${f.stack ?? ''}\n`);
      if (res.findings.length === 0) process.stdout.write(`ok ${file}\n`);
      failing += res.findings.length ? 1 : 0;
    }
    return failing ? 1 : 0;
  }
  if (values.replay) {
    const { replayed, failures } = await replayRegressions(positionals.length ? selectTargets(positionals).map((t) => t.name) : undefined);
    for (const f of failures) process.stdout.write(`FAIL ${f.regression.file}: ${f.finding.kind}: ${f.finding.message}\n`);
    process.stdout.write(`${replayed} regression inputs replayed, ${failures.length} failing\n`);
    return failures.length ? 1 : 0;
  }
  const names = selectTargets(positionals).map((t) => t.name);
  const inputs = num(values.inputs, 'inputs');
  const seconds = num(values.time, 'time') ?? (inputs === undefined ? 60 : undefined);
  const seed = num(values.seed, 'seed')!;
  process.stdout.write(`fuzzing ${names.length} target${names.length === 1 ? '' : 's'}, seed ${seed}${seconds !== undefined ? `, ${seconds} s each` : ''}${inputs !== undefined ? `, up to ${inputs} inputs each` : ''}\n`);
  const totals: EngineStats[] = [];
  const logged = new Map<string, number>();
  const results = await fuzz(names, {
    targets: names,
    seed,
    inputs,
    seconds,
    jobs: num(values.jobs, 'jobs'),
    timeLimitMs: num(values.limit, 'limit'),
    coverage: !values['no-coverage'],
    guide: !values['no-guide'],
    minimize: !values['no-minimize'],
    onFinding: (f) => {
      const file = saveFinding(f);
      const size = f.minimized ? `${f.input.length} → ${f.minimized.length} bytes` : `${f.input.length} bytes`;
      process.stdout.write(`FINDING ${f.target} ${f.kind}: ${f.message.split('\n')[0]} (seed ${f.seed}; ${size}) → ${relative(process.cwd(), file)}\n`);
    },
    onProgress: (s) => {
      if (process.stdout.isTTY) process.stdout.write(`  … ${line(s)}\r`);
      else if (Date.now() - (logged.get(s.target) ?? 0) > 60_000) {
        // A run written to a log (a release run, detached) says how far each target is once a minute.
        logged.set(s.target, Date.now());
        process.stdout.write(`  … ${line(s)}\n`);
      }
    },
    onDone: (s) => {
      totals.push(s);
      process.stdout.write(`${line(s)}\n`);
    },
  });
  const all = results.reduce((n, r) => n + r.stats.inputs, 0);
  const found = results.reduce((n, r) => n + r.findings.length, 0);
  // The table a release run is read from: one line per target in target order (the lines above came as targets finished, between findings).
  process.stdout.write(`\nper target (seed ${seed}):\n${'target'.padEnd(24)} ${'inputs'.padStart(9)} ${'seconds'.padStart(8)} ${'per s'.padStart(6)} ${'findings'.padStart(8)}\n`);
  for (const r of results) {
    const s = r.stats;
    process.stdout.write(`${s.target.padEnd(24)} ${String(s.inputs).padStart(9)} ${s.seconds.toFixed(0).padStart(8)} ${String(s.seconds > 0 ? Math.round(s.inputs / s.seconds) : 0).padStart(6)} ${String(r.findings.length).padStart(8)}${r.findings.length ? `  (${r.findings.map((f) => f.kind).join(', ')})` : ''}\n`);
  }
  process.stdout.write(`${all} inputs over ${results.length} targets, ${found} findings\n`);
  mkdirSync(join(findingsDir, '..'), { recursive: true });
  appendFileSync(join(findingsDir, '..', 'runs.jsonl'), JSON.stringify({ date: new Date().toISOString(), seed, seconds, inputs, results: totals }) + '\n');
  return found ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`fuzz: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  },
);
