// The on-disk index cache: a warm lookup (from the cache file) gives exactly
// the cold one's answer, every field, over every fixture and a large sample
// of the Go docker CLI; damaged, truncated and foreign cache files are
// ignored and rewritten; a binary changed at the same path never uses the
// old index; the store evicts the least recently used files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '@elfkit/dwarf';
import { ElfFile } from '@elfkit/elf';
import { fixturePath, fixtures, skip } from '@elfkit/fixtures';
import { Symbolizer, type CodeAnswer, type Module } from '@elfkit/symbolize';
import { nodeHost, nodeIndexCache } from '@elfkit/symbolize/node';

const dir = mkdtempSync(join(tmpdir(), 'elfkit-index-cache-'));
const cacheDir = join(dir, 'cache');
const DOCKER = '/usr/local/bin/docker';

function symbolizer(cache: boolean, cacheAt = cacheDir): Symbolizer {
  return new Symbolizer(nodeHost({ indexCache: cache ? nodeIndexCache({ dir: cacheAt }) : undefined }));
}

/** Every field of an answer (the lazily read symbol too), with bigints spelled out. */
function plain(a: CodeAnswer): string {
  return JSON.stringify({ ...a, symbol: a.found ? a.symbol : undefined }, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
}

/** Line-row addresses of `m`'s DWARF, each with the address after it, and every function symbol's start and middle. */
async function sample(m: Module, limit = Infinity): Promise<bigint[]> {
  const out = new Set<bigint>();
  const d = await m.dwarf();
  if (d) {
    for (const unit of d.dwarf.units(() => {})) {
      let p;
      try {
        p = unit.lineProgram();
      } catch {
        continue;
      }
      if (!p) continue;
      const c = p.cursor();
      try {
        while (c.next() && out.size < limit) {
          const a = c.address >= 0 ? BigInt(c.address) : c.bigAddress;
          if (a === undefined) continue;
          out.add(a);
          out.add(a + 1n);
        }
      } catch {
        // a damaged program: its rows so far
      }
    }
  }
  const elf = m.elf;
  if (elf) {
    for (const t of elf.symbolTables('symtab')) {
      for (const s of elf.symbolTable(t)) {
        if (s.type !== 2 || s.value === 0n) continue;
        out.add(s.value);
        out.add(s.value + s.size / 2n);
      }
    }
  }
  return [...out];
}

/** Answers of a cold symbolizer (no cache) and of a warm one (cache filled first) for `path`. */
async function coldAndWarm(path: string, limit?: number): Promise<{ cold: string[]; warm: string[]; state: string } | undefined> {
  const cold = symbolizer(false);
  const cm = await cold.module(path);
  if (cm.broken) return undefined;
  const addresses = await sample(cm, limit);
  const coldAnswers: string[] = [];
  for (const a of addresses) coldAnswers.push(plain(await cold.code(cm, a)));
  cold.close();
  const filler = symbolizer(true);
  const fm = await filler.module(path);
  await fm.saveIndex();
  filler.close();
  const warm = symbolizer(true);
  const wm = await warm.module(path);
  await wm.load();
  const warmAnswers: string[] = [];
  for (const a of addresses) warmAnswers.push(plain(await warm.code(wm, a)));
  const state = wm.indexCacheState;
  warm.close();
  return { cold: coldAnswers, warm: warmAnswers, state };
}

function assertSame(name: string, r: { cold: string[]; warm: string[] }): void {
  let differ = 0;
  let first = '';
  for (let i = 0; i < r.cold.length; i++) {
    if (r.cold[i] !== r.warm[i]) {
      if (!differ) first = `cold ${r.cold[i]}\nwarm ${r.warm[i]}`;
      differ++;
    }
  }
  assert.is(differ, 0, `${name}: ${differ} of ${r.cold.length} answers differ; first:\n${first}`);
}

test('warm answers equal cold answers over every fixture with DWARF (every field, inline chains)', async () => {
  let compared = 0;
  let cached = 0;
  for (const f of fixtures()) {
    if (f.kind === 'dwo' || f.kind === 'dwp' || f.lang === 'asm') continue;
    let path;
    try {
      path = fixturePath(f);
    } catch {
      continue;
    }
    const r = await coldAndWarm(path, 12_000);
    if (!r) continue;
    assertSame(f.name, r);
    compared += r.cold.length;
    if (r.state === 'hit') cached++;
  }
  console.log(`  index cache: ${compared} addresses compared over the fixtures, ${cached} modules answered from the cache`);
  assert.ok(cached >= 10, `only ${cached} fixtures were cached`);
  assert.ok(compared >= 100_000, `only ${compared} addresses`);
});

test('warm answers equal cold answers over 40,000 addresses of the Go docker CLI (Go and C DWARF, pclntab and symtab fallbacks)', async () => {
  if (!existsSync(DOCKER)) return skip('docker sample', `${DOCKER} (the Go docker CLI) is not on this machine`);
  // Line rows and symbols, and addresses spread evenly over the text (padding, C start-up code, pclntab-only parts).
  const r = await coldAndWarm(DOCKER, 30_000);
  assert.ok(r);
  assert.is(r!.state, 'hit');
  assertSame('docker', r!);
  const elf = ElfFile.parse(new Uint8Array(readFileSync(DOCKER)));
  const text = elf.sections.find((s) => s.name === '.text')!;
  const spread: bigint[] = [];
  for (let k = 0n; k < 10_000n; k++) spread.push(text.addr + (BigInt(text.size) * k) / 10_000n + (k % 7n));
  const cold = symbolizer(false);
  const warm = symbolizer(true);
  const cm = await cold.module(DOCKER);
  const wm = await warm.module(DOCKER);
  const sources = new Set<string>();
  const rr = { cold: [] as string[], warm: [] as string[] };
  for (const a of spread) {
    const c = await cold.code(cm, a);
    if (c.found) sources.add(c.source);
    rr.cold.push(plain(c));
    rr.warm.push(plain(await warm.code(wm, a)));
  }
  assert.is(wm.indexCacheState, 'hit');
  assertSame('docker spread', rr);
  // (the pclntab answers no address here: the DWARF covers all of Go's text; it is never cached, see the Go fixtures above)
  assert.ok(sources.has('dwarf') && sources.has('symtab'), `sources seen: ${[...sources]}`);
  cold.close();
  warm.close();
});

/** A fixture copied to `name` in the temporary folder (so its mtime and bytes can be changed). */
function copy(fixture: string, name: string): string {
  const p = join(dir, name);
  copyFileSync(fixturePath(fixture), p);
  return p;
}

/** The one cache file of `cacheAt` for the module. */
function cacheFileOf(cacheAt: string, m: Module): string {
  const files = readdirSync(join(cacheAt, 'index')).filter((n) => n.startsWith(m.buildId!) && n.endsWith('.idx'));
  assert.is(files.length, 1, `cache files: ${files}`);
  return join(cacheAt, 'index', files[0]!);
}

const DAMAGES: [string, (b: Buffer) => Buffer][] = [
  ['a flipped byte in a column', (b) => {
    const c = Buffer.from(b);
    c[c.length - 100]! ^= 0x40;
    return c;
  }],
  ['truncated to half', (b) => b.subarray(0, b.length >> 1)],
  ['truncated to 10 bytes', (b) => b.subarray(0, 10)],
  ['an empty file', () => Buffer.alloc(0)],
  ['garbage', () => Buffer.from('not an index '.repeat(100))],
  ['another format version', (b) => {
    const c = Buffer.from(b);
    c.writeUInt32LE(999, 8);
    return c;
  }],
];

test('a damaged, truncated or foreign cache file is ignored (cold answers) and rewritten', async () => {
  const at = join(dir, 'damage');
  const path = copy('c/gcc-O2', 'damaged-target');
  const ref = symbolizer(false);
  const rm = await ref.module(path);
  const addresses = await sample(rm);
  const expected = await Promise.all(addresses.map(async (a) => plain(await ref.code(rm, a))));
  const fill = symbolizer(true, at);
  const fm = await fill.module(path);
  assert.ok(await fm.saveIndex());
  const file = cacheFileOf(at, fm);
  const good = readFileSync(file);
  // Foreign: another binary's (valid) cache file under this one's name.
  const other = symbolizer(true, join(dir, 'other'));
  const om = await other.module(fixturePath('c/gcc-dwarf4'));
  assert.ok(await om.saveIndex());
  const foreign = readFileSync(cacheFileOf(join(dir, 'other'), om));
  for (const [what, damage] of [...DAMAGES, ['a valid file made for another binary', () => foreign] as [string, (b: Buffer) => Buffer]]) {
    writeFileSync(file, damage(good));
    const s = symbolizer(true, at);
    const m = await s.module(path);
    await m.load();
    assert.is(m.indexCacheState, 'miss', what);
    const got = await Promise.all(addresses.map(async (a) => plain(await s.code(m, a))));
    assert.equal(got, expected, what);
    assert.ok(await m.saveIndex(), `${what}: rewritten`);
    assert.equal(readFileSync(file), good, `${what}: the rewritten file is the good one`);
    s.close();
  }
});

/** The manifest of cache file `b`, where column `n` starts, and a copy of `b` with its checksum made right after `edit`. */
function edited(b: Buffer, edit: (manifest: any, columnAt: (n: number) => number, bytes: Buffer) => unknown): Buffer {
  const c = Buffer.from(b);
  const json = c.readUInt32LE(16);
  const manifest = JSON.parse(c.subarray(24, 24 + json).toString());
  const base = (24 + json + 7) & ~7;
  const replaced = edit(manifest, (n) => base + manifest.columns[n * 3 + 1], c);
  let out = c;
  if (typeof replaced === 'string') {
    // A new manifest of the same length (padded with spaces), so the columns stay where they are.
    assert.ok(replaced.length <= json, 'the edited manifest fits');
    out = Buffer.concat([c.subarray(0, 24), Buffer.from(replaced.padEnd(json)), c.subarray(24 + json)]);
  }
  out.writeUInt32LE(crc32(out.subarray(16)) >>> 0, 12);
  return out;
}

/** Damage behind a good checksum: what an edited file, or a faulty writer, leaves (each must not hang, crash or answer wrongly). */
const DEEP_DAMAGES: [string, (b: Buffer) => Buffer][] = [
  ['an inlined call whose first child points back at its parent (a loop)', (b) =>
    edited(b, (m, at, c) => {
      for (const u of m.units) {
        const first = at(u.f[10]);
        const count = m.columns[u.f[10] * 3 + 2];
        for (let i = 0; i < count; i++) {
          const child = c.readInt32LE(first + i * 4);
          if (child < 0) continue;
          c.writeInt32LE(i, first + child * 4); // firstChild[child] = its parent
          return;
        }
      }
      assert.unreachable('no unit with an inlined call');
    })],
  ['a function whose parent comes after it', (b) =>
    edited(b, (m, at, c) => {
      const u = m.units.find((x: any) => m.columns[x.f[2] * 3 + 2] > 1);
      c.writeInt32LE(1, at(u.f[2]));
    })],
  ['a low PC that is not a whole address', (b) =>
    edited(b, (m, at, c) => {
      for (const u of m.units) if (m.columns[u.f[8] * 3 + 2] > 0) c.writeDoubleLE(4096.5, at(u.f[8]));
    })],
  ['a sequence whose rows run past the unit\'s rows', (b) =>
    edited(b, (m, at, c) => {
      for (const u of m.units) if (u.l && m.columns[u.l.c[8] * 3 + 2] > 0) c.writeUInt32LE(0xfffffff, at(u.l.c[8]));
    })],
  ['a symbol naming an entry beyond its table', (b) =>
    edited(b, (m, at, c) => {
      c.writeInt32LE(0x7fffffff, at(m.symbols[2]));
    })],
  ['a manifest of another shape (a unit without its columns)', (b) =>
    edited(b, (m) => {
      delete m.units[0].f;
      return JSON.stringify(m);
    })],
];

test('a cache file damaged behind a good checksum answers from the DWARF, as cold, and is rewritten', async () => {
  const at = join(dir, 'deep-damage');
  const path = copy('c/gcc-O2', 'deep-damaged-target');
  const ref = symbolizer(false);
  const rm = await ref.module(path);
  const addresses = await sample(rm);
  const expected: string[] = [];
  for (const a of addresses) expected.push(plain(await ref.code(rm, a)));
  const fill = symbolizer(true, at);
  const fm = await fill.module(path);
  assert.ok(await fm.saveIndex());
  const file = cacheFileOf(at, fm);
  const good = readFileSync(file);
  for (const [what, damage] of DEEP_DAMAGES) {
    writeFileSync(file, damage(good));
    const s = symbolizer(true, at);
    const m = await s.module(path);
    await m.load();
    const got: string[] = [];
    for (const a of addresses) got.push(plain(await s.code(m, a)));
    assert.equal(got, expected, what);
    assert.is(m.indexCacheState, 'miss', `${what}: no longer used`);
    assert.ok(await m.saveIndex(), `${what}: rewritten`);
    assert.equal(readFileSync(file), good, `${what}: the rewritten file is the good one`);
    s.close();
  }
});

test('a binary changed at the same path (same build id and size, new mtime) does not use the old index', async () => {
  const at = join(dir, 'changed');
  const path = copy('c/gcc-O2', 'changed-target');
  const s1 = symbolizer(true, at);
  const m1 = await s1.module(path);
  assert.ok(await m1.saveIndex());
  const addresses = await sample(m1);
  s1.close();
  // Rename a function in place: a DWARF string changes, the build id and the size do not.
  const bytes = readFileSync(path);
  const elf = ElfFile.parse(new Uint8Array(bytes));
  const str = elf.sections.find((s) => s.name === '.debug_str');
  if (!str) return skip('changed binary', 'no .debug_str in c/gcc-O2');
  const at0 = Number(str.offset);
  const text = bytes.subarray(at0, at0 + Number(str.size)).toString('latin1');
  const i = text.indexOf('\0main\0');
  assert.ok(i >= 0, 'main in .debug_str');
  bytes.write('maim', at0 + i + 1, 'latin1');
  writeFileSync(path, bytes);
  const later = new Date(statSync(path).mtimeMs + 5000);
  utimesSync(path, later, later);
  const s2 = symbolizer(true, at);
  const m2 = await s2.module(path);
  await m2.load();
  assert.is(m2.indexCacheState, 'miss');
  const cold = symbolizer(false);
  const cm = await cold.module(path);
  let renamed = 0;
  for (const a of addresses) {
    const w = await s2.code(m2, a);
    assert.is(plain(w), plain(await cold.code(cm, a)));
    if (w.found && w.frames.some((f) => f.shortName === 'maim')) renamed++;
  }
  assert.ok(renamed > 0, 'answers come from the changed binary');
});

test('a file without a build id is not cached', async () => {
  const f = fixtures().find((x) => (x.kind === 'exec' || x.kind === 'dyn') && x.lang === 'c' && x.dwarf !== null && !ElfFile.parse(new Uint8Array(readFileSync(fixturePath(x)))).buildId());
  if (!f) return skip('no build id', 'every C fixture has a build id');
  const s = symbolizer(true, join(dir, 'no-id'));
  const m = await s.module(fixturePath(f));
  await m.load();
  assert.is(m.indexCacheState, 'off');
  assert.is(await m.saveIndex(), false);
});

test('the store keeps at most maxBytes, dropping the least recently used files', () => {
  const at = join(dir, 'evict');
  const store = nodeIndexCache({ dir: at, maxBytes: 2500 })!;
  const kb = new Uint8Array(1000);
  store.put('a', kb);
  store.put('b', kb);
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(at, 'index', 'a.idx'), old, old);
  utimesSync(join(at, 'index', 'b.idx'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
  assert.ok(store.get('a')); // used now: b is the oldest
  store.put('c', kb);
  assert.equal(readdirSync(join(at, 'index')).sort(), ['a.idx', 'c.idx']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
