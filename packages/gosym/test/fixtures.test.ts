// The Go fixtures (Go 1.19–1.27; amd64, 386, arm, arm64, s390x, ppc64,
// mips; -s -w, PIE, cgo, VCS-stamped) and the esbuild binaries from npm
// (every pclntab magic): formats, build info, build IDs, inline frames,
// and the same answers once the section headers are gone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureBytes, fixtures, fixturesDir, skip } from '@elfkit/fixtures';
import { inspectGo, openGoSymbols, readBuildInfo, readGoBuildId, type GoImage, type PcLnTable } from '../dist/index.js';
import { elfImage, withoutSections } from './elf-image.js';
import { esbuildBinaries } from './tools.js';

const goFixtures = fixtures().filter((f) => f.lang === 'go');

/** A digest of what a pclntab answers: every function and lookups at sampled PCs. */
function digest(image: GoImage): string[] {
  const s = openGoSymbols(image);
  if (!s) return ['no pclntab'];
  const t = s.table;
  const out = [`${t.format} ${t.funcCount} text 0x${t.textStart.toString(16)}`];
  for (let i = 0; i < t.funcCount; i += 7) {
    const f = t.func(i);
    const mid = f.entry + (f.end - f.entry) / 2n;
    const fr = t.frames(mid).map((x) => `${x.function}@${x.line}`);
    out.push(`${f.name} ${f.entry.toString(16)} ${f.file}:${f.entryLine} ${fr.join('<')}`);
  }
  return out;
}

test('Go fixtures: pclntab format, pointer size and byte order per Go release and arch', () => {
  assert.ok(goFixtures.length >= 20, 'the manifest lists the Go fixtures');
  for (const f of goFixtures) {
    const { image } = elfImage(fixtureBytes(f));
    const g = inspectGo(image);
    assert.is(g.kind, 'go', f.name);
    assert.equal(g.errors, [], f.name);
    const t = g.symbols!.table;
    assert.is(t.format, f.go!.startsWith('go1.19') ? '1.18' : '1.20', f.name);
    assert.is(t.header.ptrSize, f.class / 8, f.name);
    assert.is(t.header.order, f.endian, f.name);
    assert.is(g.buildInfo!.goVersion, f.go, f.name);
    assert.match(g.buildId ?? '', /^[\w-]{20}\/[\w-]{20}\/[\w-]{20}\/[\w-]{20}$/, f.name);
    assert.ok([...t.funcs()].some((x) => x.name === 'main.main'), f.name);
    // Go 1.26+ keeps go:func.* (inline trees) inside the pclntab.
    assert.ok(g.symbols!.gofuncSource, `${f.name}: go:func.* located`);
  }
});

test('inline frames equal the fixture’s own runtime.CallersFrames output', () => {
  let checked = 0;
  for (const f of goFixtures) {
    const expected = join(fixturesDir, 'expected', 'go', `${f.name.slice(3)}.frames`);
    if (!existsSync(expected)) continue;
    const lines = readFileSync(expected, 'utf8').trim().split('\n');
    const raw = lines[0]!.split('\t')[1]!.split(' ').map((x) => BigInt(x));
    const bytes = fixtureBytes(f);
    for (const variant of [bytes, withoutSections(bytes)]) {
      const { elf, image } = elfImage(variant);
      // PIE frames were recorded with ASLR off: the kernel's load bias.
      const bias = elf.header.type === 3 ? 0x555555554000n - elf.segments.find((p) => p.type === 1)!.vaddr : 0n;
      const t = openGoSymbols(image)!.table;
      const got: string[] = [];
      for (let i = 0; i < raw.length; ) {
        // Callers' PCs are return addresses: the call is at pc-1, and one
        // physical PC stands for all its inlined frames.
        const frames = t.frames(raw[i]! - 1n - bias);
        for (const fr of frames) got.push(`0x${(fr.pc + bias).toString(16)}\t${fr.function}\t${fr.file}\t${fr.line}`);
        i += frames.length;
      }
      assert.equal(got, lines.slice(1), f.name);
      checked++;
    }
  }
  assert.ok(checked >= 10);
  console.log(`inline frames: ${checked} fixture variants match runtime.CallersFrames`);
});

test('section headers removed (e_shoff/e_shnum/e_shstrndx zeroed): same functions, lines, frames, build info and build ID', () => {
  for (const f of goFixtures) {
    const bytes = fixtureBytes(f);
    const whole = elfImage(bytes).image;
    const bare = elfImage(withoutSections(bytes));
    assert.is(bare.elf.sections.length, 0);
    const s = openGoSymbols(bare.image)!;
    assert.is(s.location.source, 'scan', f.name);
    assert.ok(s.moduledata, `${f.name}: moduledata found by a pointer scan`);
    assert.is(s.textStartSource, 'moduledata', f.name);
    assert.equal(digest(bare.image), digest(whole), f.name);
    assert.equal(readBuildInfo(bare.image), readBuildInfo(whole), f.name);
    assert.is(readGoBuildId(bare.image), readGoBuildId(whole), f.name);
  }
});

test('Go 1.26+ without moduledata or symbols: go:func.* is found inside the pclntab after the records', () => {
  for (const name of ['go/go1.27-amd64', 'go/go1.26-amd64', 'go/go1.27-s390x', 'go/go1.27-arm']) {
    const { image } = elfImage(fixtureBytes(name));
    const hidden: GoImage = {
      ...image,
      section: (n) => (n === '.go.module' ? undefined : image.section(n)),
      symbol: (n) => (n === 'runtime.firstmoduledata' || n.startsWith('go:func') ? undefined : image.symbol(n)),
      // Writable segments read as zeros: no pointer scan can find the moduledata.
      segments: image.segments.map((p) => (p.writable ? { ...p, data: () => new Uint8Array(p.fileSize) } : p)),
    };
    const s = openGoSymbols(hidden)!;
    assert.is(s.moduledata, undefined, name);
    assert.is(s.gofuncSource, 'pclntab', name);
    assert.is(s.table.gofunc, openGoSymbols(image)!.table.gofunc, name);
    assert.equal(digest(hidden), digest(image), name);
  }
});

