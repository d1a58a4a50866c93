// A program reads its own stamp at run time (fixtures/src/stamp/read-stamp.c,
// built here with the machine's gcc as PIE, non-PIE and static): after
// `elfkit stamp --loadable`, and after strip, strip -g, eu-strip and
// objcopy --strip-debug of the stamped binary. elfkit reads the stamp back
// each time; the default (note) placement survives every strip too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, fixturePath, fixturesDir, run } from '@elfkit/fixtures';
import { elfkit, elfutils, scratch, stampReader, tool } from './support.js';

const dir = scratch();
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
const strip = tool('strip', 'stamp through strip');
const objcopy = tool('objcopy', 'stamp through objcopy --strip-debug');
const eu = elfutils('stamp through eu-strip');

/** Every way to strip a binary this test knows, as [name, run(in, out)]. */
function strippers(): [string, (input: string, output: string) => void][] {
  const out: [string, (i: string, o: string) => void][] = [];
  const ok = (r: { status: number | null; stderr: string }, what: string) => assert.is(r.status, 0, `${what}: ${r.stderr}`);
  if (strip) {
    out.push(['strip', (i, o) => ok(run(strip, ['-o', o, i]), 'strip')]);
    out.push(['strip -g', (i, o) => ok(run(strip, ['-g', '-o', o, i]), 'strip -g')]);
  }
  if (eu) out.push(['eu-strip', (i, o) => ok(run(eu.bin('eu-strip'), ['-o', o, i], { env: eu.env }), 'eu-strip')]);
  if (objcopy) out.push(['objcopy --strip-debug', (i, o) => ok(run(objcopy, ['--strip-debug', i, o]), 'objcopy --strip-debug')]);
  return out;
}

