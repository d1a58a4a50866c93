// Shared benchmark harness: runs commands side by side on the same input and
// reports median wall time and peak resident memory, and elfkit's ratio to
// each native tool. Wall time and peak RSS come from GNU time (/usr/bin/time)
// so every tool is measured the same way, Node's start-up included.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The CLI as `npm install -g` runs it: the bin packages/cli/package.json
 * names (ELFKIT_BENCH_BIN measures another build, such as main's, the same way).
 */
export const elfkitBin = process.env.ELFKIT_BENCH_BIN || join(repoRoot, 'packages', 'cli', JSON.parse(readFileSync(join(repoRoot, 'packages', 'cli', 'package.json'), 'utf8')).bin.elfkit);

/** Full path of a command on PATH, or undefined. */
export function which(cmd) {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return undefined;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
// coreutils timeout, run under GNU time so that time still reports the
// command's own usage: a command that never ends is stopped (TERM, then
// KILL 5 s later) and reported as timed out instead of hanging the bench.
const TIMEOUT = which('timeout');
/** Seconds a measured command may run before it is stopped. */
export const DEFAULT_TIMEOUT_S = Number(process.env.ELFKIT_BENCH_TIMEOUT ?? 120);

/** argv for `cmd args` under GNU time (when present) and coreutils timeout (when present). */
function timedArgv(cmd, args, timeoutS) {
  const limited = TIMEOUT ? [TIMEOUT, '-k', '5', String(timeoutS), cmd, ...args] : [cmd, ...args];
  return TIME ? [TIME, '-f', '%M %U %S', ...limited] : limited;
}

/** { ms, kb, cpu, status, stderr } from a finished run. */
function result(ms, status, stderr, timeoutS) {
  const lines = String(stderr ?? '').trim().split('\n');
  const [kb, user, sys] = TIME ? lines[lines.length - 1].split(' ').map(Number) : [NaN, NaN, NaN];
  const text = lines.slice(0, TIME ? -1 : undefined).join('\n');
  // 124: timeout stopped it with TERM; 137: with KILL after that.
  const timedOut = TIMEOUT && (status === 124 || status === 137);
  return { ms, kb, cpu: (user + sys) * 1000, status, timedOut, stderr: timedOut ? `timed out after ${timeoutS} s${text ? `: ${text.split('\n')[0]}` : ''}` : text };
}

/**
 * One run of `cmd args` with stdout to /dev/null: { ms, kb, cpu, status, timedOut }.
 * `cpu` is user + system time in ms: on a machine others share, it moves
 * far less with their load than the wall time does. A run longer than
 * `timeoutS` is stopped and comes back with `timedOut` (and its status).
 */
export function measure(cmd, args, { stdin, env, timeoutS = DEFAULT_TIMEOUT_S } = {}) {
  const argv = timedArgv(cmd, args, timeoutS);
  const t0 = process.hrtime.bigint();
  // The spawnSync timeout only backs up a missing coreutils timeout (it would stop GNU time, not the command).
  const r = spawnSync(argv[0], argv.slice(1), { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], input: stdin, env: { ...process.env, ...env }, maxBuffer: 1 << 28, timeout: TIMEOUT ? undefined : timeoutS * 1000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return result(ms, r.status ?? (r.error ? 124 : r.status), r.stderr, timeoutS);
}

/**
 * One run of a server command (`elfkit explore`, `debuginfod serve`): it is
 * started as `measure` starts a command, and once its output (stdout or
 * stderr) matches `ready` — it has printed its URL, so it answers — it gets
 * SIGTERM, as from Ctrl-C or a service manager, and is measured to its exit.
 * A server that never gets ready is stopped at `timeoutS` and reported so.
 */
export function measureUntilReady(cmd, args, ready, { env, timeoutS = DEFAULT_TIMEOUT_S } = {}) {
  const argv = timedArgv(cmd, args, timeoutS);
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    let signalled = false;
    const check = () => {
      if (signalled || !ready.test(out + err)) return;
      signalled = true;
      // The process to stop is the command itself, below GNU time and timeout (whose passing TERM on to its
      // whole process group would give the command a second TERM, which a server's handler may not expect).
      let pid = child.pid;
      for (;;) {
        let below;
        try {
          below = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
        } catch {
          below = 0;
        }
        if (!below) break;
        pid = below;
      }
      process.kill(pid, 'SIGTERM');
    };
    child.stdout.on('data', (d) => ((out += d), check()));
    child.stderr.on('data', (d) => ((err += d), check()));
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const r = result(ms, status, err, timeoutS);
      resolve(signalled || r.status ? r : { ...r, status: 1, stderr: `exited before it was ready${r.stderr ? `: ${r.stderr}` : ''}` });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Runs each entry `runs` times (after one warm-up, so the file is in the
 * page cache for everyone) and prints a table. The first entry is elfkit;
 * ratios are elfkit / tool (below 1 means elfkit is faster or smaller).
 * Returns the measurements for callers that check goals.
 */
export function compare(title, entries, { runs = 5, interleave = false, settle = false } = {}) {
  // interleave: run the tools in turns (A B C, A B C, …) so that load from
  // other processes on a shared machine falls on all of them alike.
  // settle: `sync` (untimed) before every run, so a tool that fsyncs does
  // not pay for the dirty pages the previous tool left behind.
  const live = entries.filter((e) => e.cmd);
  const samples = new Map(live.map((e) => [e, { ms: [], kb: [], cpu: [], status: 0, stderr: '' }]));
  const once = (e) => {
    if (settle) spawnSync('sync');
    const m = measure(e.cmd, e.args, e);
    const s = samples.get(e);
    s.ms.push(m.ms);
    s.kb.push(m.kb);
    s.cpu.push(m.cpu);
    if (m.status !== 0) {
      s.status = m.status;
      s.stderr = m.stderr;
    }
  };
  for (const e of live) measure(e.cmd, e.args, e);
  if (interleave) {
    for (let i = 0; i < runs; i++) for (const e of live) once(e);
  } else {
    for (const e of live) for (let i = 0; i < runs; i++) once(e);
  }
  const results = entries.map((e) => {
    if (!e.cmd) return { ...e, skipped: e.why ?? 'not available' };
    const s = samples.get(e);
    return { ...e, ms: median(s.ms), kb: Math.max(...s.kb), cpu: median(s.cpu), status: s.status, stderr: s.stderr };
  });
  const base = results[0];
  process.stdout.write(`\n${title}\n`);
  for (const r of results) {
    if (r.skipped) {
      process.stdout.write(`  ${r.label.padEnd(40)} skipped: ${r.skipped}\n`);
      continue;
    }
    const ratio = r === base || base.skipped ? '' : `   elfkit/this: time ${(base.ms / r.ms).toFixed(2)}x, cpu ${(base.cpu / r.cpu).toFixed(2)}x, memory ${(base.kb / r.kb).toFixed(2)}x`;
    const fail = r.status ? `  (exit ${r.status}: ${r.stderr.split('\n')[0]})` : '';
    process.stdout.write(`  ${r.label.padEnd(40)} ${r.ms.toFixed(1).padStart(9)} ms ${r.cpu.toFixed(0).padStart(6)} ms cpu ${(r.kb / 1024).toFixed(1).padStart(8)} MiB${ratio}${fail}\n`);
  }
  return results;
}

/** The largest file among the given commands found on PATH (or paths), with its path. */
export function largest(candidates) {
  let best;
  for (const c of candidates) {
    const p = c.includes('/') ? (existsSync(c) ? c : undefined) : which(c);
    if (!p) continue;
    const size = spawnSync('stat', ['-Lc', '%s', p], { encoding: 'utf8' }).stdout.trim();
    if (!best || Number(size) > best.size) best = { path: p, size: Number(size) };
  }
  return best;
}

/** Arguments that run the built elfkit CLI under Node. */
export function elfkit(...args) {
  return { cmd: process.execPath, args: [elfkitBin, ...args] };
}
