/**
 * Layers applied as a runtime applies them, on images written by the tests'
 * own writer, checked against the tree expected by hand and against
 * `umoci raw unpack` of the same image, file by file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { skip } from '@elfkit/fixtures';
import { openPath, tempDir, treeRecords, writeOciLayout, sha256, haveZstd, rulesImage, longDir } from './support.js';
import { debTool, diffRecords, diskRecords, mustRun } from './tools.js';

test('whiteouts, opaque directories, links and duplicates, applied', async () => {
  const t = tempDir();
  try {
    writeOciLayout(join(t.path, 'lay'), [rulesImage()]);
    const r = await treeRecords(join(t.path, 'lay'));
    const has = (p: string) => r.has(p);
    assert.not.ok(has('etc/gone'), 'whiteout removes the lower file');
    assert.ok(has('etc/keep'));
    assert.ok(has('var/cache/new'), 'the opaque marker is applied before the entries of its layer');
    assert.not.ok(has('var/cache/a'), 'the opaque marker hides lower files');
    assert.not.ok(has('var/cache/sub'), 'and lower directories');
    assert.ok(has('usr/lib/libx.so'), 'an entry under a symlinked parent lands at the real path');
    assert.is(r.get('lib'), 'symlink usr/lib');
    assert.is(r.get('usr/bin/tool'), `file 0755 sha256:${sha256('tool v2')}`);
    assert.is(r.get('hard'), `file 0755 sha256:${sha256('tool v1')}`, 'the hard link keeps the replaced file');
    assert.is(r.get('dup'), `file 0644 sha256:${sha256('second')}`, 'the last duplicate wins');
    assert.is(r.get(`${longDir}/file`), `file 0644 sha256:${sha256('long path')}`);
    assert.is(r.get('setuid'), `file 4755 sha256:${sha256('suid')}`);
    assert.is(r.get('esc'), 'symlink ../../../etc/keep', 'symlinks are kept verbatim');
    assert.not.ok([...r.keys()].some((k) => k.includes('.wh.')), 'whiteout files are not in the tree');
    const { image, close } = await openPath(join(t.path, 'lay'));
    try {
      const tree = await image.build({ elf: false });
      assert.is(tree.get('abs')?.path, 'etc/keep', 'an absolute target resolves inside the image');
      assert.is(tree.get('esc')?.path, 'etc/keep', '.. stops at the image root');
      assert.ok('loop' in tree.lookup('loop1', true), 'a symlink loop is detected');
      assert.is(tree.get('hard')?.inode.links, 1);
      assert.is(new TextDecoder().decode(await image.readFile('/abs')), 'kept', 'readFile follows symlinks');
      assert.is(new TextDecoder().decode(await image.readFile('/hard')), 'tool v1');
      assert.is(new TextDecoder().decode(await image.readFile('/usr/lib/libx.so')), 'through the lib symlink');
    } finally {
      await close();
    }
  } finally {
    t.done();
  }
});

test('the applied tree equals umoci raw unpack, file by file', async () => {
  const umoci = debTool('umoci');
  if ('reason' in umoci) return skip('umoci oracle', umoci.reason);
  const t = tempDir();
  try {
    const variants: ('gzip' | 'zstd' | 'none')[] = ['gzip', 'none', ...(haveZstd() ? (['zstd'] as const) : [])];
    for (const c of variants) {
      const lay = join(t.path, 'lay-' + c);
      writeOciLayout(lay, [rulesImage(c)]);
      const rootfs = join(t.path, 'rootfs-' + c);
      if (c === 'zstd') {
        // umoci 0.4.7 reads no zstd layers: compare with the gzip unpack (the same files).
        const ours = await treeRecords(lay);
        const theirs = diskRecords(join(t.path, 'rootfs-gzip'));
        assert.equal(diffRecords(ours, theirs), [], 'zstd layers give the tree of the gzip ones');
        continue;
      }
      mustRun(umoci.path, ['raw', 'unpack', '--image', `${lay}:rules`, rootfs]);
      const ours = await treeRecords(lay);
      const theirs = diskRecords(rootfs);
      assert.equal(diffRecords(ours, theirs), [], `layers ${c}: differences with umoci`);
      assert.ok(theirs.size >= 20);
      process.stdout.write(`  umoci raw unpack (${c} layers): ${theirs.size} files compared, 0 differences\n`);
    }
  } finally {
    t.done();
  }
});

test.run();
