// The runtime layout cache of `go goroutines` / `go threads`: a first run
// reads the executable's DWARF and keeps the layout in the index cache
// folder; a later run of the same executable takes it from there and prints
// byte for byte the same. A damaged or foreign entry is ignored (the DWARF
// is read again and the entry rewritten); ELFKIT_INDEX_CACHE=0 neither
// reads nor writes; a rebuilt executable (another size or mtime) misses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skip } from '@elfkit/fixtures';
import { elfkit } from './cli.js';
import { goBuild, goCrash, type GoCrash } from './go-crash.js';
import { scratch } from './support.js';

const work = scratch('elfkit-layout-cache-');

function crash(): GoCrash | undefined {
  const b = goBuild('1.27');
  if (typeof b === 'string') return void skip('layout cache', b);
  const c = goCrash(b);
  if (typeof c === 'string') return void skip('layout cache', c);
  return c;
}

/** A fresh cache folder and an environment that uses it (the cache on). */
function cacheFolder(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = scratch('elfkit-layout-cache-dir-');
  const env: NodeJS.ProcessEnv = { ...process.env, ELFKIT_CACHE_DIR: dir };
  delete env.ELFKIT_INDEX_CACHE;
  return { dir, env };
}

const entries = (dir: string) => readdirSync(join(dir, 'index')).filter((n) => n.startsWith('golayout-'));

test('a second run takes the layout from the cache and prints the same; a damaged entry is ignored and rewritten', () => {
  const c = crash();
  if (!c) return;
  const { dir, env } = cacheFolder();
  const off = elfkit(['go', 'goroutines', c.core, '--exe', c.exe], { env: { ...env, ELFKIT_INDEX_CACHE: '0' } });
  assert.is(off.status, 0, off.stderr);
  assert.equal(readdirSync(dir).filter((n) => n === 'index'), [], 'ELFKIT_INDEX_CACHE=0 writes nothing');
  for (const cmd of [['go', 'goroutines', c.core, '--exe', c.exe], ['go', 'goroutines', '--json', c.core, '--exe', c.exe], ['go', 'threads', '--stacks', c.core, '--exe', c.exe]]) {
    const cold = elfkit(cmd, { env: { ...env, ELFKIT_INDEX_CACHE: '0' } });
    assert.is(cold.status, 0, cold.stderr);
    const first = elfkit(cmd, { env });
    const second = elfkit(cmd, { env });
    assert.is(first.stdout, cold.stdout, `${cmd.join(' ')}: first run`);
    assert.is(second.stdout, cold.stdout, `${cmd.join(' ')}: from the cache`);
    assert.is(second.stderr, cold.stderr);
  }
  const [name] = entries(dir);
  assert.ok(name, 'an entry was written');
  const file = join(dir, 'index', name!);
  const good = readFileSync(file, 'utf8');
  assert.match(good, /"allgs":\{"address":"\d+n"/);
  for (const damaged of [good.slice(0, good.length >> 1), good.replace('"stackLo":{"offset":0', '"stackLo":{"offset":"x"'), good.replace('"stackLo":{"offset":0', '"stackLo":{"offset":0.5'), good.replace('"stackLo":{"offset":0', '"stackLo":{"offset":-8'), JSON.stringify({ ...JSON.parse(good), key: 'other' }), '']) {
    writeFileSync(file, damaged);
    const r = elfkit(['go', 'goroutines', c.core, '--exe', c.exe], { env });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, off.stdout, 'a damaged entry: the DWARF is read');
    assert.is(readFileSync(file, 'utf8'), good, 'and the entry rewritten');
  }
});

test('another version of the executable (other mtime) misses the entry', () => {
  const c = crash();
  if (!c) return;
  const { dir, env } = cacheFolder();
  const exe = join(work, 'prog');
  copyFileSync(c.exe, exe);
  const a = elfkit(['go', 'goroutines', c.core, '--exe', exe], { env });
  assert.is(a.status, 0, a.stderr);
  const before = readFileSync(join(dir, 'index', entries(dir)[0]!), 'utf8');
  utimesSync(exe, 946684800, 946684800);
  const b = elfkit(['go', 'goroutines', c.core, '--exe', exe], { env });
  assert.is(b.stdout, a.stdout);
  const after = readFileSync(join(dir, 'index', entries(dir)[0]!), 'utf8');
  assert.is.not(after, before, 'rewritten under the new key');
  assert.match(after, /946684800000/);
});

test.run();
