/**
 * Browser test support: Debian's Chromium (installed with apt-get when the
 * tests run as root and it is missing), driven by playwright-core with no
 * browser download; `elfkit explore` as the server, on 127.0.0.1 and a port
 * it picks, stopped by pid; the CLI's answers to compare with; screenshots
 * under .cache/explorer/screenshots/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDir, repoRoot, which } from '@elfkit/fixtures';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ELFKIT = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');
export const SCREENSHOTS = join(cacheDir, 'explorer', 'screenshots');

/** The system Chromium, installing Debian's package when root and absent; or the reason there is none. */
export function findChromium(): { path: string } | { reason: string } {
  let path = which('chromium');
  if (!path && process.getuid?.() === 0 && which('apt-get')) {
    process.stdout.write('installing Debian chromium for the browser tests (apt-get)…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
    if (r.status !== 0) return { reason: `apt-get install chromium failed: ${String(r.stderr).trim().split('\n').pop()}` };
    path = which('chromium');
  }
  if (!path) return { reason: process.getuid?.() === 0 ? 'no chromium on PATH and apt-get could not install it' : 'no chromium on PATH (install Debian chromium, or run the tests as root to have them install it)' };
  return { path };
}

export async function launch(path: string): Promise<Browser> {
  // Root cannot use Chromium's sandbox; headless needs no display.
  return chromium.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A running `elfkit explore` and the URL it printed. */
export interface Explore {
  url: string;
  child: ChildProcess;
  stop(): void;
}

/** Starts `elfkit explore <file>` (port 0: it picks a free one) and waits for the URL line. */
export function explore(file: string): Promise<Explore> {
  const child = spawn(process.execPath, [ELFKIT, 'explore', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
  };
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => (stop(), reject(new Error(`elfkit explore printed no URL in 20 s: ${out}${err}`))), 20000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^elfkit explorer: (http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stop });
      }
    });
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`elfkit explore exited ${code}: ${err}`))));
  });
}

/** The CLI's JSON answer. */
export function cliJson<T = any>(args: string[]): T {
  const r = spawnSync(process.execPath, [ELFKIT, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`elfkit ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The CLI's answer parsed as JSON, for commands that choose JSON their own way (`symbolize --output-style=JSON`). */
export function cliJsonRaw<T = any>(args: string[]): T {
  return JSON.parse(cliText(args)) as T;
}

/** The CLI's text answer. */
export function cliText(args: string[]): string {
  const r = spawnSync(process.execPath, [ELFKIT, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`elfkit ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Console errors and uncaught exceptions of a page, gathered as they happen. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  page.on('crash', () => errors.push('the page crashed'));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a file through the file input and waits for its first view; returns the page's time to it in ms. */
export async function openFile(page: Page, file: string): Promise<number> {
  await page.setInputFiles('#file-input', file);
  return firstView(page, basename(file));
}

/**
 * Waits for the first view of `name` (or the error box) and returns the
 * page's own measure of the time to it (NaN for an error).
 */
export async function firstView(page: Page, name: string): Promise<number> {
  await page.waitForSelector(`body[data-file="${name}"][data-first-view], body[data-file="${name}"] .error-box`, { timeout: 60000 });
  return Number(await page.getAttribute('body', 'data-first-view'));
}

export async function detailsReady(page: Page): Promise<void> {
  await page.waitForSelector('body[data-details=ready]', { timeout: 120000 });
}

/** Switches to a view by its nav button. */
export async function view(page: Page, id: string): Promise<void> {
  await page.click(`#nav button[data-view="${id}"]`);
  await page.waitForSelector(`#main [data-view="${id}"]`);
}

/** The facts list of the current view (the overview unless `here`) as label → value. */
export async function facts(page: Page, here = false): Promise<Record<string, string>> {
  if (!here) await view(page, 'overview');
  return page.$$eval('#main dl.facts dd', (dds) => Object.fromEntries(dds.map((d) => [d.getAttribute('data-label')!, d.textContent!])));
}

/** The visible rows of a virtual table, once its first block arrived. */
export async function tableRows(page: Page, id: string): Promise<{ total: number; rows: string[][] }> {
  await page.waitForSelector(`.vt[data-table="${id}"][data-ready]`);
  await page.waitForFunction((t) => !document.querySelector(`.vt[data-table="${t}"] .vt-body`)?.textContent?.includes('…'), id);
  return page.$eval(`.vt[data-table="${id}"]`, (e) => ({
    total: Number(e.getAttribute('data-total')),
    rows: [...e.querySelectorAll('.vt-body .vt-row')].map((r) => [...r.querySelectorAll('.vt-cell')].map((c) => c.textContent!)),
  }));
}

/** Types into a table's search box and waits for the filtered count. */
export async function search(page: Page, id: string, text: string): Promise<{ total: number; rows: string[][] }> {
  await page.fill(`.vt[data-table="${id}"] .vt-search`, text);
  await page.waitForFunction(([t, q]) => document.querySelector(`.vt[data-table="${t}"]`)?.getAttribute('data-query') === q, [id, text] as const, { timeout: 60000 });
  return tableRows(page, id);
}
