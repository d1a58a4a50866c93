/**
 * A Go binary whose module info is damaged, in an image: the scan keeps the
 * Go version (read before the module info) with the module fields unknown
 * (null), says what broke, counts the version, and the SBOM still has the
 * Go standard library the file was built with.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '@elfkit/fixtures';
import { BytesSource } from '@elfkit/binary';
import { cycloneDx, readElfFacts, scanImage, stdlibPurl } from '@elfkit/image';
import { nodeCrc32 } from '@elfkit/image/node';
import { openPath, tempDir, writeOciLayout } from './support.js';

const t = tempDir();
test.after(() => t.done());

/** The fixture with its module info's length made to run past the segment, and its Go version. */
function damagedGo(): { bytes: Uint8Array; version: string } {
  const b = Buffer.from(readFileSync(fixturePath('go/go1.27-amd64')));
  // The build info blob: a 32-byte header, the Go version (varint length, bytes), then the module info's varint length.
  const blob = b.indexOf('\xff Go buildinf:', 0, 'latin1');
  assert.ok(blob > 0 && b[blob + 32]! < 128, 'an inline (Go 1.18+) build info with a short version');
  const version = b.toString('latin1', blob + 33, blob + 33 + b[blob + 32]!);
  b.set([0xff, 0xff, 0xff, 0x7f], blob + 33 + b[blob + 32]!);
  return { bytes: new Uint8Array(b), version };
}

test('readElfFacts: the Go version kept, path, main, deps and settings null, the damage a problem', () => {
  const { bytes, version } = damagedGo();
  const f = readElfFacts(new BytesSource(bytes));
  assert.equal(f.go, { version, path: null, main: null, deps: null, settings: null });
  assert.equal(f.problems.filter((p) => /^go: module info \(\d+ bytes\) runs past the end of its segment/.test(p)).length, 1, f.problems.join('\n'));
  const intact = readElfFacts(new BytesSource(new Uint8Array(readFileSync(fixturePath('go/go1.27-amd64')))));
  assert.is(intact.go!.version, version);
  assert.ok(intact.go!.path && intact.go!.settings!.length > 0, 'the intact file has its module info');
  assert.equal({ ...f, go: null, problems: [] }, { ...intact, go: null, problems: [] }, 'every other fact as intact');
});

test('an image scan counts the version, and the SBOM has the standard library of both files, modules only of the intact one', async () => {
  const { bytes, version } = damagedGo();
  const intact = new Uint8Array(readFileSync(fixturePath('go/go1.27-amd64')));
  const layout = join(t.path, 'lay');
  writeOciLayout(layout, [{ tags: ['v1'], layers: [{ entries: [{ path: 'usr/bin/damaged', data: bytes, mode: 0o755 }, { path: 'usr/bin/intact', data: intact, mode: 0o755 }] }] }]);
  const { image, close } = await openPath(layout);
  try {
    const scan = await scanImage(image, { crc32: nodeCrc32 });
    assert.is(scan.summary.goVersions[version], 2);
    const bom = cycloneDx(scan);
    const deps = (file: string) => bom.dependencies.find((d) => d.ref === `file:${file}`)!.dependsOn;
    assert.equal(deps('/usr/bin/damaged'), [stdlibPurl(version)]);
    assert.ok(deps('/usr/bin/intact').length > 1 && deps('/usr/bin/intact').includes(stdlibPurl(version)));
  } finally {
    await close();
  }
});

test.run();
