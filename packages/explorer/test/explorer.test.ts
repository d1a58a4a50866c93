/**
 * The explorer in real headless Chromium: a C fixture through `elfkit
 * explore` (preloaded), the largest Go fixture through the file input, and
 * the Go docker CLI where the machine has it. Every fact, count, row and
 * total the page shows is checked against the CLI's answer for the same
 * file; the page must log no error; each view is saved as a screenshot.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cacheDir, fixturePath, fixtures, repoRoot, skip, which } from '@elfkit/fixtures';
import type { Browser, Page } from 'playwright-core';
import { cliJson, cliJsonRaw, cliText, detailsReady, explore, facts, findChromium, firstView, launch, openFile, screenshot, search, tableRows, view, watchErrors, type Explore } from './browser.js';

const chrome = findChromium();
const DOCKER = '/usr/local/bin/docker';

/** `elfkit info` text as label → value. */
function infoText(file: string): Record<string, string> {
  return Object.fromEntries(
    cliText(['info', file])
      .trimEnd()
      .split('\n')
      .map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i), l.slice(i + 1).trim()];
      }),
  );
}

/** The header facts agree with `elfkit info` (text) and its JSON counts. */
function checkFacts(f: Record<string, string>, file: string): void {
  const cli = infoText(file);
  for (const k of ['Class', 'Machine', 'Type', 'OS/ABI', 'Entry', 'Build ID', 'DWARF', 'Interpreter', 'Go']) {
    if (cli[k] === undefined) continue;
    if (k === 'Go') assert.ok(f['Go'] === cli[k] || f['Go version'] === cli[k], `Go: ${f['Go']} vs ${cli[k]}`);
    else assert.is(f[k], cli[k], `${k} of ${file}`);
  }
  const j = cliJson(['info', file]);
  assert.is(Number(f['Sections']), j.sections, 'section count');
  assert.is(Number(f['Segments']), j.segments, 'segment count');
  assert.is(Number(f['Size']!.split(' ')[0]), statSync(file).size, 'file size');
}

/** Sections: the count and every visible row's name, address, offset and size equal `elfkit sections --json`. */
async function checkSections(page: Page, file: string): Promise<void> {
  await view(page, 'sections');
  const { total, rows } = await tableRows(page, 'sections');
  const cli = cliJson(['sections', file]).sections as { index: number; name: string; address: string; offset: number; size: number; type: string; flags: string }[];
  assert.is(total, cli.length, 'sections');
  assert.ok(rows.length > 5);
  for (const r of rows) {
    const s = cli[Number(r[0])]!;
    assert.equal([r[1], r[2], r[3], r[4], r[5], r[8]], [s.name, s.type, s.address, '0x' + s.offset.toString(16), '0x' + s.size.toString(16), s.flags], `section ${r[0]}`);
  }
}

/** Symbols: the count of .symtab, and a searched symbol's value and size. */
async function checkSymbols(page: Page, file: string, name: string): Promise<void> {
  const tables = cliJson(['symbols', file]).tables as { symbols: { index: number; name: string; value: string; size: string }[] }[];
  await view(page, 'symbols');
  const { total } = await tableRows(page, 'symbols');
  assert.is(total, tables[0]!.symbols.length, 'symbol count');
  const want = tables[0]!.symbols.filter((s) => s.name.toLowerCase().includes(name.toLowerCase()) || s.value.slice(2).includes(name.toLowerCase()));
  const found = await search(page, 'symbols', name);
  assert.is(found.total, want.length, `symbols matching ${name}`);
  const exact = want.find((s) => s.name === name)!;
  const row = found.rows.find((r) => r[7] === name);
  assert.ok(row, `${name} listed`);
  assert.equal([row![0], row![1], row![2]], [String(exact.index), exact.value, String(BigInt(exact.size))]);
}

