/**
 * A damaged-input sweep: an image archive with bytes flipped at random
 * (seeded) and cut short at random places, and its JSON documents given
 * wrong types. Every failure must be an ImageError — never a TypeError,
 * RangeError or a hang.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '@elfkit/fixtures';
import { ContainerImage, bytesAccess, isImageError, tarBytes, type TarWriteEntry } from '@elfkit/image';
import { nodeImageHost } from '@elfkit/image/node';
import { bytesOf, enc, rulesImage, tarDirectory, tempDir, writeOciLayout, writeDockerLegacy } from './support.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const t = tempDir();
test.after(() => t.done());
const host = nodeImageHost();
test.after(() => host.dispose());

async function attempt(bytes: Uint8Array): Promise<'ok' | string> {
  try {
    const image = await ContainerImage.open({ archive: bytesAccess(bytes), name: 'x.tar' }, { host });
    await image.build();
    for (const f of image.elfFiles()) void f.debug;
    return 'ok';
  } catch (e) {
    if (!isImageError(e)) throw new Error(`not an ImageError: ${(e as Error).stack}`);
    return e.code;
  }
}

function archives(): [string, Uint8Array][] {
  const spec = rulesImage('none');
  const elf: TarWriteEntry[] = [{ path: 'usr/bin/hello', data: bytesOf(fixturePath('c/gcc-dwarf5')), mode: 0o755 }];
  const lay = join(t.path, 'lay');
  writeOciLayout(lay, [{ ...spec, layers: [...spec.layers, { compression: 'gzip', entries: elf }] }]);
  const oci = join(t.path, 'oci.tar');
  tarDirectory(lay, oci);
  const legacy = join(t.path, 'legacy.tar');
  writeDockerLegacy(legacy, { layers: [{ entries: elf }, { entries: [{ path: 'etc/x', data: enc('x') }] }] });
  return [
    ['oci-archive', new Uint8Array(readFileSync(oci))],
    ['docker save', new Uint8Array(readFileSync(legacy))],
  ];
}

test('flipped bytes and truncations: an ImageError or a clean read, nothing else', async () => {
  for (const [name, good] of archives()) {
    assert.is(await attempt(good), 'ok', name);
    const rand = rng(name.length * 7919);
    const codes = new Map<string, number>();
    const t0 = Date.now();
    for (let i = 0; i < 150; i++) {
      const b = good.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
      const c = await attempt(b);
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }
    for (let i = 0; i < 40; i++) {
      const c = await attempt(good.subarray(0, Math.floor(rand() * good.length)));
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }
    assert.ok(Date.now() - t0 < 60_000);
    process.stdout.write(`  ${name}: 190 damaged copies → ${[...codes].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  }
});

test('documents with wrong types are invalid, not crashes', async () => {
  const lay = join(t.path, 'docs');
  const built = writeOciLayout(lay, [{ layers: [{ entries: [{ path: 'a', data: enc('a') }] }] }]);
  const manifest = JSON.parse(readFileSync(join(lay, 'blobs/sha256', built.manifests[0]!.slice(7)), 'utf8'));
  const index = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  const cases: [string, unknown][] = [
    ['index.json', { ...index, manifests: 'x' }],
    ['index.json', { ...index, manifests: [{ ...index.manifests[0], size: -1 }] }],
    ['index.json', { ...index, manifests: [{ ...index.manifests[0], digest: 5 }] }],
    ['index.json', { ...index, manifests: [{ ...index.manifests[0], annotations: { a: 1 } }] }],
    ['index.json', { ...index, schemaVersion: 1 }],
    ['index.json', [1, 2]],
    ['manifest', { ...manifest, layers: {} }],
    ['manifest', { ...manifest, config: null }],
    ['manifest', { ...manifest, layers: [{ ...manifest.layers[0], digest: 'sha256:zz' }] }],
  ];
  for (const [which, doc] of cases) {
    const entries: TarWriteEntry[] = [
      { path: 'oci-layout', data: enc('{"imageLayoutVersion":"1.0.0"}') },
      { path: 'index.json', data: enc(JSON.stringify(which === 'index.json' ? doc : index)) },
    ];
    // A manifest with other content is another blob: index.json must name it for it to be read.
    const mBytes = enc(JSON.stringify(which === 'manifest' ? doc : manifest));
    const { createHash } = await import('node:crypto');
    const mHex = createHash('sha256').update(mBytes).digest('hex');
    const idx = which === 'manifest' ? { ...index, manifests: [{ ...index.manifests[0], digest: `sha256:${mHex}`, size: mBytes.length }] } : which === 'index.json' ? doc : index;
    entries[1] = { path: 'index.json', data: enc(JSON.stringify(idx)) };
    entries.push({ path: `blobs/sha256/${mHex}`, data: mBytes });
    for (const d of [...built.built[0]!.layers.map((l) => l.digest), built.built[0]!.configDigest]) entries.push({ path: `blobs/sha256/${d.slice(7)}`, data: bytesOf(join(lay, 'blobs/sha256', d.slice(7))) });
    const code = await attempt(tarBytes(entries));
    assert.ok(['invalid', 'unsupported'].includes(code), `${which} ${JSON.stringify(doc).slice(0, 80)} → ${code}`);
  }
});

test.run();
