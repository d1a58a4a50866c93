// elfkit debuginfod serve against elfutils' debuginfod (Debian package
// `debuginfod`) on the same tree: this machine's /usr/bin and /usr/lib
// hard-linked (or copied) into a temporary directory until it holds at
// least 3,000 ELF files (then /usr/sbin, /usr/libexec, … when those two
// hold fewer), plus one fixture debug file. Measured: time from
// start until /metrics says the scan is done (thread_work_pending
// {role="scan"} 0, start-up included; elfutils on a fresh database each
// run), and requests per second for one cached debuginfo hit by the same
// keep-alive client (bench/debuginfod/load.mjs, 32 connections).
// Goals (issue 12): index no slower than elfutils; serve at least as many
// requests per second.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfkitBin, repoRoot, which } from './lib.mjs';

const MIN_ELF = 3000;

function isElf(p) {
  const fd = openSync(p, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.readUInt32BE(0) === 0x7f454c46;
  } finally {
    closeSync(fd);
  }
}

/** Links or copies ELF files from /usr/bin and /usr/lib into `dir` until MIN_ELF (and a little more). */
function buildTree(dir) {
  let n = 0;
  let i = 0;
  const walk = (src) => {
    let entries;
    try {
      entries = readdirSync(src, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (n >= MIN_ELF + 200) return;
      const p = join(src, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (!isElf(p)) continue;
          const out = join(dir, String(i++ % 64), e.name + '.' + i);
          mkdirSync(join(dir, String((i - 1) % 64)), { recursive: true });
          try {
            linkSync(p, out);
          } catch {
            copyFileSync(p, out);
          }
          n++;
        } catch {}
      }
    }
  };
  for (const root of ['/usr/bin', '/usr/lib', '/usr/sbin', '/usr/libexec', '/usr/lib32', '/usr/libx32', '/usr/local', '/opt']) if (n < MIN_ELF + 200) walk(root);
  copyFileSync(join(repoRoot, 'fixtures', 'c', 'gcc-stripped.debug'), join(dir, 'app.debug'));
  return n;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });

async function scanned(url) {
  try {
    const r = await fetch(url + '/metrics');
    const m = await r.text();
    return !/thread_work_pending\{role="scan"\} [1-9]/.test(m) && /thread_work_(pending\{role="scan"\} 0|total\{role="traverse"\})/.test(m) && (!/role="traverse"/.test(m) || /thread_work_total\{role="traverse"\} [1-9]/.test(m)) && !/thread_busy\{role="(scan|traverse)"\} [1-9]/.test(m);
  } catch {
    return false;
  }
}

/** Starts a server; resolves with its scan time (ms) once indexed, and a stop function. */
async function start(cmd, args, port) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, DEBUGINFOD_URLS: '' } });
  const url = `http://127.0.0.1:${port}`;
  while (!(await scanned(url))) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const stop = () =>
    new Promise((r) => {
      child.once('exit', r);
      process.kill(child.pid, 'SIGKILL');
    });
  return { ms, url, stop };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function () {
  process.stdout.write('\ndebuginfod: elfkit debuginfod serve vs elfutils debuginfod\n');
  const daemon = which('debuginfod');
  if (!daemon) {
    process.stdout.write('  skipped: elfutils debuginfod not installed (apt-get install debuginfod)\n');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'elfkit-bench-debuginfod-'));
  try {
    const tree = join(work, 'tree');
    mkdirSync(tree);
    const n = buildTree(tree);
    const bytes = Number(spawnSync('du', ['-sb', '--apparent-size', tree], { encoding: 'utf8' }).stdout.split('\t')[0]);
    process.stdout.write(`  tree: ${n} ELF files, ${(bytes / 1e9).toFixed(2)} GB\n`);
    const ours = async () => {
      const port = await freePort();
      return start(process.execPath, [elfkitBin, 'debuginfod', 'serve', tree, '--port', String(port), '-t', '0'], port);
    };
    let run = 0;
    const theirs = async () => {
      const port = await freePort();
      const db = join(work, `db-${run++}.sqlite`);
      return start(daemon, ['-F', '-d', db, '-p', String(port), '-t', '0', '-g', '0', tree], port);
    };
    const times = { elfkit: [], elfutils: [] };
    for (let i = 0; i < 3; i++) {
      for (const [name, go] of [['elfkit', ours], ['elfutils', theirs]]) {
        const s = await go();
        times[name].push(s.ms);
        await s.stop();
      }
    }
    const a = median(times.elfkit);
    const b = median(times.elfutils);
    process.stdout.write(`  index ${n} ELF files            elfkit ${a.toFixed(0).padStart(6)} ms   elfutils ${b.toFixed(0).padStart(6)} ms   elfkit/elfutils: time ${(a / b).toFixed(2)}x (goal ≤ 1)\n`);

    const id = /Build ID: ([0-9a-f]+)/.exec(spawnSync('readelf', ['-n', join(tree, 'app.debug')], { encoding: 'utf8' }).stdout)[1];
    const path = `/buildid/${id}/debuginfo`;
    const load = join(repoRoot, 'bench', 'debuginfod', 'load.mjs');
    const rps = {};
    for (const [name, go] of [['elfkit', ours], ['elfutils', theirs]]) {
      const s = await go();
      try {
        spawnSync(process.execPath, [load, s.url, path, '500', '8']);
        const r = [];
        for (let i = 0; i < 3; i++) {
          const out = JSON.parse(spawnSync(process.execPath, [load, s.url, path, '5000', '32'], { encoding: 'utf8' }).stdout);
          if (out.errors) throw new Error(`${name}: ${out.errors} errors`);
          r.push(out.rps);
        }
        rps[name] = median(r);
      } finally {
        await s.stop();
      }
    }
    process.stdout.write(`  cached debuginfo hits (10 KB), 32 conns  elfkit ${rps.elfkit.toFixed(0).padStart(6)} rps  elfutils ${rps.elfutils.toFixed(0).padStart(6)} rps  elfkit/elfutils: ${(rps.elfkit / rps.elfutils).toFixed(2)}x (goal ≥ 1)\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
