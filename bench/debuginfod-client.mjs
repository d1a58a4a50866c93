// debuginfod client: `elfkit debuginfod find` against elfutils'
// `debuginfod-find`, both fetching from the same elfutils `debuginfod`
// server on 127.0.0.1 (started here, stopped by pid): a ~100 MB executable
// (the Node binary) and a small one (a fixture), uncached (the cache emptied
// before every run) and cached (an answer from the cache, no request).
// Needs the Debian package `debuginfod` (the tests install it).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { compare, elfkit, repoRoot, which } from './lib.mjs';

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const port = s.address().port;
  await new Promise((ok) => s.close(ok));
  return port;
}

function buildId(path) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs'), 'info', path, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(r.stdout).buildId;
}

export default async function debuginfodClientBench() {
  const server = which('debuginfod');
  const find = which('debuginfod-find');
  if (!server || !find) return process.stdout.write('\ndebuginfod client: debuginfod not installed (apt-get install debuginfod); skipped\n');
  const dir = join(repoRoot, '.cache', 'bench', 'debuginfod-client');
  rmSync(dir, { recursive: true, force: true });
  const srv = join(dir, 'srv');
  mkdirSync(srv, { recursive: true });
  const files = [
    { label: `the Node binary`, path: process.execPath },
    { label: 'a 20 KB C program', path: join(repoRoot, 'fixtures', 'c', 'gcc-O2') },
  ];
  for (const [i, f] of files.entries()) {
    f.copy = join(srv, `f${i}`);
    copyFileSync(f.path, f.copy);
    f.id = buildId(f.copy);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(server, ['-F', '-t', '0', '-g', '0', '-p', String(port), '-d', join(dir, 'db.sqlite'), srv], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 600; i++) {
      try {
        const m = await (await fetch(`${url}/metrics`)).text();
        if (Number(/^scanned_files_total\{source="file"\} (\d+)/m.exec(m)?.[1] ?? 0) >= files.length && /^thread_work_pending\{role="scan"\} 0/m.test(m)) break;
      } catch {
        // not up yet
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    process.stdout.write(`\ndebuginfod client: elfkit debuginfod find vs debuginfod-find, one elfutils debuginfod on ${url}\n`);
    for (const f of files) {
      for (const cached of [false, true]) {
        const cache = (who) => join(dir, `cache-${who}`);
        // Uncached: the cache is emptied (untimed work is only an rm) before each run.
        const wrap = (who, cmd, args) => ({
          cmd: 'sh',
          args: ['-c', cached ? 'exec "$@"' : 'rm -rf "$DEBUGINFOD_CACHE_PATH"; exec "$@"', 'sh', cmd, ...args],
          env: { DEBUGINFOD_URLS: url, DEBUGINFOD_CACHE_PATH: cache(who) },
        });
        const ek = elfkit('debuginfod', 'find', f.id, 'executable');
        compare(`${cached ? 'cached' : 'uncached'}: executable of ${f.label}`, [
          { label: 'elfkit debuginfod find', ...wrap('elfkit', ek.cmd, ek.args) },
          { label: 'debuginfod-find', ...wrap('elfutils', find, ['executable', f.id]) },
        ], { interleave: true });
      }
    }
  } finally {
    if (child.pid) process.kill(child.pid, 'SIGTERM');
  }
}
