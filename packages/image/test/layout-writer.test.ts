// The Node layout writer's ordering: index.json is replaced only once the
// blobs it names are stored (writeIndex's `after`), and not at all when
// storing them fails; a streamed blob's digest comes before it is stored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directoryLayoutWriter } from '@elfkit/image/node';
import { enc, sha256, tempDir } from './support.js';

test('writeIndex with `after`: replaced once it resolves, kept (and no temporary left) when it rejects', async () => {
  const dir = tempDir();
  const root = dir.path;
  writeFileSync(join(root, 'index.json'), 'old');
  const w = directoryLayoutWriter(root);
  let release!: () => void;
  const stored = new Promise<void>((r) => (release = r));
  const writing = w.writeIndex(enc('new'), stored);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(readFileSync(join(root, 'index.json'), 'utf8'), 'old', 'not replaced before the blobs are stored');
  release();
  await writing;
  assert.is(readFileSync(join(root, 'index.json'), 'utf8'), 'new');
  const failed = Promise.reject(new Error('blob not stored'));
  try {
    await w.writeIndex(enc('newer'), failed);
    assert.unreachable('the failure of `after` is the failure of writeIndex');
  } catch (e) {
    assert.is((e as Error).message, 'blob not stored');
  }
  assert.is(readFileSync(join(root, 'index.json'), 'utf8'), 'new');
  assert.equal(readdirSync(root), ['index.json']);
  dir.done();
});

test('writeBlobStream: the digest and size once the chunks are written, the blob under its digest once `stored` resolves', async () => {
  const dir = tempDir();
  const w = directoryLayoutWriter(dir.path);
  async function* chunks() {
    yield enc('hello, ');
    yield enc('layout');
  }
  const r = await w.writeBlobStream(chunks());
  assert.is(r.digest, `sha256:${sha256('hello, layout')}`);
  assert.is(r.size, 13);
  await r.stored;
  assert.equal(readdirSync(join(dir.path, 'blobs', 'sha256')), [sha256('hello, layout')], 'named by its digest, nothing else left');
  assert.is(readFileSync(join(dir.path, 'blobs', 'sha256', sha256('hello, layout')), 'utf8'), 'hello, layout');
  async function* failing() {
    yield enc('part');
    throw new Error('stream broke');
  }
  try {
    await w.writeBlobStream(failing());
    assert.unreachable('a stream that fails before its end fails writeBlobStream');
  } catch (e) {
    assert.is((e as Error).message, 'stream broke');
  }
  assert.equal(readdirSync(join(dir.path, 'blobs', 'sha256')), [sha256('hello, layout')], 'no temporary left');
  dir.done();
});

test.run();