test('esbuild from npm: every pclntab magic, 386/arm64/s390x, with and without section headers', async () => {
  const bins = await esbuildBinaries();
  if (typeof bins === 'string') return skip('esbuild binaries', bins);
  const magics = new Set<string>();
  for (const b of bins) {
    const bytes = new Uint8Array(readFileSync(b.path));
    const { image } = elfImage(bytes);
    const g = inspectGo(image);
    assert.is(g.kind, 'go', b.name);
    const t = g.symbols!.table;
    assert.is('0x' + t.header.magic.toString(16), b.magic, b.name);
    magics.add(b.magic);
    if (b.notes?.includes('no .go.buildinfo')) assert.is(g.buildInfo, undefined, b.name);
    else assert.is(g.buildInfo!.goVersion, b.goVersion, b.name);
    assert.ok([...t.funcs()].some((x) => x.name === 'main.main'), b.name);
    // Inline trees of every era: 1.12–1.15 and 1.16–1.17 funcdata pointers, go:func.* offsets after.
    let inlined = 0;
    for (let i = 0; i < t.funcCount && inlined < 50; i += 3) {
      const frames = t.frames(t.func(i).entry + (t.func(i).end - t.func(i).entry) / 3n);
      if (frames.length > 1) inlined++;
      for (const f of frames) assert.ok(f.function.length > 0 && !f.function.includes('\0'), b.name);
    }
    assert.ok(inlined >= 50, `${b.name}: inlined frames found (${inlined})`);
    assert.equal(digest(elfImage(withoutSections(bytes)).image), digest(image), `${b.name} without sections`);
  }
  assert.equal([...magics].sort(), ['0xfffffff0', '0xfffffff1', '0xfffffffa', '0xfffffffb']);
});

/** Checks funcIndexAt against walks of entryOf at every entry, the PC before it and the ends of the table. */
function checkFuncIndexAt(t: PcLnTable, name: string): void {
  const n = t.funcCount;
  assert.ok(n > 0, name);
  assert.is(t.funcIndexAt(t.entryOf(0) - 1), -1, name);
  assert.is(t.funcIndexAt(t.entryOf(n)), -1, name);
  for (let i = 0; i < n; i++) {
    const e = t.entryOf(i);
    // The last function entered at or before e (functions may share an entry).
    let j = i;
    while (j + 1 < n && t.entryOf(j + 1) <= e) j++;
    assert.is(t.funcIndexAt(e), j, name);
    let k = i - 1;
    while (k >= 0 && t.entryOf(k) > e - 1) k--;
    assert.is(t.funcIndexAt(e - 1), k, name);
  }
}

test('funcIndexAt: the function at every entry and the PC before it, every pclntab format', async () => {
  for (const f of goFixtures) checkFuncIndexAt(inspectGo(elfImage(fixtureBytes(f)).image).symbols!.table, f.name);
  const bins = await esbuildBinaries();
  if (typeof bins === 'string') return skip('esbuild binaries', bins);
  for (const b of bins) checkFuncIndexAt(inspectGo(elfImage(new Uint8Array(readFileSync(b.path))).image).symbols!.table, b.name);
});

test('line → PCs: every range maps back to its file and line, and covers the rows of that line', () => {
  for (const name of ['go/go1.27-arm64', 'go/go1.19-mips']) {
    const t = openGoSymbols(elfImage(fixtureBytes(name)).image)!.table;
    const rows: [number, string, number][] = [];
    t.walkLines((pc, file, line, end) => {
      if (!end) rows.push([pc, file, line]);
    });
    for (let k = 0; k < rows.length; k += Math.floor(rows.length / 25)) {
      const [pc, file, line] = rows[k]!;
      const ranges = t.lineToPCs(file, line);
      assert.ok(ranges.some((r) => BigInt(pc) >= r.start && BigInt(pc) < r.end), `${name} ${file}:${line} covers 0x${pc.toString(16)}`);
      for (const r of ranges) {
        const l = t.lookup(r.start)!;
        assert.equal([l.file, l.line, l.func.index], [file, line, r.func.index]);
        const last = t.lookup(r.end - 1n)!;
        assert.equal([last.file, last.line], [file, line]);
      }
    }
  }
});

test('non-Go ELF files are told apart from Go ones', () => {
  for (const f of fixtures().filter((x) => x.lang === 'c' && x.kind !== 'dwo').slice(0, 6)) {
    const g = inspectGo(elfImage(fixtureBytes(f)).image);
    assert.is(g.kind, 'not-go', f.name);
    assert.equal(g.errors, [], f.name);
    // Without section headers every segment is scanned, and still nothing is found.
    const bare = inspectGo(elfImage(withoutSections(fixtureBytes(f))).image);
    assert.is(bare.kind, 'not-go', `${f.name} without sections`);
  }
});

test('with section headers and nothing Go-like, no segment scan (cheap for large non-Go binaries); scan: always still looks', () => {
  const { image } = elfImage(fixtureBytes('c/gcc-static'));
  const reads: bigint[] = [];
  const counting = { ...image, segments: image.segments.map((p) => ({ ...p, data: () => (reads.push(p.address), p.data()) })) };
  assert.is(openGoSymbols(counting), undefined);
  assert.equal(reads, []);
  assert.is(openGoSymbols(counting, { scan: 'always' }), undefined);
  assert.ok(reads.length > 0);
});

test.run();
