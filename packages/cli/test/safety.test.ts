// Nothing is lost: the input changes only with --in-place, output goes
// through a temporary file that is re-parsed, fsynced and renamed, the mode
// is kept, a write that fails midway leaves everything as it was, and
// problems are one line with exit status 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath, run } from '@elfkit/fixtures';
import { elfkit, elfkitBin, scratch, sha256File } from './support.js';

const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
delete env.FORCE_COLOR;

function oneLineError(r: { status: number | null; stderr: string }, re: RegExp): void {
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^elfkit: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, re);
}

/**
 * Runs elfkit with the file size limit at `kib` KiB and SIGXFSZ ignored,
 * so the kernel fails a write past the limit with EFBIG partway through.
 */
function withFileLimit(kib: number, args: string[]) {
  const quoted = [process.execPath, elfkitBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return run('bash', ['-c', `trap '' XFSZ; ulimit -f ${kib}; exec ${quoted}`], { env });
}

test('a write that fails midway leaves the input (and an existing output) intact and no temporary file', () => {
  const dir = scratch();
  const app = join(dir, 'app');
  copyFileSync(fixturePath('go/go1.27-amd64'), app);
  const before = sha256File(app);
  const out = join(dir, 'out');
  writeFileSync(out, 'previous output\n');
  // The binary is 2 MB; the limit stops the copy at 512 KiB.
  for (const args of [['stamp', app, '-o', out, '--no-git'], ['stamp', app, '--in-place', '--no-git'], ['section', 'add', app, '.x', '--string', 'y', '--in-place']]) {
    const r = withFileLimit(512, args);
    oneLineError(r, /too large|EFBIG/i);
    assert.is(sha256File(app), before, `${args.join(' ')}: input intact`);
    assert.is(sha256File(out), sha256File(out), 'output untouched');
    assert.equal(readdirSync(dir).sort(), ['app', 'out'], `${args.join(' ')}: no temporary file left`);
  }
  assert.is(run('cat', [out]).stdout, 'previous output\n');
});

test('-o never touches the input; --in-place keeps the file mode; -o gets the input mode', () => {
  const dir = scratch();
  const app = join(dir, 'app');
  copyFileSync(fixturePath('c/gcc-pie'), app);
  chmodSync(app, 0o751);
  const before = sha256File(app);
  const out = join(dir, 'out');
  assert.is(elfkit(['stamp', app, '-o', out, '--no-git'], { env }).status, 0);
  assert.is(sha256File(app), before);
  assert.is(statSync(out).mode & 0o7777, 0o751);
  assert.is(elfkit(['stamp', app, '--in-place', '--no-git'], { env }).status, 0);
  assert.is.not(sha256File(app), before);
  assert.is(statSync(app).mode & 0o7777, 0o751);
  assert.is(sha256File(app), sha256File(out), 'same stamp either way');
  assert.equal(readdirSync(dir).sort(), ['app', 'out']);
  assert.is(run(app, []).status, 0);
});

test('one-line errors, exit 1: non-ELF input, existing name, payload that does not fit, missing file', () => {
  const dir = scratch();
  const text = join(dir, 'script.sh');
  writeFileSync(text, '#!/bin/sh\necho hi\n');
  const app = join(dir, 'app');
  copyFileSync(fixturePath('c/gcc-pie'), app);
  const before = sha256File(app);
  oneLineError(elfkit(['stamp', text, '--in-place', '--no-git'], { env }), /not an ELF file/);
  oneLineError(elfkit(['section', 'add', text, '.x', '--string', 'y', '-o', join(dir, 'o1')]), /not an ELF file/);
  oneLineError(elfkit(['section', 'add', app, '.comment', '--string', 'y', '--in-place']), /a section named \.comment exists already/);
  oneLineError(elfkit(['section', 'update', app, '.text', '--string', 'x'.repeat(100000), '--in-place']), /\.text: 100000 bytes do not fit/);
  oneLineError(elfkit(['section', 'remove', app, '.nope', '--in-place']), /no section named \.nope/);
  oneLineError(elfkit(['section', 'add', fixturePath('obj/amd64.o'), '.note.x', '--file', text, '-o', join(dir, 'o2')]), /not well-formed ELF notes/);
  oneLineError(elfkit(['stamp', fixturePath('obj/amd64.o'), '-o', join(dir, 'o3'), '--loadable', '--no-git'], { env }), /no PT_LOAD segment/);
  oneLineError(elfkit(['stamp', join(dir, 'missing'), '-o', join(dir, 'o4'), '--no-git'], { env }), /no such file/);
  assert.is(sha256File(app), before);
  assert.equal(readdirSync(dir).sort(), ['app', 'script.sh']);
  assert.not.ok(existsSync(join(dir, 'o1')));
});

test('usage errors are exit 2: neither -o nor --in-place, both --file and --string', () => {
  const app = fixturePath('c/gcc-pie');
  assert.is(elfkit(['stamp', app, '--no-git']).status, 2);
  assert.is(elfkit(['section', 'add', app, '.x', '--string', 'a', '--file', app, '-o', '/dev/null']).status, 2);
  assert.is(elfkit(['section', 'add', app, '.x', '--string', 'a', '--flags', 'bogus', '-o', '/dev/null']).status, 2);
});

test.run();
