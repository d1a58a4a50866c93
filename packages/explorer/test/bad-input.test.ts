/**
 * Bad input in the browser: a file that is not ELF, an empty one, a
 * truncated ELF and one of 400 MB whose .debug_info claims 300 MB. Each
 * gets a clear message; the page stays usable (the next file opens); the
 * worker reads only what it shows and refuses a read it cannot afford.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, openSync, closeSync, ftruncateSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, fixturePath, skip } from '@elfkit/fixtures';
import type { Browser, Page } from 'playwright-core';
import { cliJson, detailsReady, explore, facts, findChromium, launch, openFile, screenshot, tableRows, view, watchErrors, type Explore } from './browser.js';

const chrome = findChromium();
const dir = join(cacheDir, 'explorer', 'inputs');
const C = fixturePath('c/gcc-dwarf5');

/** A copy of an ELF64 little-endian file with `.debug_info`'s sh_size set to `size`, grown (sparsely) to `total` bytes. */
function hugeDebugInfo(src: string, out: string, size: number, total: number): void {
  copyFileSync(src, out);
  const d = readFileSync(out);
  const shoff = Number(d.readBigUInt64LE(0x28));
  const entsize = d.readUInt16LE(0x3a);
  const shnum = d.readUInt16LE(0x3c);
  const strtab = Number(d.readBigUInt64LE(shoff + d.readUInt16LE(0x3e) * entsize + 0x18));
  const fd = openSync(out, 'r+');
  try {
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * entsize;
      const name = d.toString('latin1', strtab + d.readUInt32LE(at), d.indexOf(0, strtab + d.readUInt32LE(at)));
      if (name !== '.debug_info') continue;
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(size));
      writeSync(fd, b, 0, 8, at + 0x20);
    }
    ftruncateSync(fd, total);
  } finally {
    closeSync(fd);
  }
}

if ('reason' in chrome) {
  skip('explorer bad-input tests', chrome.reason);
} else {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let server: Explore;

  test.before(async () => {
    mkdirSync(dir, { recursive: true });
    browser = await launch(chrome.path);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    errors = watchErrors(page);
    // The page from elfkit explore, as any static host would serve it; files come from the input.
    server = await explore(C);
    await page.goto(server.url.split('?')[0]!);
  });
  test.after(async () => {
    server?.stop();
    await browser?.close();
  });

  test('a file that is not ELF, and an empty one: a clear message, then the next file opens', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'These are my notes, not a binary.\n');
    await openFile(page, text);
    const box = await page.textContent('.error-box');
    assert.match(box!, /notes\.txt: not an ELF file \(bad magic\)/);
    await screenshot(page, 'bad-not-elf');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    await openFile(page, empty);
    assert.match((await page.textContent('.error-box'))!, /empty \(0 bytes\)/);
    assert.is(await openFile(page, C) > 0, true, 'the page opens the next file');
    assert.is((await facts(page))['Build ID'], 'cacd963c7f20dea23abc2ae7188ee25cf775013c');
    assert.equal(errors, []);
  });

  test('a truncated ELF: what the header says, and where the rest broke', async () => {
    const cut = join(dir, 'truncated');
    writeFileSync(cut, readFileSync(C).subarray(0, 8192));
    await openFile(page, cut);
    await detailsReady(page);
    const f = await facts(page);
    assert.is(f['Machine'], 'Advanced Micro Devices X86-64 (x86-64)');
    assert.is(f['Entry'], '0x1060');
    const problems = await page.$$eval('.warnings li', (l) => l.map((x) => x.textContent!));
    assert.ok(problems.some((p) => /section header table \(39 entries of 64 bytes at 0x4bf0\) extends past the end of the file/.test(p)), problems.join('\n'));
    assert.is(problems.length, 1, 'one problem, said once');
    await screenshot(page, 'bad-truncated');
    await view(page, 'segments');
    assert.is((await tableRows(page, 'segments')).total, cliJson(['segments', C]).segments.length, 'the program headers are still read');
    assert.equal(errors, []);
  });

  test('a Go binary whose module info is damaged: the Go view still shows the Go version and the pclntab, and says what broke', async () => {
    const src = fixturePath('go/go1.27-amd64');
    const bad = join(dir, 'go-modinfo-damaged');
    const b = readFileSync(src);
    // The build info blob: a 32-byte header, the Go version (varint length, bytes), then the module info's varint length.
    const blob = b.indexOf('\xff Go buildinf:', 0, 'latin1');
    assert.ok(blob > 0 && b[blob + 32]! < 128, 'an inline (Go 1.18+) build info with a short version');
    const version = b.toString('latin1', blob + 33, blob + 33 + b[blob + 32]!);
    b.set([0xff, 0xff, 0xff, 0x7f], blob + 33 + b[blob + 32]!);
    writeFileSync(bad, b);
    await openFile(page, bad);
    await detailsReady(page);
    await view(page, 'go');
    const f = await facts(page, true);
    assert.is(f['Go version'], version);
    assert.is(f['Go version'], cliJson(['go', 'info', src]).version);
    assert.is(Number(f['Functions']), cliJson(['go', 'info', src]).pclntab.funcs, 'the pclntab is still read');
    const problems = await page.$$eval('#main .warnings li', (l) => l.map((x) => x.textContent!));
    assert.equal(problems.filter((p) => /module info \(\d+ bytes\) runs past the end of its segment/.test(p)).length, 1, problems.join('\n'));
    assert.match((await page.textContent('#main .go-top p.muted'))!, /module info cannot be read/);
    await screenshot(page, 'bad-go-modinfo');
    assert.equal(errors, []);
  });

  test('a 400 MB file: read a few blocks at a time; a 300 MB section is refused, not loaded', async () => {
    const big = join(dir, 'huge-debug-info');
    hugeDebugInfo(C, big, 300 * 1024 * 1024, 400 * 1024 * 1024);
    const ms = await openFile(page, big);
    process.stdout.write(`time to first view, 400 MB file: ${ms} ms\n`);
    const read = Number(await page.getAttribute('body', 'data-bytes-read'));
    assert.ok(read <= 256 * 1024, `the first view read ${read} bytes, at most 256 KiB`);
    await detailsReady(page);
    await view(page, 'overview');
    const problems = await page.$$eval('.warnings li', (l) => l.map((x) => x.textContent!));
    assert.ok(problems.some((p) => /DWARF: this needs 300 MiB of the file at once .* at most 256 MiB/.test(p)), problems.join('\n'));
    const more = Number(await page.getAttribute('body', 'data-details-bytes-read'));
    assert.ok(more < 4 * 1024 * 1024, `details read ${more} bytes`);
    await screenshot(page, 'bad-huge-file');
    await view(page, 'sections');
    const { rows } = await tableRows(page, 'sections');
    assert.ok(rows.some((r) => r[1] === '.debug_info' && r[5] === '0x12c00000'), 'the section list shows the claimed size');
    assert.equal(errors, []);
  });
}

test.run();
