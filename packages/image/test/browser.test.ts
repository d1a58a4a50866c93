/**
 * The core of @elfkit/image runs where there is no Node: its sources import
 * nothing from Node, esbuild bundles it for the browser platform, and that
 * bundle — with the pure-JavaScript defaults only (fflate, fzstd,
 * @noble/hashes, no temporary files) — scans an image held in memory to
 * the same answers as the Node host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { fixturePath, repoRoot } from '@elfkit/fixtures';
import { bytesOf, enc, openPath, tarDirectory, tempDir, writeOciLayout } from './support.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === 'node' ? [] : sources(p)) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the core uses no Node module or global (only src/node does)', () => {
  for (const file of sources(join(repoRoot, 'packages', 'image', 'src'))) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const rel = file.slice(repoRoot.length + 1);
    assert.not.match(text, /from\s+['"]node:|from\s+['"](fs|path|zlib|os|child_process|crypto|stream)['"]/, `${rel} imports a Node module`);
    assert.not.match(text, /\brequire\(/, `${rel} calls require`);
    assert.not.match(text, /\bprocess\.|\bBuffer\.|\bnew Buffer\b|\b__dirname\b/, `${rel} uses a Node global`);
  }
});

test('bundled for the browser, it scans an image in memory as the Node host does', async () => {
  const t = tempDir();
  try {
    const out = join(t.path, 'image.browser.mjs');
    await build({
      entryPoints: [join(repoRoot, 'packages', 'image', 'dist', 'index.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: out,
      logLevel: 'silent',
    });
    const bundle = readFileSync(out, 'utf8');
    assert.not.match(bundle, /from ?["']node:/, 'no Node import left in the bundle');
    const lay = join(t.path, 'lay');
    writeOciLayout(lay, [
      {
        tags: ['b'],
        layers: [
          { compression: 'gzip', members: 2, entries: [{ path: 'usr/bin/hello', data: bytesOf(fixturePath('c/gcc-dwarf5')), mode: 0o755 }, { path: 'etc/x', data: enc('x') }] },
          { compression: 'zstd', entries: [{ path: 'usr/bin/go', data: bytesOf(fixturePath('go/go1.27-amd64')), mode: 0o755 }, { path: 'etc/.wh.x', data: new Uint8Array(0) }] },
        ],
      },
    ]);
    const tarFile = join(t.path, 'oci.tar');
    tarDirectory(lay, tarFile);
    const mod = await import(pathToFileURL(out).href);
    const bytes = new Uint8Array(readFileSync(tarFile));
    const image = await mod.ContainerImage.open({ archive: mod.bytesAccess(bytes), name: 'oci.tar' });
    const browser = await mod.scanImage(image);
    const { image: nodeImage, close } = await openPath(tarFile);
    try {
      const { scanImage } = await import('@elfkit/image');
      const node = await scanImage(nodeImage);
      assert.equal(
        browser.files.map((f: { path: string; digest: string; facts: unknown }) => [f.path, f.digest, f.facts]),
        node.files.map((f) => [f.path, f.digest, f.facts]),
      );
      assert.is(browser.files.length, 2);
      assert.ok(!(await image.build({ elf: false })).get('etc/x'), 'the whiteout in the zstd layer applied');
      assert.is(image.layers[1].compression, 'zstd');
    } finally {
      await close();
    }
  } finally {
    t.done();
  }
});

test.run();