/** One answer of the address box, as the page shows it. */
interface BoxAnswer {
  address: string;
  found: boolean;
  frames: { function: string; file: string; line: number; column: number; inlined: boolean }[];
}

/**
 * The address box: each address's frames (function, file, line, column,
 * inlined or not) equal `elfkit symbolize --output-style=JSON` for the
 * same file; `extra` names text that is not an address, answered with a reason.
 */
async function checkAddressBox(page: Page, file: string, addresses: string[], extra: string[] = []): Promise<BoxAnswer[]> {
  await page.fill('#address', [...addresses, ...extra].join(' '));
  await page.press('#address', 'Enter');
  await page.waitForSelector('#address-answer[data-state=done]', { timeout: 60000 });
  const shown = await page.$$eval('#address-answer .addr-answer', (els) =>
    els.map((e) => ({
      address: e.getAttribute('data-address')!,
      found: e.getAttribute('data-found') === 'true',
      reason: e.querySelector('.addr-miss')?.textContent ?? '',
      frames: [...e.querySelectorAll('li.frame')].map((li) => ({
        function: li.getAttribute('data-function')!,
        file: li.getAttribute('data-file')!,
        line: Number(li.getAttribute('data-line')),
        column: Number(li.getAttribute('data-column')),
        inlined: li.getAttribute('data-inlined') === 'true',
      })),
    })),
  );
  assert.is(shown.length, addresses.length + extra.length, 'one answer per word');
  const cli = cliJsonRaw(['symbolize', '-e', file, '--output-style=JSON', ...addresses]) as { Address: string; Symbol: { FunctionName: string; FileName: string; Line: number; Column: number }[] }[];
  for (const [i, want] of cli.entries()) {
    const got = shown[i]!;
    assert.is(got.address, want.Address, 'address');
    const frames = want.Symbol.filter((s) => s.FunctionName !== '' || s.FileName !== '');
    assert.is(got.found, frames.length > 0, `found at ${want.Address}`);
    assert.equal(
      got.frames.map((f) => [f.function, f.file, f.line, f.column, f.inlined]),
      frames.map((s, j) => [s.FunctionName, s.FileName, s.Line, s.Column, j < frames.length - 1]),
      `frames at ${want.Address}`,
    );
  }
  for (const [i, word] of extra.entries()) {
    const got = shown[addresses.length + i]!;
    assert.not.ok(got.found, `${word} has no frames`);
    assert.ok(got.reason.length > 10, `${word}: a reason is given (${got.reason})`);
  }
  return shown;
}

/** The treemap's total equals `elfkit size`'s for the same breakdown, file and VM. */
async function checkTreemap(page: Page, file: string, source: string, sources: string): Promise<void> {
  await view(page, 'size');
  await page.waitForSelector('.treemap-view select');
  await page.selectOption('.treemap-view select[aria-label=breakdown]', source);
  await page.waitForSelector(`.treemap-view[data-source="${source}"][data-domain=file] svg rect`, { timeout: 120000 });
  const cli = cliJson(['size', '-d', sources, file]).total;
  assert.is(Number(await page.getAttribute('.treemap-view', 'data-total')), cli.fileSize, `file total by ${source}`);
  const rects = await page.$$eval('.tm-svg rect[data-label]', (rs) => rs.length);
  assert.ok(rects > 3, 'boxes drawn');
  await page.selectOption('.treemap-view select[aria-label="size domain"]', 'vm');
  await page.waitForSelector(`.treemap-view[data-source="${source}"][data-domain=vm] svg rect`, { timeout: 120000 });
  assert.is(Number(await page.getAttribute('.treemap-view', 'data-total')), cli.vmSize, `VM total by ${source}`);
  await page.selectOption('.treemap-view select[aria-label="size domain"]', 'file');
  await page.waitForSelector(`.treemap-view[data-source="${source}"][data-domain=file] svg rect`, { timeout: 120000 });
}

