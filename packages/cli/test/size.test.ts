// `elfkit size` as users see it: bloaty's table, CSV/TSV columns, JSON,
// diffs (NEW -- OLD and --diff), debug files, and one-line errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fixturePath, repoRoot } from '@elfkit/fixtures';
import { formatPercent, formatSize, printfFixed } from '@elfkit/size';
import { elfkit } from './cli.js';

const C = fixturePath('c/gcc-O2');
const GO = fixturePath('go/go1.27-amd64-cgo');

test('sizes and percentages print as bloaty prints them (C printf rounding, ties to even)', () => {
  assert.is(formatSize(86272), ' 84.2Ki'); // 84.25 exactly: printf rounds to even
  assert.is(formatSize(86784), ' 84.8Ki'); // 84.75 → 84.8
  assert.is(formatSize(147 * 1024 + 10), '  147Ki');
  assert.is(formatSize(1000), '   1000');
  assert.is(formatSize(1024), '   1024');
  assert.is(formatSize(1025), ' 1.00Ki');
  assert.is(formatSize(42791888), ' 40.8Mi');
  assert.is(formatSize(707, true), '   +707');
  assert.is(formatSize(-559, true), '   -559');
  assert.is(formatPercent(56.9, false), ' 56.9%');
  assert.is(formatPercent(100, false), '100.0%');
  assert.is(formatPercent(NaN, false), '  NAN%');
  assert.is(formatPercent(NaN, true), ' [ = ]');
  assert.is(formatPercent(Infinity, true), ' [NEW]');
  assert.is(formatPercent(-100, true), ' [DEL]');
  assert.is(formatPercent(1300, true), '+13e2%');
  assert.is(formatPercent(27.3, true), '  +27%');
  assert.is(formatPercent(-5.3, true), ' -5.3%');
  assert.is(printfFixed(0.125, 2), '0.12');
  assert.is(printfFixed(0.375, 2), '0.38');
  assert.is(printfFixed(2.5, 0), '2');
});

test('the table: header, levels indented by two, [N Others], TOTAL equal to the file size', () => {
  const r = elfkit(['size', C, '-d', 'compileunits,symbols', '-n', '3']);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines[0], '    FILE SIZE        VM SIZE    ');
  assert.is(lines[1], ' --------------  -------------- ');
  assert.match(lines.at(-1)!, /^ 100\.0%  23\.6Ki 100\.0%  4\.11Ki    TOTAL$/);
  // Fixed columns: a top-level label starts at column 34, one level down at 36.
  const unit = lines.findIndex((l) => l.endsWith('    shapes.c'));
  assert.is(lines[unit]!.indexOf('shapes.c'), 34);
  assert.ok(lines[unit + 1]!.slice(0, 36).endsWith('    ') && lines[unit + 1]![36] !== ' ', 'nested rows are indented by two');
  assert.ok(lines.some((l) => /\[\d+ Others\]$/.test(l)));
  assert.ok(lines.filter((l) => /^ {2}[ \d]\d?\d?\.\d%/.test(l)).length <= 4, 'at most -n rows (and Others) per level');
});

test('--csv and --tsv: the source names then vmsize,filesize; leaf rows in bytes that add up to the file size', () => {
  const csv = elfkit(['size', C, '-d', 'sections,symbols', '-n', '0', '--csv']);
  assert.is(csv.status, 0, csv.stderr);
  const rows = csv.stdout.trimEnd().split('\n');
  assert.is(rows[0], 'sections,symbols,vmsize,filesize');
  let file = 0;
  for (const row of rows.slice(1)) file += Number(row.split(',').at(-1));
  assert.is(file, 24120);
  const tsv = elfkit(['size', C, '--tsv']);
  assert.is(tsv.stdout.split('\n')[0], 'sections\tvmsize\tfilesize');
});

test('--json: the row tree with sizes in bytes', () => {
  const r = elfkit(['size', GO, '-d', 'go-packages', '-n', '0', '--json']);
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.sources, ['go-packages']);
  assert.is(j.total.fileSize, j.fileSize);
  assert.ok(j.total.children.some((c: { label: string }) => c.label === 'main'));
  assert.ok(j.total.children.some((c: { label: string }) => c.label.startsWith('[C] ')), 'cgo code is charged to its C compile units');
});

test('diffs: a file against itself is only the TOTAL row; NEW -- OLD and --diff agree', () => {
  const self = elfkit(['size', C, '--', C]);
  assert.is(self.status, 0, self.stderr);
  assert.is(self.stdout, '    FILE SIZE        VM SIZE    \n --------------  -------------- \n  [ = ]       0  [ = ]       0    TOTAL\n');
  const a = elfkit(['size', C, '--', fixturePath('c/gcc-dwarf5')]);
  const b = elfkit(['size', C, '--diff', fixturePath('c/gcc-dwarf5')]);
  assert.is(a.stdout, b.stdout);
  assert.match(a.stdout, /\[NEW\] +\+\d+ +\[ = \] +0 +\.debug_loclists/);
  assert.match(a.stdout.trimEnd().split('\n').at(-1)!, / \+2\.13Ki .* TOTAL$/);
});

test('--debug-file gives a stripped binary its compile units; without it: one line, exit 1', () => {
  const bare = elfkit(['size', fixturePath('c/gcc-stripped'), '-d', 'compileunits']);
  assert.is(bare.status, 1);
  assert.is(bare.stdout, '');
  assert.match(bare.stderr, /^elfkit: .*gcc-stripped: missing debug info\n$/);
  const r = elfkit(['size', fixturePath('c/gcc-stripped'), '-d', 'compileunits', '--debug-file', fixturePath('c/gcc-stripped.debug'), '-n', '0']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n.*\s{4}main\.c\n/);
  assert.match(r.stdout, /\n.*\s{4}shapes\.c\n/);
});

test('bad input: a non-ELF file and an unknown source are one line each', () => {
  const r = elfkit(['size', fixturePath('c/gcc-O2'), '-d', 'bogus']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown data source 'bogus'/);
  const n = elfkit(['size', join(repoRoot, 'README.md')]);
  assert.is(n.status, 1);
  assert.match(n.stderr, /^elfkit: .*: not an ELF file \(bad magic\)[^\n]*\n$/);
});

test.run();
