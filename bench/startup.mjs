// Start-up: every command of the CLI on a small file against `node -e 0`.
// The commands come from the CLI's own command table (packages/cli's
// `commands`, groups walked through their subcommands), so a new command is
// measured without touching this file. Each runs as its first `$0 …`
// example from its yargs builder, with the example's paths replaced by a
// small fixture (a Go one for `go` commands) and outputs sent to a
// temporary folder; SAMPLES overrides the few whose example cannot run as
// written. Goal (issue 14): every command within 1.5x of `node -e 0`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../packages/cli/dist/main.js';
import { fixturePath } from '../fixtures/dist/index.js';
import { elfkitBin, measure, measureUntilReady, repoRoot } from './lib.mjs';

const GOAL = 1.5;
const RUNS = Number(process.env.ELFKIT_BENCH_RUNS ?? 7);

/**
 * Invocations for commands whose example cannot run as written ({file},
 * {go}, {stamped}, {commit}, {tmp}, … are filled in; see `files` below). An
 * entry is argv, or { argv, prepare, ready, env, needs }: `prepare` runs
 * untimed before every run (a rewrite gets a fresh input), `ready` marks a
 * server — it is measured until its output matches, then stopped with
 * SIGTERM (see measureUntilReady) — and `needs` names a file that may be
 * missing here, with why. sign, verify and attest run cosign with a key:
 * here they answer the missing key, which measures their start-up without
 * cosign's.
 */
const SAMPLES = {
  'section rename': ['section', 'rename', '{file}', '.comment', '.note.comment', '-o', '{tmp}/out'],
  'section update': ['section', 'update', '{file}', '.comment', '--string', 'built by ci', '-o', '{tmp}/out'],
  'stamp show': ['stamp', 'show', '{stamped}'],
  'stamp verify': ['stamp', 'verify', '{stamped}', '--commit', '{commit}'],
  'go frames': ['go', 'frames', '{go}', '0x401000'],
  // The goroutine tests' Go program and its core (packages/cli/test/go-crash.ts builds them into .cache/goroutines/).
  'go goroutines': { argv: ['go', 'goroutines', '{goCore}', '--exe', '{goCoreExe}'], needs: 'goCore' },
  'go threads': { argv: ['go', 'threads', '{goCore}', '--exe', '{goCoreExe}'], needs: 'goCore' },
  'dwarf types': ['dwarf', 'types', '{file}'],
  core: ['core', '{core}', '--exe', '{coreExe}'],
  uprobes: ['uprobes', '{go}'],
  sign: { argv: ['sign', '{file}', '--key', '{tmp}/missing.key'], expect: 1 },
  verify: { argv: ['verify', '{stamped}', '--key', '{tmp}/missing.pub', '--bundle', '{tmp}/missing.json'], expect: 1 },
  attest: { argv: ['attest', '{stamped}', '--key', '{tmp}/missing.key'], expect: 1 },
  symbolize: ['symbolize', '--obj={file}', '0x11ae'],
  addr2line: ['addr2line', '-f', '-e', '{file}', '0x11ae'],
  'image scan': ['image', 'scan', '{image}'],
  'image debug-split': { argv: ['image', 'debug-split', '{image}', '-o', '{tmp}/debug'], prepare: (f) => rmSync(join(f.tmp, 'debug'), { recursive: true, force: true }) },
  // annotate and attach-debug write into the layout: each run gets a fresh copy.
  'image annotate': { argv: ['image', 'annotate', '{tmp}/layout', '--debug-ref', 'http://127.0.0.1:1/'], prepare: freshLayout },
  'image attach-debug': { argv: ['image', 'attach-debug', '{tmp}/layout'], prepare: freshLayout },
  // The server that listens on any free port with the small file; once it prints its URL it answers.
  explore: { argv: ['explore', '{file}'], ready: /http:\/\/127\.0\.0\.1:\d+\// },
  'debuginfod serve': { argv: ['debuginfod', 'serve', '{file}', '--port', '0', '--rescan', '0'], ready: /listening on http/, env: { DEBUGINFOD_URLS: '' } },
  // A first lookup (empty client cache) from a server the bench runs with the small file.
  'debuginfod find': {
    argv: ['debuginfod', 'find', '{file}', 'debuginfo'],
    needs: 'debuginfodUrl',
    env: (f) => ({ DEBUGINFOD_URLS: f.debuginfodUrl, DEBUGINFOD_CACHE_PATH: join(f.tmp, 'dcache') }),
    prepare: (f) => rmSync(join(f.tmp, 'dcache'), { recursive: true, force: true }),
  },
};

/** A fresh copy of the OCI layout for a command that writes into it. */
function freshLayout(f) {
  rmSync(join(f.tmp, 'layout'), { recursive: true, force: true });
  cpSync(f.layout, join(f.tmp, 'layout'), { recursive: true });
}

/** An OCI image layout in `dir` with one gzip layer holding `files` (path → bytes). */
function writeOciLayout(dir, tarBytes, files) {
  const tar = tarBytes(Object.entries(files).map(([path, data]) => ({ path, data, mode: 0o755 })));
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const blob = (b) => {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'blobs', 'sha256', sha(b)), b);
    return { digest: `sha256:${sha(b)}`, size: b.length };
  };
  const layer = blob(gzipSync(tar));
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] } })));
  const manifest = blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }] })));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
}

