/**
 * ELF files over the memory limit: spilled to a private temporary file in
 * Node (same facts as in memory; the directory gone after dispose), and
 * reported unread — with a warning naming blob and entry — by a host with
 * no temporary storage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '@elfkit/fixtures';
import { ContainerImage, scanImage, jsHasher, jsDecompressors, type ImageHost } from '@elfkit/image';
import { nodeImageHost, openImageInput, nodeCrc32 } from '@elfkit/image/node';
import { bytesOf, tempDir, writeOciLayout } from './support.js';

test('spilled and in-memory analysis agree; the spill directory is removed', async () => {
  const t = tempDir();
  try {
    const lay = join(t.path, 'lay');
    writeOciLayout(lay, [{ layers: [{ compression: 'gzip', entries: [{ path: 'go', data: bytesOf(fixturePath('go/go1.27-amd64')), mode: 0o755 }, { path: 'c', data: bytesOf(fixturePath('c/gcc-stripped.debug')) }] }] }]);
    const spillRoot = join(t.path, 'tmp');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(spillRoot);
    const scan = async (host: ImageHost) => {
      const input = await openImageInput(lay);
      try {
        return await scanImage(await ContainerImage.open(input, { host }), { crc32: nodeCrc32 });
      } finally {
        await input.close();
      }
    };
    const small = nodeImageHost({ memoryLimit: 64 << 10, tmpdir: spillRoot });
    const spilled = await scan(small);
    assert.is(readdirSync(spillRoot).length, 1, 'one private directory while the host lives');
    small.dispose();
    assert.equal(readdirSync(spillRoot), [], 'and none after dispose');
    const big = nodeImageHost();
    const inMemory = await scan(big);
    big.dispose();
    assert.equal(spilled.files, inMemory.files);
    assert.is(spilled.files.length, 2);
    // No temporary storage: files over the limit are reported, not read.
    const bare = await scan({ hasher: jsHasher, decompressors: jsDecompressors, memoryLimit: 64 << 10 });
    const go = bare.files.find((f) => f.path === '/go')!;
    assert.ok(go.error && !go.facts);
    assert.is(go.digest, inMemory.files.find((f) => f.path === '/go')!.digest, 'its content is still hashed');
    assert.ok(bare.warnings.some((w) => w.code === 'elf-too-large' && w.entry === 'go' && /^sha256:/.test(w.blob!)));
    assert.not.ok(existsSync(join(spillRoot, 'x')));
  } finally {
    t.done();
  }
});

test.run();
