/**
 * `elfkit explore`: the server it starts answers on 127.0.0.1 with the
 * page, the one file (whole or by range) and nothing else; bad input is
 * refused in one line before anything is served.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { cacheDir, fixturePath } from '@elfkit/fixtures';
import { ELFKIT, elfkit } from './cli.js';

const C = fixturePath('c/gcc-dwarf5');

/** A request to `url`, whose path is sent exactly as written (no `..` folding). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const m = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url)!;
  return new Promise((resolve, reject) => {
    const req = request({ host: m[1], port: Number(m[2]), path: m[3], method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the page, the file by ranges, and nothing outside them', async () => {
  const child = spawn(process.execPath, [ELFKIT, 'explore', C], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^elfkit explorer: (http:\/\/127\.0\.0\.1:(\d+)\/\?file=\/file\/gcc-dwarf5)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const base = url.split('?')[0]!;
    const page = await get(base);
    assert.is(page.status, 200);
    assert.match(page.body.toString(), /<title>elfkit explorer<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    for (const f of ['app.js', 'worker.js', 'style.css']) assert.is((await get(base + f)).status, 200, f);
    const bytes = readFileSync(C);
    const whole = await get(base + 'file/gcc-dwarf5');
    assert.is(whole.status, 200);
    assert.ok(whole.body.equals(bytes));
    const head = await get(base + 'file/gcc-dwarf5', {}, 'HEAD');
    assert.is(head.headers['content-length'], String(statSync(C).size));
    const part = await get(base + 'file/gcc-dwarf5', { Range: 'bytes=16-31' });
    assert.is(part.status, 206);
    assert.is(part.headers['content-range'], `bytes 16-31/${bytes.length}`);
    assert.ok(part.body.equals(bytes.subarray(16, 32)));
    const tail = await get(base + 'file/gcc-dwarf5', { Range: 'bytes=-4' });
    assert.ok(tail.body.equals(bytes.subarray(bytes.length - 4)));
    assert.is((await get(base + 'file/gcc-dwarf5', { Range: `bytes=${bytes.length}-` })).status, 416);
    for (const p of ['../package.json', '%2e%2e/%2e%2e/package.json', 'file/../../../../etc/passwd', 'file/other', 'file/gcc-dwarf5/..', '..%2fsrc', 'style.css/../../../package.json']) {
      assert.is((await get(base + p)).status, 404, p);
    }
    assert.is((await get(base, {}, 'POST')).status, 405);
  } finally {
    if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
});

test('refuses a missing file, a directory and a file that is not ELF, in one line', () => {
  const dir = join(cacheDir, 'explorer');
  mkdirSync(dir, { recursive: true });
  const text = join(dir, 'not-elf.txt');
  writeFileSync(text, 'hello\n');
  for (const [file, why] of [
    [join(dir, 'missing'), /no such file/],
    [dir, /not a regular file/],
    [text, /not an ELF file/],
  ] as const) {
    const r = elfkit(['explore', file]);
    assert.is(r.status, 1, file);
    assert.is(r.stdout, '');
    assert.match(r.stderr, why);
    assert.is(r.stderr.trimEnd().split('\n').length, 1);
  }
});

test.run();