/** The stamp JSON elfkit reads from `file`. */
function shown(file: string): { stamp: Record<string, unknown>; placement: Record<string, unknown> } {
  const r = elfkit(['stamp', 'show', file, '--json']);
  assert.is(r.status, 0, `stamp show ${file}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { stamps: { stamp: Record<string, unknown>; placement: Record<string, unknown> }[] };
  assert.is(j.stamps.length, 1);
  return j.stamps[0]!;
}

for (const variant of ['pie', 'nopie', 'static'] as const) {
  test(`read-stamp (${variant}): the running program finds its --loadable stamp, before and after every strip`, () => {
    const bin = stampReader(variant, `runtime stamp (${variant})`);
    if (!bin) return;
    assert.is(run(bin, []).stdout, 'no stamp\n');
    const stamped = join(dir, `read-stamp-${variant}`);
    const r = elfkit(['stamp', bin, '-o', stamped, '--loadable', '--no-git', '--set', `variant=${variant}`], { env });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stderr, '', 'no warning: the program header table grew in place');
    const runtime = run(stamped, []);
    assert.is(runtime.status, 0, runtime.stderr);
    const json = JSON.parse(runtime.stdout) as Record<string, unknown>;
    assert.equal(json, shown(stamped).stamp);
    assert.is((json.extra as Record<string, string>).variant, variant);
    for (const [name, doStrip] of strippers()) {
      const out = join(dir, `read-stamp-${variant}.${name.replace(/\W+/g, '_')}`);
      doStrip(stamped, out);
      const after = run(out, []);
      assert.is(after.status, 0, `${name}: runs (${after.stderr})`);
      assert.equal(JSON.parse(after.stdout), json, `${name}: the program still reads its stamp`);
      assert.equal(shown(out).stamp, json, `${name}: elfkit still reads it`);
      // Re-stamping the stripped binary with a much larger stamp replaces it; the program reads the new one.
      const big = 'y'.repeat(3000);
      const re = elfkit(['stamp', out, '--in-place', '--loadable', '--no-git', '--set', `big=${big}`], { env });
      assert.is(re.status, 0, `${name}: re-stamp: ${re.stderr}`);
      assert.is(re.stderr, '', `${name}: re-stamp without warnings`);
      const again = run(out, []);
      assert.is(again.status, 0, `${name}: runs after the re-stamp`);
      assert.is((JSON.parse(again.stdout) as { extra: Record<string, string> }).extra.big, big, `${name}: reads the new stamp`);
      assert.is(elfkit(['stamp', 'show', out, '--json']).stdout.split('"big"').length, 2, `${name}: one stamp`);
    }
  });

  test(`read-stamp (${variant}): the default note placement survives every strip (not loaded)`, () => {
    const bin = stampReader(variant, `note stamp (${variant})`);
    if (!bin) return;
    const stamped = join(dir, `read-stamp-note-${variant}`);
    assert.is(elfkit(['stamp', bin, '-o', stamped, '--no-git'], { env }).status, 0);
    const s = shown(stamped);
    assert.equal(s.placement.kind, 'note');
    assert.equal(s.placement.loadable, false);
    assert.is(run(stamped, []).stdout, 'no stamp\n', 'a non-loaded note is not in the memory image');
    for (const [name, doStrip] of strippers()) {
      const out = join(dir, `read-stamp-note-${variant}.${name.replace(/\W+/g, '_')}`);
      doStrip(stamped, out);
      assert.equal(shown(out).stamp, s.stamp, `${name} keeps the note`);
    }
  });
}

test('a .debug_* placement is deleted by strip -g, as the warning says', () => {
  const bin = stampReader('pie', 'debug-named stamp');
  if (!bin || !strip) return;
  const stamped = join(dir, 'read-stamp-debug');
  const r = elfkit(['stamp', bin, '-o', stamped, '--no-git', '--section', '.debug_stamp'], { env });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: strip -g .* delete .debug_stamp/);
  assert.is(shown(stamped).placement.kind, 'section');
  const out = join(dir, 'read-stamp-debug.strip-g');
  run(strip, ['-g', '-o', out, stamped]);
  assert.is(elfkit(['stamp', 'show', out]).status, 1);
});

test('a raw JSON section survives strip and strip -g but not eu-strip, as the warning says', () => {
  const bin = stampReader('pie', 'raw stamp section');
  if (!bin || !strip || !eu) return;
  const stamped = join(dir, 'read-stamp-raw');
  const r = elfkit(['stamp', bin, '-o', stamped, '--no-git', '--section', '.elfkit_stamp'], { env });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: eu-strip deletes non-ALLOC PROGBITS sections such as \.elfkit_stamp/);
  for (const args of [['-o'], ['-g', '-o']]) {
    const out = join(dir, `read-stamp-raw${args.length}`);
    run(strip, [...args, out, stamped]);
    assert.is(shown(out).placement.kind, 'section');
  }
  const out = join(dir, 'read-stamp-raw.eu');
  run(eu.bin('eu-strip'), ['-o', out, stamped], { env: eu.env });
  assert.is(elfkit(['stamp', 'show', out]).status, 1);
});

for (const name of ['go/go1.27-amd64', 'go/go1.27-amd64-pie', 'go/go1.27-amd64-cgo', 'go/go1.27-amd64-sw', 'c/gcc-static']) {
  test(`${name}: --loadable stamp; the binary still runs and prints what it printed`, () => {
    const f = fixture(name);
    const src = join(dir, name.replace('/', '_'));
    copyFileSync(fixturePath(f), src);
    const r = elfkit(['stamp', src, '--in-place', '--loadable', '--no-git'], { env });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stderr, '');
    const s = shown(src);
    assert.is(s.placement.loadable, true);
    const go = (s.stamp.binary as Record<string, string | null>).goVersion;
    assert.is(go, f.go);
    if (process.arch === 'x64') {
      const out = run(src, []);
      assert.is(out.status, 0);
      assert.is(out.stdout, readFileSync(join(fixturesDir, f.expectedStdout!), 'utf8'));
    }
  });
}

test.run();
