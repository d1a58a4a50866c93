/**
 * Rescans: `elfkit debuginfod serve` picks up files added to its tree on
 * SIGUSR1 and on its -t interval, and forgets removed ones; the CLI's
 * errors are one line.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixturePath } from '@elfkit/fixtures';
import { elfkitBin, readelfBuildId, rm, startElfkit, tempDir, type Running } from './support.js';

const work = tempDir();
const running: Running[] = [];
test.after(async () => {
  for (const r of running) await r.stop();
  rm(work);
});

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const status = async (url: string) => {
  try {
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.status;
  } catch (e) {
    throw new Error(`${url}: ${(e as Error).message}: ${String((e as { cause?: unknown }).cause)}\n${running.map((r) => r.stderr()).join('\n')}`);
  }
};

test('SIGUSR1 rescans: added files are served, removed ones are not', async () => {
  const dir = join(work, 'usr1');
  mkdirSync(dir);
  const s = await startElfkit([dir]);
  running.push(s);
  const id = readelfBuildId(fixturePath('c/gcc-dwarf5'))!;
  const url = `${s.url}/buildid/${id}/executable`;
  assert.is(await status(url), 404);
  copyFileSync(fixturePath('c/gcc-dwarf5'), join(dir, 'app'));
  process.kill(s.pid, 'SIGUSR1');
  await until('served after SIGUSR1', async () => (await status(url)) === 200);
  rmSync(join(dir, 'app'));
  process.kill(s.pid, 'SIGUSR1');
  await until('gone after SIGUSR1', async () => (await status(url)) === 404);
});

test('-t N rescans every N seconds', async () => {
  const dir = join(work, 'interval');
  mkdirSync(dir);
  const s = await startElfkit([dir], ['-t', '1']);
  running.push(s);
  const id = readelfBuildId(fixturePath('c/gcc-pie'))!;
  copyFileSync(fixturePath('c/gcc-pie'), join(dir, 'app'));
  await until('served after the interval', async () => (await status(`${s.url}/buildid/${id}/executable`)) === 200, 5000);
});

test('CLI errors are one line: a port in use, a bad port', async () => {
  const s = running[0]!;
  const port = new URL(s.url).port;
  const r = spawnSync(process.execPath, [elfkitBin, 'debuginfod', 'serve', work, '--port', port], { encoding: 'utf8', timeout: 20_000 });
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  const bad = spawnSync(process.execPath, [elfkitBin, 'debuginfod', 'serve', '--port', '70000'], { encoding: 'utf8', timeout: 20_000 });
  assert.is.not(bad.status, 0);
  assert.match(bad.stderr, /bad port/);
});

test.run();
