// Start-up: every command of the CLI on a small file against `node -e 0`.
// The commands come from the CLI's own command table (packages/cli's
// `commands`, groups walked through their subcommands), so a new command is
// measured without touching this file. Each runs as its first `$0 …`
// example from its yargs builder, with the example's paths replaced by a
// small fixture (a Go one for `go` commands) and outputs sent to a
// temporary folder; SAMPLES overrides the few whose example cannot run as
// written. Goal (issue 14): every command within 1.5x of `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../packages/cli/dist/main.js';
import { fixturePath } from '../fixtures/dist/index.js';
import { elfkitBin, measure, repoRoot } from './lib.mjs';

const GOAL = 1.5;
const RUNS = Number(process.env.ELFKIT_BENCH_RUNS ?? 7);

/**
 * Invocations for commands whose example cannot run as written ({file},
 * {go}, {stamped}, {commit}, {tmp} are filled in). sign, verify and attest
 * run cosign with a key: here they answer the missing key, which measures
 * their start-up without cosign's.
 */
const SAMPLES = {
  'section rename': ['section', 'rename', '{file}', '.comment', '.note.comment', '-o', '{tmp}/out'],
  'section update': ['section', 'update', '{file}', '.comment', '--string', 'built by ci', '-o', '{tmp}/out'],
  'stamp show': ['stamp', 'show', '{stamped}'],
  'stamp verify': ['stamp', 'verify', '{stamped}', '--commit', '{commit}'],
  'go frames': ['go', 'frames', '{go}', '0x401000'],
  'dwarf types': ['dwarf', 'types', '{file}'],
  core: ['core', '{core}', '--exe', '{coreExe}'],
  uprobes: ['uprobes', '{go}'],
  sign: ['sign', '{file}', '--key', '{tmp}/missing.key'],
  verify: ['verify', '{stamped}', '--key', '{tmp}/missing.pub', '--bundle', '{tmp}/missing.json'],
  attest: ['attest', '{stamped}', '--key', '{tmp}/missing.key'],
  symbolize: ['symbolize', '--obj={file}', '0x11ae'],
  addr2line: ['addr2line', '-f', '-e', '{file}', '0x11ae'],
  'image scan': ['image', 'scan', '{image}'],
};

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
  if (SAMPLES[key]) return SAMPLES[key].map(fill);
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
    return out;
  }
  return undefined;
}

const time = (cmd, args) => measure(cmd, args);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function startupBench() {
  const tmp = mkdtempSync(join(tmpdir(), 'elfkit-startup-'));
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
    const { createHash } = await import('node:crypto');
    const layer = tarBytes([{ path: 'usr/bin/app', data: readFileSync(file), mode: 0o755 }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(layer).digest('hex')}`] } }));
    const image = join(tmp, 'app.tar');
    writeFileSync(image, tarBytes([{ path: 'l/layer.tar', data: layer }, { path: 'config.json', data: config }, { path: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['app:1'], Layers: ['l/layer.tar'] }])) }]));
    const files = { file, go: fixturePath('go/go1.27-arm64-sw'), stamped, commit, tmp, data, core, coreExe, image };
    const list = await leaves(commands);
    const runs = list.map((l) => ({ key: l.words.join(' '), argv: invocation(l, files), ms: [], cpu: [], status: 0, stderr: '' }));
    const base = [];
    const baseCpu = [];
    // Interleaved: node -e 0, then every command, RUNS times, so load on a shared machine falls on all alike.
    time(process.execPath, ['-e', '0']);
    for (const r of runs) if (r.argv) time(process.execPath, [elfkitBin, ...r.argv]);
    for (let i = 0; i < RUNS; i++) {
      const b = time(process.execPath, ['-e', '0']);
      base.push(b.ms);
      baseCpu.push(b.cpu);
      for (const r of runs) {
        if (!r.argv) continue;
        const m = time(process.execPath, [elfkitBin, ...r.argv]);
        r.ms.push(m.ms);
        r.cpu.push(m.cpu);
        if (m.status !== 0) [r.status, r.stderr] = [m.status, m.stderr.split('\n')[0]];
      }
    }
    const node = median(base);
    const nodeCpu = median(baseCpu);
    process.stdout.write(`\nStart-up on a small file (${files.file}; go commands: ${files.go}), median of ${RUNS}, goal <= ${GOAL}x node -e 0 (wall; cpu = user + system, steadier on a shared machine)\n`);
    process.stdout.write(`  ${'node -e 0'.padEnd(24)} ${node.toFixed(1).padStart(7)} ms  ${nodeCpu.toFixed(0).padStart(4)} ms cpu\n`);
    let over = 0;
    for (const r of runs) {
      if (!r.argv) {
        process.stdout.write(`  ${r.key.padEnd(24)} not measured: no runnable example (add one to SAMPLES in bench/startup.mjs)\n`);
        continue;
      }
      const ms = median(r.ms);
      const cpu = median(r.cpu);
      const ratio = ms / node;
      if (ratio > GOAL) over++;
      const note = r.status ? `  (exit ${r.status}: ${r.stderr})` : '';
      process.stdout.write(`  ${r.key.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${cpu.toFixed(0).padStart(4)} ms cpu  ${ratio.toFixed(2)}x  cpu ${(cpu / nodeCpu).toFixed(2)}x${ratio > GOAL ? '  over goal' : ''}${note}\n`);
    }
    process.stdout.write(`  ${runs.length} commands, ${over} over ${GOAL}x\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
