/**
 * The parser packages run in browsers and workers: their sources import
 * nothing from Node and touch no Node globals; only the CLI does I/O.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@elfkit/fixtures';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

for (const pkg of ['binary', 'elf', 'dwarf', 'gosym', 'symbolize', 'size', 'unwind', 'core']) {
  test(`@elfkit/${pkg} uses no Node module or global`, () => {
    // A composition package keeps its Node host in src/node (the `./node` entry).
    for (const file of sources(join(repoRoot, 'packages', pkg, 'src')).filter((f) => !/[\\/]src[\\/]node[\\/]/.test(f))) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const rel = file.slice(repoRoot.length + 1);
      assert.not.match(text, /from\s+['"]node:|from\s+['"](fs|path|zlib|os|child_process|crypto)['"]/, `${rel} imports a Node module`);
      assert.not.match(text, /\brequire\(/, `${rel} calls require`);
      assert.not.match(text, /\bprocess\.|\bBuffer\.|\bnew Buffer\b|\b__dirname\b/, `${rel} uses a Node global`);
    }
  });
}

test.run();
