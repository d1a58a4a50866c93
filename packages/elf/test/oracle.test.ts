/**
 * Oracle test: for every fixture, and the esbuild Go binaries from npm, what
 * elfkit reads equals what GNU readelf -W reports (see oracle.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { esbuildFixtures, fixturePath, fixtures, skip, type EsbuildFixture } from '@elfkit/fixtures';
import { checkAgainstReadelf, counts } from './oracle.js';
import { READELF } from './readelf.js';

if (!READELF) {
  skip('ELF oracle tests', 'readelf not found on PATH');
} else {
  for (const fx of fixtures()) {
    test(`readelf agrees on ${fx.name}`, () => checkAgainstReadelf(fx.name, fixturePath(fx)));
  }
  let esbuild: EsbuildFixture[] = [];
  try {
    esbuild = await esbuildFixtures();
  } catch (e) {
    skip('readelf oracle on esbuild binaries', `could not fetch them from npm: ${(e as Error).message.split('\n')[0]}`);
  }
  for (const e of esbuild) {
    test(`readelf agrees on npm ${e.name} (${e.goVersion}, ${e.arch})`, () => checkAgainstReadelf(e.name, e.path));
  }
  test('oracle summary', () => {
    process.stdout.write(
      `\nreadelf oracle: ${counts.files} files; ${counts.sections} sections, ${counts.segments} segments, ${counts.mappings} segment mappings, ` +
        `${counts.symbols} symbols, ${counts.notes} notes, ${counts.dynamic} dynamic entries, ${counts.relocations} relocations compared\n`,
    );
    assert.ok(counts.files > 0);
  });
}

test.run();