/** A core of the goroutine tests' Go program with its executable, when a test run has made one. */
function goCoreFiles() {
  const dir = join(repoRoot, '.cache', 'goroutines');
  if (!existsSync(dir)) return {};
  for (const d of readdirSync(dir).filter((n) => /-amd64-[0-9a-f]+$/.test(n)).sort().reverse()) {
    const core = join(dir, d, 'core');
    if (existsSync(core) && existsSync(join(dir, d, 'prog'))) return { goCore: core, goCoreExe: join(dir, d, 'prog') };
  }
  return {};
}

/** Starts `elfkit debuginfod serve` on `path` on a free port; resolves to { url, stop }. */
function startDebuginfod(path) {
  const child = spawn(process.execPath, [elfkitBin, 'debuginfod', 'serve', path, '--port', '0', '--rescan', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBUGINFOD_URLS: '' } });
  // Resolves once the server has exited (it writes its code cache on the way out).
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve) => {
    let err = '';
    const timer = setTimeout(() => (stop(), resolve({ stop })), 20000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) (clearTimeout(timer), resolve({ url: m[1], stop }));
    });
    child.on('exit', () => (clearTimeout(timer), resolve({ stop })));
  });
}

/** Records a builder's examples (any other builder call is ignored). */
function examplesOf(builder) {
  const examples = [];
  const y = new Proxy(
    {},
    {
      get: (_t, prop) => (prop === 'example' ? (cmd) => (examples.push(cmd), y) : () => y),
    },
  );
  try {
    builder?.(y);
  } catch {
    // a builder that needs real yargs gives no examples
  }
  return examples;
}

/** Every leaf command with its words (`['go', 'info']`) and examples. */
async function leaves(list, prefix = []) {
  const out = [];
  for (const lc of list) {
    const c = await lc.load();
    const words = [...prefix, lc.names[0]];
    if (c.subcommands) {
      out.push(...(await leaves(c.subcommands, words)));
      // A group that is also a command on its own (`stamp <file>`) has examples that start with its word and a path.
      const own = examplesOf(c.builder).filter((e) => e.split(/\s+/)[words.length + 1]?.match(/^[./]/));
      if (own.length) out.push({ words, examples: own });
    } else {
      out.push({ words, examples: examplesOf(c.builder) });
    }
  }
  return out;
}

