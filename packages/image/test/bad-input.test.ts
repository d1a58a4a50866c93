/**
 * Bad images: each gives a typed error (or a warning) that names the blob
 * and entry, in bounded time and memory — truncated blobs, digest and size
 * mismatches, missing blobs, layers that are not tars, paths escaping the
 * root, symlink loops, a tar bomb and a gzip bomb.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { isImageError, tarBytes, type ImageError } from '@elfkit/image';
import { enc, openPath, sha256, tempDir, writeOciLayout, type ImageSpec } from './support.js';

const t = tempDir();
test.after(() => t.done());

const small: ImageSpec = {
  tags: ['x'],
  layers: [
    { compression: 'gzip', entries: [{ path: 'etc/a', data: enc('a'.repeat(5000)) }, { path: 'etc/b', data: enc('b') }] },
    { compression: 'none', entries: [{ path: 'etc/c', data: enc('c'.repeat(3000)) }] },
  ],
};

async function scanError(dir: string): Promise<ImageError> {
  try {
    const { image, close } = await openPath(dir);
    try {
      await image.build();
    } finally {
      await close();
    }
  } catch (e) {
    assert.ok(isImageError(e), `not an ImageError: ${(e as Error).stack}`);
    return e;
  }
  throw new Error('no error');
}

let n = 0;
function layout(spec: ImageSpec, damage?: (dir: string, built: ReturnType<typeof writeOciLayout>) => void): { dir: string; layers: string[] } {
  const dir = join(t.path, `lay${n++}`);
  const built = writeOciLayout(dir, [spec]);
  damage?.(dir, built);
  return { dir, layers: built.built[0]!.layers.map((l) => l.digest) };
}
const blobFile = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice(7));

test('a truncated blob is named', async () => {
  for (const i of [0, 1]) {
    const { dir, layers } = layout(small, (d, b) => {
      const f = blobFile(d, b.built[0]!.layers[i]!.digest);
      const bytes = readFileSync(f);
      writeFileSync(f, bytes.subarray(0, bytes.length - 700));
    });
    const e = await scanError(dir);
    assert.is(e.code, 'truncated', e.message);
    assert.is(e.blob, layers[i]);
  }
});

test('a digest mismatch names the digest', async () => {
  const { dir, layers } = layout(small, (d, b) => {
    const f = blobFile(d, b.built[0]!.layers[1]!.digest);
    const bytes = readFileSync(f);
    bytes[520] ^= 1; // file data, not the header: the tar still reads
    writeFileSync(f, bytes);
  });
  const e = await scanError(dir);
  assert.is(e.code, 'digest-mismatch');
  assert.is(e.blob, layers[1]);
  assert.match(e.message, new RegExp(`expected ${layers[1]}`));
});

test('a descriptor size that is wrong is named', async () => {
  const { dir, layers } = layout({ ...small, descriptorSize: (i, real) => (i === 1 ? real - 1000 : real) });
  const e = await scanError(dir);
  assert.is(e.code, 'size-mismatch');
  assert.is(e.blob, layers[1]);
});

test('a manifest that names a missing blob', async () => {
  const { dir, layers } = layout(small, (d, b) => rmSync(blobFile(d, b.built[0]!.layers[0]!.digest)));
  const e = await scanError(dir);
  assert.is(e.code, 'missing-blob');
  assert.is(e.blob, layers[0]);
});

test('a layer that is not a tar', async () => {
  const junk = enc('this is not a tar archive, just text. '.repeat(40));
  const { dir } = layout({ layers: [{ compression: 'gzip', entries: [], mutate: () => gzipSync(junk) }] });
  const e = await scanError(dir);
  assert.is(e.code, 'not-tar');
  assert.match(e.blob!, /^sha256:/);
  const { dir: dir2 } = layout({ layers: [{ compression: 'none', entries: [], mutate: () => Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all, only its magic')]) }] });
  const e2 = await scanError(dir2);
  assert.ok(e2.code === 'invalid' || e2.code === 'truncated', e2.message);
  assert.match(e2.message, /gzip data/, e2.message);
});

test('a path that escapes the root is clamped with a warning; a symlink loop in a parent skips the entry', async () => {
  const { dir } = layout({
    layers: [
      {
        entries: [
          { path: '../../etc/passwd', data: enc('root:x:0:0') },
          { path: 'loop1', type: 'symlink', linkpath: 'loop2' },
          { path: 'loop2', type: 'symlink', linkpath: 'loop1' },
          { path: 'loop1/inside', data: enc('x') },
        ],
      },
    ],
  });
  const { image, close } = await openPath(dir);
  try {
    const tree = await image.build();
    assert.ok(tree.get('etc/passwd'), 'applied at /etc/passwd inside the image');
    const esc = image.warnings.find((w) => w.code === 'path-escape')!;
    assert.is(esc.entry, '../../etc/passwd');
    assert.match(esc.blob!, /^sha256:/);
    const loop = image.warnings.find((w) => w.code === 'symlink-loop')!;
    assert.is(loop.entry, 'loop1/inside');
    try {
      await image.readFile('/loop1');
      assert.unreachable();
    } catch (e) {
      assert.ok(isImageError(e) && e.code === 'not-found');
    }
  } finally {
    await close();
  }
});

/** Runs a scan of `dir` in a child process; returns its error line, time and peak memory. */
function scanInChild(dir: string): { error: string; ms: number; maxRssMb: number } {
  const script = `
    import { ContainerImage } from '@elfkit/image';
    import { nodeImageHost, openImageInput } from '@elfkit/image/node';
    const t0 = Date.now();
    let error = '';
    const host = nodeImageHost();
    try {
      const image = await ContainerImage.open(await openImageInput(${JSON.stringify(dir)}), { host });
      await image.build();
    } catch (e) { error = e.code + ': ' + e.message; }
    host.dispose();
    console.log(JSON.stringify({ error, ms: Date.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: join(import.meta.dirname, '..') });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('a tar bomb of a million empty entries: refused, naming blob and entry, in bounded time and memory', async () => {
  const dir = join(t.path, 'tarbomb');
  const tmpl = tarBytes([{ path: 'x', data: new Uint8Array(0) }], false);
  // Write a gzip layer of 2^20 distinct empty files, streaming.
  const layerFile = join(t.path, 'tarbomb.layer');
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(layerFile);
  gz.pipe(out);
  const count = 1 << 20;
  for (let i = 0; i < count; i += 4096) {
    const buf = new Uint8Array(512 * 4096);
    for (let k = 0; k < 4096; k++) {
      const at = k * 512;
      buf.set(tmpl, at);
      buf.fill(0, at, at + 100);
      const name = `d${(i + k) >> 12}/f${i + k}`;
      for (let c = 0; c < name.length; c++) buf[at + c] = name.charCodeAt(c);
      buf.fill(0x20, at + 148, at + 156);
      let sum = 0;
      for (let c = at; c < at + 512; c++) sum += buf[c]!;
      const s = sum.toString(8).padStart(6, '0') + '\0 ';
      for (let c = 0; c < 8; c++) buf[at + 148 + c] = s.charCodeAt(c);
    }
    if (!gz.write(buf)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end(new Uint8Array(1024));
  await new Promise<void>((r) => out.on('finish', () => r()));
  const stored = new Uint8Array(readFileSync(layerFile));
  writeOciLayout(dir, [{ layers: [{ entries: [], mutate: () => stored }] }]);
  const r = scanInChild(dir);
  assert.match(r.error, /^too-large: more than 1000000 files in the image \(a tar bomb\?\) \(blob sha256:[0-9a-f]{64}, entry "d244\/f999\d+"\)$/);
  assert.ok(r.ms < 120_000, `${r.ms} ms`);
  assert.ok(r.maxRssMb < 900, `${r.maxRssMb} MB`);
  process.stdout.write(`  tar bomb (${count} entries, ${(stored.length / 1e6).toFixed(1)} MB gzip): refused after ${r.ms} ms, peak ${Math.round(r.maxRssMb)} MB\n`);
});

test('a gzip bomb: refused once it expands past 250 times its size, naming the blob', async () => {
  // 2,048 gzip members of 1 MiB of zeros each: 2 GiB from ~2 MB, behind a tar header.
  const header = tarBytes([{ path: 'zeros', data: new Uint8Array(0), size: 2 ** 31 }], false);
  const zeros = gzipSync(new Uint8Array(1 << 20), { level: 9 });
  const parts = [gzipSync(header), ...Array.from({ length: 2048 }, () => zeros)];
  const stored = Buffer.concat(parts);
  const dir = join(t.path, 'gzbomb');
  writeOciLayout(dir, [{ layers: [{ entries: [], mutate: () => stored }] }]);
  const r = scanInChild(dir);
  assert.match(r.error, /^too-large: layer decompresses to more than 250 times its \d+ stored bytes \(a compression bomb\?\) \(blob sha256:[0-9a-f]{64}, offset 0x[0-9a-f]+\)$/);
  assert.ok(r.maxRssMb < 400, `${r.maxRssMb} MB`);
  process.stdout.write(`  gzip bomb (${(stored.length / 1e6).toFixed(1)} MB → 2 GiB): refused after ${r.ms} ms, peak ${Math.round(r.maxRssMb)} MB\n`);
  assert.is(sha256(stored).length, 64);
});

test.run();
