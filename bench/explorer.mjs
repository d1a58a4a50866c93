// The browser explorer's time to first view (the header facts on screen)
// in headless Chromium for the Go docker CLI and the largest Go fixture:
// preloaded by `elfkit explore` (range requests) and through the file
// input; then the time until every view is ready (DWARF units, Go tables)
// and to the size treemap. No native tool does this; the figures stand alone.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { elfkitBin, repoRoot, which } from './lib.mjs';

const DOCKER = '/usr/local/bin/docker';

function largestGoFixture() {
  const dir = join(repoRoot, '.cache', 'fixtures', 'go');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

function serve(file) {
  const child = spawn(process.execPath, [elfkitBin, 'explore', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^elfkit explorer: (\S+)$/m.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.pid && process.kill(child.pid, 'SIGTERM') });
    });
    child.on('exit', (c) => reject(new Error(`elfkit explore exited ${c}`)));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function explorerBench() {
  const chromiumPath = which('chromium');
  if (!chromiumPath) return process.stdout.write('\nexplorer: skipped (no chromium on PATH; the explorer tests install it)\n');
  const { chromium } = createRequire(join(repoRoot, 'packages', 'explorer', 'package.json'))('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  process.stdout.write('\nexplorer: time to first view in headless Chromium (median of 5, page-measured; every view / treemap: from the open)\n');
  try {
    for (const file of [DOCKER, largestGoFixture()].filter((f) => f && existsSync(f))) {
      const server = await serve(file);
      try {
        for (const how of ['elfkit explore (ranges)', 'file input']) {
          const first = [];
          const all = [];
          const tree = [];
          for (let i = 0; i < 6; i++) {
            const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
            const t0 = Date.now();
            if (how === 'file input') {
              await page.goto(server.url.split('?')[0]);
              await page.setInputFiles('#file-input', file);
            } else await page.goto(server.url);
            await page.waitForSelector('body[data-first-view]', { timeout: 120000 });
            const fv = Number(await page.getAttribute('body', 'data-first-view'));
            await page.waitForSelector('body[data-details=ready]', { timeout: 300000 });
            const ready = Date.now() - t0;
            await page.click('#nav button[data-view=size]');
            await page.waitForSelector('.treemap-view[data-total] svg rect', { timeout: 300000 });
            const treemap = Date.now() - t0;
            await page.close();
            if (i === 0) continue; // warm-up: the file into the page cache, the browser's code compiled
            first.push(fv);
            all.push(ready);
            tree.push(treemap);
          }
          const name = `${file.split('/').pop()} (${(statSync(file).size / 1048576).toFixed(1)} MiB), ${how}`;
          process.stdout.write(`  ${name.padEnd(58)} first view ${String(median(first)).padStart(5)} ms   every view ${String(median(all)).padStart(5)} ms   treemap ${String(median(tree)).padStart(5)} ms\n`);
        }
      } finally {
        server.stop();
      }
    }
  } finally {
    await browser.close();
  }
}