if ('reason' in chrome) {
  skip('explorer browser tests', chrome.reason);
} else {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let server: Explore | undefined;
  const C = fixturePath('c/gcc-dwarf5');
  const goFixture = fixtures()
    .filter((f) => f.lang === 'go')
    .map((f) => fixturePath(f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;

  test.before(async () => {
    browser = await launch(chrome.path);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    errors = watchErrors(page);
  });
  test.after(async () => {
    server?.stop();
    await browser?.close();
  });

  test('C fixture preloaded by elfkit explore: facts, layout, tables and DWARF equal the CLI', async () => {
    server = await explore(C);
    await page.goto(server.url);
    await firstView(page, 'gcc-dwarf5');
    await detailsReady(page);
    checkFacts(await facts(page), C);
    await screenshot(page, 'c-overview');
    await view(page, 'layout');
    assert.is(await page.$$eval('canvas.layout-canvas', (c) => c.length), 2, 'file and address pictures');
    await screenshot(page, 'c-layout');
    await checkSections(page, C);
    await screenshot(page, 'c-sections');
    await view(page, 'segments');
    assert.is((await tableRows(page, 'segments')).total, cliJson(['segments', C]).segments.length, 'segments');
    await screenshot(page, 'c-segments');
    await checkSymbols(page, C, 'main');
    await screenshot(page, 'c-symbols-search');
    await view(page, 'dynsym');
    assert.is((await tableRows(page, 'dynsym')).total, cliJson(['symbols', '--dynamic', C]).tables[0].symbols.length, 'dynamic symbols');
    await view(page, 'notes');
    assert.is((await tableRows(page, 'notes')).total, cliJson(['notes', C]).notes.length, 'notes');
    await screenshot(page, 'c-notes');
    await view(page, 'dynamic');
    const dyn = await tableRows(page, 'dynamic');
    const cliDyn = cliJson(['dynamic', C]).dynamic as { text: string }[];
    assert.is(dyn.total, cliDyn.length, 'dynamic entries');
    assert.equal(dyn.rows.map((r) => r[2]), cliDyn.slice(0, dyn.rows.length).map((d) => d.text), 'dynamic values');
    await screenshot(page, 'c-dynamic');
    const mainAt = (cliJson(['symbols', C]).tables[0].symbols as { name: string; value: string }[]).find((x) => x.name === 'main')!.value;
    await checkAddressBox(page, C, [mainAt, '0x0'], ['not-an-address']);
    await screenshot(page, 'c-address-box');
    await page.keyboard.press('Escape');

    // DWARF: the unit list, the DIE tree of main.c expanded, and its line table.
    await view(page, 'dwarf');
    const units = cliJson(['dwarf', 'units', C]).units as { offset: number; name: string; version: number }[];
    const u = await tableRows(page, 'units');
    assert.is(u.total, units.length, 'units');
    assert.equal(u.rows.map((r) => [r[0], r[2], r[3]]), units.map((x) => ['0x' + x.offset.toString(16), String(x.version), x.name]));
    await page.click('.vt[data-table=units] .vt-row[data-row="0"]');
    await page.waitForSelector('.die-tree .die[data-tag=DW_TAG_compile_unit]');
    await page.waitForSelector('.attr-table');
    const nameAttr = await page.$$eval('.attr-table tr', (trs) => trs.map((t) => [...t.querySelectorAll('td')].map((d) => d.textContent)).find((c) => c[0] === 'DW_AT_name'));
    assert.equal(nameAttr?.[2], JSON.stringify(units[0]!.name));
    await page.waitForSelector('.die-tree .die-children .die');
    const children = await page.$$eval('.die-tree > .die-node > .die-children > .die-node > .die', (d) => d.map((x) => x.getAttribute('data-tag')));
    const cliDies = cliText(['dwarf', 'info', C]);
    assert.ok(children.length > 3 && children.every((t) => cliDies.includes(t!)), 'children of the unit DIE');
    await page.click('.die-tree .die[data-tag=DW_TAG_subprogram]');
    await page.waitForSelector('.die-attrs h4:has-text("DW_TAG_subprogram")');
    await screenshot(page, 'c-dwarf-tree');
    await page.click('.subtabs button[data-sub=lines]');
    const lines = await tableRows(page, `lines:${units[0]!.offset}`);
    const cliLines = cliJson(['lines', C, '--cu', units[0]!.name]) as unknown as { address: string; line: number; file: string }[];
    assert.is(lines.total, cliLines.length, 'line rows of the unit');
    assert.equal(lines.rows.slice(0, 10).map((r) => [r[0], r[1], r[3]]), cliLines.slice(0, 10).map((l) => [l.address, String(l.line), l.file]));
    await screenshot(page, 'c-dwarf-lines');

    await checkTreemap(page, C, 'sections', 'sections,symbols');
    await screenshot(page, 'c-size-treemap');
    assert.equal(errors, [], 'no errors on the page');
  });

  test('the largest Go fixture through the file input: Go views, treemap by package', async () => {
    // The page keeps using the server (the worker script); only the file comes from the input.
    const ms = await openFile(page, goFixture);
    await detailsReady(page);
    process.stdout.write(`time to first view, ${goFixture.split('/').pop()} (${statSync(goFixture).size} bytes): ${ms} ms\n`);
    checkFacts(await facts(page), goFixture);
    await view(page, 'go');
    const info = cliJson(['go', 'info', goFixture]);
    const goFacts = await facts(page, true);
    assert.is(goFacts['Go version'], info.version);
    assert.is(Number(goFacts['Functions']), info.pclntab.funcs);
    const funcs = cliJson(['go', 'funcs', goFixture]).funcs as { name: string; entry: string; end: string }[];
    const f = await tableRows(page, 'go-funcs');
    assert.is(f.total, funcs.length, 'functions');
    assert.equal(f.rows.map((r) => [r[0], r[1], r[5]]), funcs.slice(0, f.rows.length).map((x) => [x.entry, x.end, x.name]));
    const mainMain = await search(page, 'go-funcs', 'main.main');
    assert.ok(mainMain.rows.some((r) => r[5] === 'main.main' && r[0] === funcs.find((x) => x.name === 'main.main')!.entry));
    await screenshot(page, 'go-functions');
    await page.click('.subtabs button[data-sub=go-files]');
    assert.is((await tableRows(page, 'go-files')).total, cliJson(['go', 'files', goFixture]).files.length, 'files');
    await checkTreemap(page, goFixture, 'go-packages', 'go-packages,go-functions');
    await screenshot(page, 'go-size-treemap');
    // Zoom into the largest package and back.
    const top = await page.getAttribute('.tm-svg rect.zoomable', 'data-label');
    await page.click('.tm-svg rect.zoomable', { position: { x: 30, y: 8 } });
    await page.waitForSelector(`.tm-crumbs strong:has-text("${top}")`);
    await screenshot(page, 'go-size-treemap-zoomed');
    await page.click('.tm-crumbs a');
    assert.equal(errors, [], 'no errors on the page');
  });

  test('address box: a stripped binary dropped with its .debug file, inlined calls, and C++ names demangled', async () => {
    const stripped = fixturePath('c/gcc-stripped');
    await page.setInputFiles('#file-input', [stripped, stripped + '.debug']);
    await firstView(page, 'gcc-stripped');
    await detailsReady(page);
    const shown = await checkAddressBox(page, stripped, ['0x1291', '0x130d', '0x1149']);
    assert.ok(shown[0]!.frames.length > 1 && shown[0]!.frames[0]!.inlined, 'an inlined call at 0x1291');
    await screenshot(page, 'address-box-inlined');
    await page.keyboard.press('Escape');
    // Alone, the debug-stripped file keeps its symbol table: the box names main, with no file or line, and says where the name came from.
    await openFile(page, stripped);
    await page.fill('#address', '0x1291');
    await page.press('#address', 'Enter');
    await page.waitForSelector('#address-answer[data-state=done]');
    const alone = await page.$eval('#address-answer .addr-answer', (e) => [e.getAttribute('data-source'), e.querySelector('li.frame')?.getAttribute('data-function'), e.querySelector('li.frame')?.getAttribute('data-file')]);
    assert.equal(alone, ['symtab', 'main', ''], 'the symbol table alone');
    await screenshot(page, 'address-box-symtab-only');
    await page.keyboard.press('Escape');
    const cxx = fixturePath('cpp/gxx-dwarf5');
    await openFile(page, cxx);
    const cxxShown = await checkAddressBox(page, cxx, ['0x3a20']);
    assert.ok(cxxShown[0]!.frames[0]!.function.startsWith('std::'), 'demangled in the page');
    await screenshot(page, 'address-box-cxx');
    await page.keyboard.press('Escape');
    const mainMain = (cliJson(['go', 'funcs', goFixture]).funcs as { name: string; entry: string }[]).find((x) => x.name === 'main.main')!.entry;
    await openFile(page, goFixture);
    await checkAddressBox(page, goFixture, [mainMain, '0x' + (BigInt(mainMain) + 0x20n).toString(16)]);
    await screenshot(page, 'address-box-go');
    await page.keyboard.press('Escape');
    assert.equal(errors, [], 'no errors on the page');
  });

  test('docker CLI (Go, 40 MB, compressed DWARF): time to first view, facts, 46,000 symbols scrolled', async () => {
    if (!existsSync(DOCKER)) return skip('docker view', `${DOCKER} is not on this machine`);
    const ms = await openFile(page, DOCKER);
    process.stdout.write(`time to first view, docker (${statSync(DOCKER).size} bytes): ${ms} ms\n`);
    await screenshot(page, 'docker-overview');
    await detailsReady(page);
    checkFacts(await facts(page), DOCKER);
    await view(page, 'symbols');
    const { total } = await tableRows(page, 'symbols');
    await page.$eval('.vt[data-table=symbols] .vt-scroll', (e) => (e.scrollTop = e.scrollHeight));
    await page.waitForSelector(`.vt[data-table=symbols] .vt-row[data-row="${total - 1}"]`);
    assert.ok((await page.$$('.vt[data-table=symbols] .vt-row')) .length < 80, 'only the visible rows exist');
    await screenshot(page, 'docker-symbols-end');
    await view(page, 'layout');
    await screenshot(page, 'docker-layout');
    assert.equal(errors, [], 'no errors on the page');
  });

  test('any static host: the built site from python3 -m http.server (no range requests) preloads ?file=', async () => {
    const python = which('python3');
    if (!python) return skip('static-host test', 'no python3 on PATH');
    const root = join(cacheDir, 'explorer', 'static-host');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(join(repoRoot, 'packages', 'explorer', 'dist', 'site'), root, { recursive: true });
    cpSync(C, join(root, 'app.elf'));
    const child = spawn(python, ['-m', 'http.server', '--bind', '127.0.0.1', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = '';
        const take = (d: Buffer) => {
          out += d;
          const m = /port (\d+)/.exec(out);
          if (m) resolve(m[1]!);
        };
        child.stdout!.on('data', take);
        child.stderr!.on('data', take);
        child.on('exit', (c) => reject(new Error(`http.server exited ${c}: ${out}`)));
      });
      await page.goto(`http://127.0.0.1:${port}/?file=app.elf`);
      await firstView(page, 'app.elf');
      await detailsReady(page);
      checkFacts(await facts(page), C);
      await screenshot(page, 'static-host-overview');
      assert.equal(errors, [], 'no errors on the page');
    } finally {
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    }
  });
}

test.run();
