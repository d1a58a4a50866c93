/**
 * The tar reader against GNU tar's own archives (PAX and GNU long names,
 * hard links, symlinks, sparse files in both formats, duplicates) and
 * hand-made odd ones (base-256 sizes, bad checksums, truncation, header
 * bombs).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TarReader, tarBytes, isImageError, type TarEntry } from '@elfkit/image';
import { skip, which } from '@elfkit/fixtures';
import { enc, tempDir, sha256 } from './support.js';

async function* chunked(b: Uint8Array, size = 777): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

async function readAll(b: Uint8Array, chunk = 777, limits = {}): Promise<{ e: TarEntry; data: string }[]> {
  const r = new TarReader(chunked(b, chunk), 'test.tar', limits);
  const out: { e: TarEntry; data: string }[] = [];
  for await (const e of r) {
    const parts: Uint8Array[] = [];
    for await (const c of r.data()) parts.push(c.slice());
    out.push({ e, data: sha256(Buffer.concat(parts)) });
  }
  return out;
}

const gnuTar = which('tar');

test('GNU tar archives: PAX and GNU long names, links, duplicates, devices', async () => {
  if (!gnuTar) return skip('gnu tar archives', 'tar not installed');
  const t = tempDir();
  try {
    const src = join(t.path, 'src');
    const long = 'd'.repeat(60) + '/' + 'e'.repeat(70) + '/' + 'f'.repeat(90);
    mkdirSync(join(src, long), { recursive: true });
    writeFileSync(join(src, long, 'file-with-a-long-name-' + 'x'.repeat(120)), 'long');
    writeFileSync(join(src, 'a'), 'hello');
    linkSync(join(src, 'a'), join(src, 'hard'));
    symlinkSync('../../' + 'y'.repeat(150), join(src, 'sym'));
    mkdirSync(join(src, 'empty'));
    for (const format of ['pax', 'gnu', 'ustar-ish']) {
      const out = join(t.path, format + '.tar');
      const args = format === 'ustar-ish' ? ['--format=posix'] : ['--format=' + format];
      const r = spawnSync('tar', ['-C', src, ...args, '-cf', out, '.'], { encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      // Append a second copy of `a`: duplicate entries, the last wins when applied.
      writeFileSync(join(src, 'a'), 'hello again');
      spawnSync('tar', ['-C', src, ...args, '-rf', out, './a']);
      writeFileSync(join(src, 'a'), 'hello');
      const entries = await readAll(new Uint8Array(readFileSync(out)));
      const listed = spawnSync('tar', ['-tvf', out], { encoding: 'utf8' }).stdout.trim().split('\n');
      assert.is(entries.length, listed.length, `${format}: entry count as tar -t`);
      const names = entries.map((x) => x.e.path.replace(/^\.\//, '').replace(/\/$/, ''));
      const tarNames = spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout.trim().split('\n').map((n) => n.replace(/^\.\//, '').replace(/\/$/, ''));
      assert.equal(names, tarNames, `${format}: names as tar -t`);
      const file = entries.find((x) => x.e.path.endsWith('x'.repeat(120)))!;
      assert.is(file.data, sha256('long'));
      // Whichever of the two names comes second is the hard link.
      const hard = entries.find((x) => (x.e.path === './hard' || x.e.path === './a') && x.e.type === 'hardlink')!;
      assert.ok(hard);
      assert.is(hard.e.linkpath, hard.e.path === './a' ? './hard' : './a');
      assert.is(hard.e.size, 0);
      const sym = entries.find((x) => x.e.path === './sym')!;
      assert.is(sym.e.type, 'symlink');
      assert.is(sym.e.linkpath, '../../' + 'y'.repeat(150));
      const dups = entries.filter((x) => x.e.path === './a');
      assert.is(dups.length, 2);
      assert.is(dups[1]!.e.type, 'file');
      assert.is(dups[1]!.data, sha256('hello again'));
    }
  } finally {
    t.done();
  }
});

test('sparse files are reported with their real size, never read as their packed data', async () => {
  if (!gnuTar) return skip('sparse', 'tar not installed');
  const t = tempDir();
  try {
    const src = join(t.path, 'src');
    mkdirSync(src);
    // A file with a hole: 1 MiB, data at the start and the end.
    const f = join(src, 'holes');
    writeFileSync(f, 'start');
    spawnSync('truncate', ['-s', '1048576', f]);
    spawnSync('sh', ['-c', `printf end >> ${f}`]);
    writeFileSync(join(src, 'after'), 'after the sparse file');
    for (const [format, want] of [
      ['gnu', 'gnu'],
      ['pax', 'pax-1.0'],
    ] as const) {
      const out = join(t.path, format + '.tar');
      const r = spawnSync('tar', ['-C', src, '--sparse', '--format=' + format, ...(format === 'pax' ? ['--sparse-version=1.0'] : []), '-cf', out, 'holes', 'after']);
      assert.is(r.status, 0);
      const entries = await readAll(new Uint8Array(readFileSync(out)));
      const holes = entries.find((x) => x.e.path === 'holes');
      assert.ok(holes, `${format}: the sparse entry keeps its real name (not GNUSparseFile.N/holes)`);
      assert.is(holes!.e.type, 'sparse');
      assert.is(holes!.e.sparse!.format, want);
      assert.is(holes!.e.sparse!.realSize, 1048579);
      const after = entries.find((x) => x.e.path === 'after')!;
      assert.is(after.data, sha256('after the sparse file'), `${format}: the entry after the sparse one reads`);
    }
  } finally {
    t.done();
  }
});

test('base-256 numbers, V7 headers and old signed checksums', async () => {
  const b = tarBytes([{ path: 'big', data: enc('twelve bytes') }]);
  // Rewrite the size field in base-256 and fix the checksum.
  const h = b.subarray(0, 512);
  h.fill(0, 124, 136);
  h[124] = 0x80;
  h[135] = 12;
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of h) sum += x;
  h.set(enc(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  const [e] = await readAll(b);
  assert.is(e!.e.size, 12);
  assert.is(e!.data, sha256('twelve bytes'));
});

test('GNU-format writer: long names as L/K headers read back', async () => {
  const name = 'p/'.repeat(80) + 'file';
  const link = 't/'.repeat(70) + 'target';
  const b = tarBytes([
    { path: name, data: enc('x'), format: 'gnu' },
    { path: 'l', type: 'symlink', linkpath: link, format: 'gnu' },
  ]);
  const es = await readAll(b, 100);
  assert.is(es[0]!.e.path, name);
  assert.is(es[1]!.e.linkpath, link);
});

test('errors name the blob and entry: truncation, checksum, not a tar, PAX cap', async () => {
  const good = tarBytes([
    { path: 'one', data: enc('a'.repeat(2000)) },
    { path: 'two', data: enc('b') },
  ]);
  const expectError = async (bytes: Uint8Array, code: string, entry: string | undefined, limits = {}) => {
    try {
      await readAll(bytes, 333, limits);
      assert.unreachable('should have failed');
    } catch (e) {
      assert.ok(isImageError(e), String(e));
      assert.is(e.code, code, e.message);
      assert.is(e.blob, 'test.tar');
      if (entry !== undefined) assert.is(e.entry, entry, e.message);
    }
  };
  await expectError(good.subarray(0, 1200), 'truncated', 'one');
  await expectError(good.subarray(0, 2560 + 100), 'truncated', 'one');
  const bad = good.slice();
  bad[2560 + 10] ^= 1; // second header's name
  await expectError(bad, 'invalid', undefined);
  await expectError(enc('this is not a tar archive at all'.repeat(20)), 'not-tar', undefined);
  const pax = tarBytes([{ path: 'p', data: enc('x'), pax: { comment: 'c'.repeat(5000) } }]);
  await expectError(pax, 'too-large', undefined, { maxMetaBytes: 4096 });
  assert.is((await readAll(pax)).length, 1);
});

test('a million empty entries stream in bounded time', async () => {
  const header = tarBytes([{ path: 'f', data: new Uint8Array(0) }], false);
  const n = 1 << 20;
  const block = new Uint8Array(512 * 4096);
  for (let i = 0; i < 4096; i++) block.set(header, i * 512);
  async function* bomb() {
    for (let i = 0; i < n / 4096; i++) yield block;
    yield new Uint8Array(1024);
  }
  const t0 = Date.now();
  const r = new TarReader(bomb(), 'bomb.tar');
  let count = 0;
  for await (const _ of r) count++;
  assert.is(count, n);
  const ms = Date.now() - t0;
  assert.ok(ms < 20000, `took ${ms} ms`);
  process.stdout.write(`  tar reader: ${n} empty entries in ${ms} ms\n`);
});

test.run();