/** The argv of `cmd` on the small files, or undefined when no example can run here. */
function invocation({ words, examples }, files) {
  const key = words.join(' ');
  const fill = (a) => a.replace(/\{(\w+)\}/g, (_, k) => files[k]);
  const sample = SAMPLES[key];
  if (sample) {
    const spec = Array.isArray(sample) ? { argv: sample } : sample;
    if (spec.needs && !files[spec.needs]) return { why: spec.needs === 'goCore' ? 'no Go core here (the goroutine tests make one in .cache/goroutines/)' : `no ${spec.needs}` };
    return { argv: spec.argv.map(fill), expect: spec.expect ?? 0, prepare: spec.prepare, ready: spec.ready, env: typeof spec.env === 'function' ? spec.env(files) : spec.env };
  }
  const input = words[0] === 'go' ? files.go : files.file;
  for (const example of examples) {
    const ex = example.split(' | ')[0]; // what is piped to is not elfkit's time
    if (/[|$`;<>]|^[A-Z_]+=/.test(ex.replace(/^\$0 /, ''))) continue; // other shell syntax: not runnable as argv
    const argv = ex.replace(/^\$0\s+/, '').split(/\s+/);
    let first = true;
    const out = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const prev = argv[i - 1];
      if (a === '--in-place') out.push('-o', join(files.tmp, 'out'));
      else if (prev === '-o' || prev === '--output') out.push(join(files.tmp, 'out'));
      else if (prev === '--file') out.push(files.data);
      else if (/^(\.\/|\/)/.test(a) && first) {
        out.push(input);
        first = false;
      } else out.push(a);
    }
    return { argv: out, expect: 0 };
  }
  return { why: 'no runnable example (add one to SAMPLES in bench/startup.mjs)' };
}

/** Start-up is measured in milliseconds: a command still running after this long has hung. */
const TIMEOUT_S = 30;

/** One timed run of `r` (its `prepare` untimed first). */
async function timeRun(r, files) {
  r.prepare?.(files);
  const args = [elfkitBin, ...r.argv];
  return r.ready ? measureUntilReady(process.execPath, args, r.ready, { env: r.env, timeoutS: TIMEOUT_S }) : measure(process.execPath, args, { env: r.env, timeoutS: TIMEOUT_S });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function startupBench() {
  const tmp = mkdtempSync(join(tmpdir(), 'elfkit-startup-'));
  // The CLI's code caches in a folder of this run's own, made by the warm-up runs below: the user cache is
  // shared with every other checkout and test run, whose builds replace its caches (they are named by
  // bundle), and a cache made by another invocation (a test's) holds other code than this one runs.
  const savedCacheDir = process.env.ELFKIT_CACHE_DIR;
  process.env.ELFKIT_CACHE_DIR ||= join(tmp, 'code-cache');
  let server;
  try {
    const data = join(tmp, 'data.bin');
    writeFileSync(data, 'elfkit start-up bench\n');
    const file = fixturePath('c/gcc-dwarf5');
    const stamped = join(tmp, 'stamped');
    spawnSync(process.execPath, [elfkitBin, 'stamp', file, '-o', stamped], { stdio: 'ignore' });
    const shown = spawnSync(process.execPath, [elfkitBin, 'stamp', 'show', '--json', stamped], { encoding: 'utf8' });
    const commit = (shown.status === 0 && JSON.parse(shown.stdout).stamps[0]?.stamp?.git?.commit) || '0'.repeat(40);
    // A core file and its executable (fixtures/core, gzipped).
    const core = join(tmp, 'core');
    const coreExe = join(tmp, 'crash');
    writeFileSync(core, gunzipSync(readFileSync(join(repoRoot, 'fixtures', 'core', 'aarch64-qemu.core.gz'))));
    writeFileSync(coreExe, gunzipSync(readFileSync(join(repoRoot, 'fixtures', 'core', 'aarch64-qemu-crash.gz'))));
    // A docker save tarball of one layer holding the small file.
    const { tarBytes } = await import('../packages/image/dist/index.js');
    const layer = tarBytes([{ path: 'usr/bin/app', data: readFileSync(file), mode: 0o755 }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(layer).digest('hex')}`] } }));
    const image = join(tmp, 'app.tar');
    writeFileSync(image, tarBytes([{ path: 'l/layer.tar', data: layer }, { path: 'config.json', data: config }, { path: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['app:1'], Layers: ['l/layer.tar'] }])) }]));
    // An OCI layout of the same image, and a debuginfod server with the small file for `debuginfod find`.
    const layout = join(tmp, 'layout.src');
    writeOciLayout(layout, tarBytes, { 'usr/bin/app': readFileSync(file) });
    server = await startDebuginfod(file);
    const files = { file, go: fixturePath('go/go1.27-arm64-sw'), stamped, commit, tmp, data, core, coreExe, image, layout, debuginfodUrl: server.url, ...goCoreFiles() };
    const list = await leaves(commands);
    const only = process.env.ELFKIT_BENCH_ONLY ? new RegExp(process.env.ELFKIT_BENCH_ONLY) : undefined;
    const runs = list.filter((l) => !only || only.test(l.words.join(' '))).map((l) => ({ key: l.words.join(' '), ...invocation(l, files), ms: [], cpu: [], status: 0, stderr: '' }));
    const base = [];
    const baseCpu = [];
    // Interleaved: node -e 0, then every command, RUNS times, so load on a shared machine falls on all alike.
    measure(process.execPath, ['-e', '0']);
    for (const r of runs) if (r.argv) await timeRun(r, files);
    for (let i = 0; i < RUNS; i++) {
      const b = measure(process.execPath, ['-e', '0']);
      base.push(b.ms);
      baseCpu.push(b.cpu);
      for (const r of runs) {
        if (!r.argv || r.timedOut) continue; // one hang is enough to report
        const m = await timeRun(r, files);
        r.ms.push(m.ms);
        r.cpu.push(m.cpu);
        if (m.status !== r.expect) [r.status, r.stderr, r.timedOut] = [m.status, m.stderr.split('\n')[0], m.timedOut];
      }
    }
    const node = median(base);
    const nodeCpu = median(baseCpu);
    process.stdout.write(`\nStart-up on a small file (${files.file}; go commands: ${files.go}), median of ${RUNS}, goal <= ${GOAL}x node -e 0 (wall; cpu = user + system, steadier on a shared machine; servers: until they print their URL, then SIGTERM)\n`);
    process.stdout.write(`  ${'node -e 0'.padEnd(24)} ${node.toFixed(1).padStart(7)} ms  ${nodeCpu.toFixed(0).padStart(4)} ms cpu\n`);
    let over = 0;
    let failed = 0;
    for (const r of runs) {
      if (!r.argv) {
        process.stdout.write(`  ${r.key.padEnd(24)} not measured: ${r.why}\n`);
        continue;
      }
      const ms = median(r.ms);
      const cpu = median(r.cpu);
      const ratio = ms / node;
      if (ratio > GOAL) over++;
      if (r.status) failed++;
      const note = r.status ? `  (${r.timedOut ? '' : `exit ${r.status}: `}${r.stderr})` : r.expect ? `  (exit ${r.expect} as meant: no key, so no cosign)` : '';
      process.stdout.write(`  ${r.key.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${cpu.toFixed(0).padStart(4)} ms cpu  ${ratio.toFixed(2)}x  cpu ${(cpu / nodeCpu).toFixed(2)}x${ratio > GOAL ? '  over goal' : ''}${note}\n`);
    }
    process.stdout.write(`  ${runs.length} commands, ${over} over ${GOAL}x, ${failed} failed\n`);
  } finally {
    await server?.stop();
    if (savedCacheDir === undefined) delete process.env.ELFKIT_CACHE_DIR;
    rmSync(tmp, { recursive: true, force: true });
  }
}
