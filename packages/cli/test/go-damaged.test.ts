// Print what can be read, for `elfkit go …`: on a Go binary with one
// damaged part of its pclntab (one function's inline tree record — also the
// first of the table, which the layout check reads — its funcdata slot, its
// pcfile, pcln or pcsp table, its name, the file name table) or of its
// build info, every command prints every record that part
// does not hold — as from the intact file — says what it could not read,
// reports the damage once (section and offset) and exits 1. The parts are
// found through @elfkit/gosym's parse of the intact fixture, not at fixed
// offsets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile, constants as C } from '@elfkit/elf';
import { GoFunc, inlinedCallAt, openGoSymbols, readRawBuildInfo, type PcLnTable } from '@elfkit/gosym';
import { goImage } from '@elfkit/symbolize';
import { cacheDir, fixtureBytes, fixturePath, goRoot, run } from '@elfkit/fixtures';
import { elfkit, type CliResult } from './cli.js';
import { scratch } from './support.js';

const dir = scratch('elfkit-go-damaged-');
const NAME = 'go/go1.27-amd64';
let n = 0;

/** The intact fixture as the Go readers see it, and where its bytes are in the file. */
interface Parsed {
  readonly elf: ElfFile;
  readonly t: PcLnTable;
  /** File offset of a virtual address (through the PT_LOAD holding it). */
  at(address: bigint): number;
  /** File offset of a byte of the pclntab. */
  pcln(offset: number): number;
  /** Function `name`. */
  func(name: string): GoFunc;
}

function parse(name: string): Parsed {
  const elf = ElfFile.parse(fixtureBytes(name));
  const s = openGoSymbols(goImage(elf))!;
  const at = (a: bigint) => {
    const p = elf.segments.find((x) => x.type === C.PT_LOAD && a >= x.vaddr && a < x.vaddr + BigInt(x.filesz))!;
    return p.offset + Number(a - p.vaddr);
  };
  return {
    elf,
    t: s.table,
    at,
    pcln: (off) => at(s.location.address + BigInt(off)),
    func: (fn) => [...s.table.funcs()].find((f) => f.name === fn)!,
  };
}

const intactParse = parse(NAME);

/** A copy of the fixture with `patch` applied to its bytes. */
function damaged(patch: (b: Uint8Array, dv: DataView, p: Parsed) => void): string {
  const bytes = fixtureBytes(NAME).slice();
  patch(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), intactParse);
  const path = join(dir, `go-${n++}`);
  writeFileSync(path, bytes);
  return path;
}

/** Exit status 1 and exactly one line on stderr, matching `re`. */
function reportedOnce(r: CliResult, re: RegExp, what: string): void {
  assert.is(r.status, 1, `${what}: exit status (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, re, what);
  assert.not.match(r.stderr, /    at /, `${what}: no stack trace`);
}

const hex = (v: bigint | number) => '0x' + v.toString(16);

/** `elfkit <cmd…> <file> <args…> --json`: its run and the JSON it printed (it may exit 1). */
function json(cmd: string[], file: string, args: string[] = []) {
  const run = elfkit([...cmd, file, ...args, '--json']);
  return { run, doc: JSON.parse(run.stdout) };
}

/** The JSON of the same command on the intact fixture (exit status 0). */
function intact(cmd: string[], args: string[] = []) {
  const r = json(cmd, fixturePath(NAME), args);
  assert.is(r.run.status, 0, r.run.stderr);
  return r.doc;
}

/** Every PC of `f`, with the index of the inline tree record it is in (-1: the function's own code). */
function pcsOf(f: GoFunc): { pc: bigint; ix: number }[] {
  const out: { pc: bigint; ix: number }[] = [];
  for (let pc = f.entryPc; pc < f.endPc; pc++) out.push({ pc: BigInt(pc), ix: inlinedCallAt(f, pc).index });
  return out;
}

/** The text `go frames` prints for each PC, split into one block per PC. */
function textBlocks(stdout: string): string[] {
  return stdout.split(/(?=^0x)/m);
}

/** PCs in other functions, to show they print as before. */
function elsewhere(p: Parsed): bigint[] {
  return ['main.main', 'main.report', 'runtime.main', 'runtime.mallocgc'].map((name) => {
    const f = p.func(name);
    return f.entry + (f.end - f.entry) / 2n;
  });
}

test('go frames: a damaged inline tree record loses the frames of the PCs inlined through it; the function\'s other PCs and the other PCs print as before', () => {
  const p = intactParse;
  const f = p.func('main.captureFrames');
  const pcs = pcsOf(f);
  const k = pcs.find((x) => x.ix >= 0)!.ix;
  const tree = f.funcdata(3)!; // FUNCDATA_InlTree: 16-byte records (Go 1.20+)
  // Record k's call site (parentPc) far past the function's end.
  const bad = damaged((_b, dv) => dv.setInt32(p.at(tree + BigInt(16 * k) + 8n), 0x7fffffff, true));
  const asked = [...pcs.map((x) => x.pc), ...elsewhere(p)].map(hex);
  const good = intact(['go', 'frames'], asked);
  const r = json(['go', 'frames'], bad, asked);
  const where = new RegExp(`inline tree entry ${k} of main\\.captureFrames has a call site outside the function \\(at \\.gopclntab\\+${hex(f.offset)}\\)$`);
  reportedOnce(r.run, where, 'go frames --json');
  let lost = 0;
  for (let i = 0; i < asked.length; i++) {
    const got = r.doc.pcs[i];
    if (got.frames !== null) {
      assert.equal(got, good.pcs[i], `${asked[i]} as from the intact file`);
      continue;
    }
    lost++;
    assert.ok(i < pcs.length && pcs[i]!.ix >= 0, `${asked[i]}: only inlined code loses its frames`);
    assert.equal(got, { pc: asked[i], frames: null, function: 'main.captureFrames', entry: hex(f.entry), damage: got.damage });
    assert.match(got.damage, where);
  }
  assert.ok(lost > 0, 'the PCs of record k lose their frames');
  assert.ok(pcs.filter((x) => x.ix < 0).length > 0, "the function's own code is among the PCs that print as before");
  assert.ok(lost < pcs.length, `${pcs.length - lost} PCs of the function still print`);
  assert.is(r.doc.pcs.length, asked.length, 'every PC has its entry');

  const text = elfkit(['go', 'frames', bad, ...asked]);
  reportedOnce(text, where, 'go frames');
  const blocks = textBlocks(text.stdout);
  const goodBlocks = textBlocks(elfkit(['go', 'frames', fixturePath(NAME), ...asked]).stdout);
  assert.is(blocks.length, asked.length);
  for (let i = 0; i < asked.length; i++) {
    if (r.doc.pcs[i].frames === null) assert.match(blocks[i]!, new RegExp(`^${asked[i]}\\n  main\\.captureFrames \\(frames cannot be read: inline tree entry ${k} .*\\)\\n$`));
    else assert.is(blocks[i], goodBlocks[i]);
  }
});

test('go frames: a damaged funcdata slot (the inline tree\'s offset) loses the inlined PCs of that function only', () => {
  const p = intactParse;
  const f = p.func('main.captureFrames');
  const pcs = pcsOf(f);
  const k = pcs.find((x) => x.ix >= 0)!.ix;
  const slot = f.offset + GoFunc.fixedSize(p.t.header) + 4 * f.npcdata + 4 * 3;
  const bad = damaged((_b, dv) => dv.setUint32(p.pcln(slot), 0xfffffff0, true));
  // The PCs of one inline record (each record is one report) and the function's own code.
  const chosen = pcs.filter((x) => x.ix === k || x.ix < 0);
  const asked = [...chosen.map((x) => x.pc), ...elsewhere(p)].map(hex);
  const good = intact(['go', 'frames'], asked);
  const r = json(['go', 'frames'], bad, asked);
  reportedOnce(r.run, new RegExp(`inline tree entry ${k} of main\\.captureFrames is outside the image \\(at \\.gopclntab\\+${hex(f.offset)}\\)$`), 'go frames');
  for (let i = 0; i < asked.length; i++) {
    if (i < chosen.length && chosen[i]!.ix === k) assert.equal([r.doc.pcs[i].frames, r.doc.pcs[i].function], [null, 'main.captureFrames'], asked[i]);
    else assert.equal(r.doc.pcs[i], good.pcs[i], asked[i]);
  }
});

test('go frames: the first inline tree of the table damaged (the one the layout check reads first): inlining is still read for every other function, the damage reported', () => {
  const p = intactParse;
  const first = [...p.t.funcs()].find((f) => f.npcdata > 2 && f.pcdata(2) !== 0 && f.nfuncdata > 3 && f.funcdata(3) !== undefined)!;
  const bad = damaged((_b, dv) => dv.setInt32(p.at(first.funcdata(3)! + 8n), 0x7fffffff, true));
  const hit = pcsOf(first).find((x) => x.ix === 0)!.pc;
  const asked = [hit, ...pcsOf(p.func('main.captureFrames')).map((x) => x.pc), ...elsewhere(p)].map(hex);
  const r = json(['go', 'frames'], bad, asked);
  reportedOnce(r.run, new RegExp(`inline tree entry 0 of ${first.name.replace(/\./g, '\\.')} has a call site outside the function`), 'go frames');
  assert.is(r.doc.pcs[0].frames, null);
  const good = intact(['go', 'frames'], asked);
  assert.equal(r.doc.pcs.slice(1), good.pcs.slice(1), 'every other PC with its inlined frames');
  assert.ok(good.pcs.some((x: any) => x.frames.length > 2), 'inlined frames among them');
});

/** A function whose `field` table no other function shares (the linker shares equal tables). */
function ownTable(p: Parsed, field: 'pcfile' | 'pcln' | 'pcsp'): GoFunc {
  const users = new Map<number, number>();
  for (const f of p.t.funcs()) users.set(f[field], (users.get(f[field]) ?? 0) + 1);
  return ['main.write', 'main.report', 'main.captureFrames'].map((name) => p.func(name)).find((f) => users.get(f[field]) === 1)!;
}

type Row = { address: string; endSequence: boolean };

/** `rows` without those of function `f`: from its first row at its entry to its end_sequence row. */
function withoutRowsOf(rows: Row[], f: GoFunc): Row[] {
  const first = rows.findIndex((x) => BigInt(x.address) === f.entry && !x.endSequence);
  const last = rows.findIndex((x, i) => i > first && x.endSequence);
  assert.ok(first >= 0 && last > first, `rows of ${f.name}`);
  return [...rows.slice(0, first), ...rows.slice(last + 1)];
}

for (const field of ['pcfile', 'pcln', 'pcsp'] as const) {
  test(`go frames, funcs and lines with one function's ${field} table damaged: that function printed as far as it reads, every other as before, one report`, () => {
    const p = intactParse;
    const f = ownTable(p, field);
    assert.ok(f, `a function with a ${field} table of its own`);
    const table = p.t.header.pctab + f[field];
    // Six continuation bytes: a varint longer than Go writes.
    const bad = damaged((b) => b.fill(0xff, p.pcln(table), p.pcln(table) + 6));
    const where = new RegExp(`pcvalue varint is longer than 5 bytes \\(at \\.gopclntab\\+${hex(table)}\\)$`);

    // funcs: the function stays, with null where its table held the value.
    const funcs = json(['go', 'funcs'], bad);
    reportedOnce(funcs.run, where, 'go funcs --json');
    const goodFuncs = intact(['go', 'funcs']).funcs;
    assert.is(funcs.doc.funcs.length, goodFuncs.length, 'every function listed');
    const lostField = { pcfile: 'file', pcln: 'entryLine', pcsp: 'frameSize' }[field];
    for (let i = 0; i < goodFuncs.length; i++) {
      const want = i === f.index ? { ...goodFuncs[i], [lostField]: null } : goodFuncs[i];
      assert.equal(funcs.doc.funcs[i], want, goodFuncs[i].name);
    }
    const text = elfkit(['go', 'funcs', bad]);
    const goodText = elfkit(['go', 'funcs', fixturePath(NAME)]).stdout.split('\n');
    const lines = text.stdout.split('\n');
    assert.is(lines.length, goodText.length);
    const row = f.index + 1;
    if (field === 'pcln') {
      // The text prints the start line (Go 1.20+), not the entry line: nothing damaged is read.
      assert.is(text.status, 0, text.stderr);
      assert.is(text.stdout, goodText.join('\n'));
    } else {
      reportedOnce(text, where, 'go funcs');
      for (let i = 0; i < lines.length; i++) if (i !== row) assert.is(lines[i], goodText[i]);
      assert.match(lines[row]!, field === 'pcsp' ? new RegExp(`\\s\\?\\s+\\d+\\s+\\d+\\s+${f.name}\\s+\\S+\\.go$`) : new RegExp(`\\s${f.name}\\s+\\?$`), lines[row]);
    }

    // frames and lines read pcfile and pcln, not pcsp.
    const asked = [f.entry, f.entry + (f.end - f.entry) / 2n, ...elsewhere(p)].map(hex);
    const frames = json(['go', 'frames'], bad, asked);
    const goodFrames = intact(['go', 'frames'], asked);
    const rows = json(['go', 'lines'], bad);
    const goodRows = intact(['go', 'lines']) as Row[];
    if (field === 'pcsp') {
      assert.is(frames.run.status, 0, frames.run.stderr);
      assert.equal(frames.doc, { ...goodFrames, file: bad });
      assert.is(rows.run.status, 0, rows.run.stderr);
      assert.equal(rows.doc, goodRows);
      return;
    }
    reportedOnce(frames.run, where, 'go frames');
    for (let i = 0; i < asked.length; i++) {
      if (i < 2) assert.equal(frames.doc.pcs[i], { pc: asked[i], frames: null, function: f.name, entry: hex(f.entry), damage: frames.doc.pcs[i].damage }, asked[i]);
      else assert.equal(frames.doc.pcs[i], goodFrames.pcs[i], asked[i]);
    }
    reportedOnce(rows.run, where, 'go lines');
    const want = withoutRowsOf(goodRows, f);
    assert.ok(want.length < goodRows.length && want.length > goodRows.length - 200, `${goodRows.length - want.length} rows of ${f.name} left out`);
    assert.equal(rows.doc, want);
    // --cu asks each function's file at its entry: a function whose pcfile cannot be read is stepped over, not the walk ended.
    const cu = json(['go', 'lines'], bad, ['--cu', 'fixture/main.go']);
    const goodCu = intact(['go', 'lines'], ['--cu', 'fixture/main.go']) as typeof goodRows;
    reportedOnce(cu.run, where, 'go lines --cu');
    assert.ok(goodCu.length > 20);
    assert.equal(cu.doc, withoutRowsOf(goodCu, f));
  });
}

test('go funcs and frames with one function\'s name offset damaged: the function left out of funcs, its PCs named by entry only, one report', () => {
  const p = intactParse;
  const f = p.func('main.report');
  const bad = damaged((_b, dv) => dv.setUint32(p.pcln(f.offset + GoFunc.fieldOffset(p.t.header, 1)), 0x7ffffff0, true));
  const where = /function name offset 0x7ffffff0 is outside its table \(at \.gopclntab\+0x[0-9a-f]+\)$/;
  const funcs = json(['go', 'funcs'], bad);
  reportedOnce(funcs.run, where, 'go funcs');
  assert.equal(funcs.doc.funcs, intact(['go', 'funcs']).funcs.filter((x: any) => x.name !== 'main.report'));
  const asked = [f.entry, ...elsewhere(p).filter((pc) => pc < f.entry || pc >= f.end)].map(hex);
  const frames = json(['go', 'frames'], bad, asked);
  reportedOnce(frames.run, where, 'go frames');
  assert.equal(frames.doc.pcs[0], { pc: asked[0], frames: null, function: null, entry: hex(f.entry), damage: frames.doc.pcs[0].damage });
  assert.equal(frames.doc.pcs.slice(1), intact(['go', 'frames'], asked).pcs.slice(1));
  const text = elfkit(['go', 'frames', bad, asked[0]!]);
  assert.match(text.stdout, new RegExp(`^${asked[0]}\\n  \\?\\? \\(frames cannot be read: function name offset 0x7ffffff0 .*\\)\\n$`));
});

test('go files with the last file name unterminated: every other name listed, one report', () => {
  const p = intactParse;
  // The table ends in padding NULs: the last name's terminator and the padding become text.
  const [, end] = p.t.header.filetab;
  let nul = end - 1;
  while (p.t.data[nul - 1] === 0) nul--;
  const bad = damaged((b) => b.fill(0x78, p.pcln(nul), p.pcln(end)));
  const good = intact(['go', 'files']).files as string[];
  const r = json(['go', 'files'], bad);
  reportedOnce(r.run, /unterminated file name \(at \.gopclntab\+0x[0-9a-f]+\)$/, 'go files --json');
  assert.equal(r.doc.files, good.slice(0, -1));
  const text = elfkit(['go', 'files', bad]);
  reportedOnce(text, /unterminated file name/, 'go files');
  assert.is(text.stdout, good.slice(0, -1).map((x) => x + '\n').join(''));
});

test('go info with a damaged build info: the pclntab facts print, the damage reported once, exit status 1', () => {
  const p = intactParse;
  const raw = readRawBuildInfo(goImage(p.elf))!;
  // Go 1.18+ blobs: a 32-byte header, then the version's varint length: make it run past the section.
  const bad = damaged((b) => b.set([0xff, 0xff, 0xff, 0x7f], p.at(raw.address + 32n)));
  const r = json(['go', 'info'], bad);
  assert.is(r.run.status, 1);
  const lines = r.run.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.run.stderr);
  assert.match(lines[0]!, /\(at \.go\.buildinfo\+0x[0-9a-f]+\)$/);
  const good = intact(['go', 'info']);
  assert.is(r.doc.kind, 'go');
  assert.equal(r.doc.pclntab, good.pclntab);
  assert.is(r.doc.buildId, good.buildId);
  assert.is(r.doc.errors.length, 1);
  const text = elfkit(['go', 'info', bad]);
  assert.is(text.status, 1);
  assert.match(text.stdout, /^Functions:\s+\d+$/m);
  assert.match(text.stdout, /^Error:\s+.*\(at \.go\.buildinfo\+0x[0-9a-f]+\)$/m);
});

test('random bytes and runs of continuation bytes over the pcvalue tables: go funcs lists every function, go frames answers every PC, each damaged part one line with its offset', () => {
  const p = intactParse;
  const goodFuncs = intact(['go', 'funcs']).funcs;
  const asked = goodFuncs.filter((_: unknown, i: number) => i % 40 === 0).flatMap((f: any) => [f.entry, hex((BigInt(f.entry) + BigInt(f.end)) / 2n)]);
  const goodFrames = intact(['go', 'frames'], asked);
  // The pcvalue tables lie between pctab and the function table (Go 1.18+ layout).
  const { pctab, functab: end } = p.t.header;
  assert.ok(pctab < end);
  let seed = 4242;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  let damagedRuns = 0;
  let lostPcs = 0;
  let nulls = 0;
  for (let k = 0; k < 8; k++) {
    // Random bytes (mostly read as other values: undetectable) and runs of continuation bytes (varints too long: detected).
    const bad = damaged((b) => {
      for (let j = 0; j < 64; j++) b[p.pcln(pctab + rand(end - pctab))] = rand(256);
      for (let j = 0; j < 16; j++) {
        const at = p.pcln(pctab + rand(end - pctab - 8));
        b.fill(0xff, at, at + 8);
      }
    });
    const what = `sweep ${k}`;
    const reports = (r: CliResult) => {
      assert.ok(r.status === 0 || r.status === 1, `${what}: status ${r.status}`);
      assert.not.match(r.stderr, /    at |TypeError|RangeError/, what);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.is(lines.length > 0, r.status === 1, `${what}: a report exactly when the status is 1`);
      for (const l of lines) assert.match(l, /\(at \.gopclntab\+0x[0-9a-f]+\)$|more damaged parts$/, what);
    };
    const funcs = json(['go', 'funcs'], bad);
    reports(funcs.run);
    if (funcs.run.status) damagedRuns++;
    // Records and names are not in the pcvalue tables: every function, with what its record holds.
    assert.is(funcs.doc.funcs.length, goodFuncs.length, what);
    const record = (f: any) => ({ ...f, file: null, entryLine: null, frameSize: null });
    assert.equal(funcs.doc.funcs.map(record), goodFuncs.map(record), what);
    for (const f of funcs.doc.funcs) nulls += Number(f.frameSize === null) + Number(f.file === null && goodFuncs[f.index].file !== null);
    const frames = json(['go', 'frames'], bad, asked);
    reports(frames.run);
    if (frames.run.status) damagedRuns++;
    assert.is(frames.doc.pcs.length, asked.length, what);
    for (let i = 0; i < asked.length; i++) {
      const x = frames.doc.pcs[i];
      assert.is(x.pc, asked[i], what);
      if (x.frames === null) lostPcs++;
      if (x.frames === null) assert.equal([x.function, x.entry, typeof x.damage], [goodFrames.pcs[i].frames.at(-1).function, goodFrames.pcs[i].frames.at(-1).entry, 'string'], `${what} ${x.pc}`);
      else assert.ok(x.frames.length > 0, `${what} ${x.pc}`);
    }
  }
  assert.ok(damagedRuns > 0, 'some damage was met');
  console.log(`pcvalue sweep: ${damagedRuns} of 16 runs met damage; ${nulls} function fields and ${lostPcs} of ${8 * asked.length} PCs' frames unreadable, the rest printed`);
});

test('go buildinfo with the section header table past the end of the file: text and JSON still read the build info through the segments, reported once', () => {
  const bad = damaged((b, dv) => dv.setBigUint64(0x28, BigInt(b.length + 100), true));
  const where = /section header table \(\d+ entries of 64 bytes at 0x[0-9a-f]+\) extends past the end of the file/;
  const text = elfkit(['go', 'buildinfo', bad]);
  reportedOnce(text, where, 'go buildinfo');
  const good = elfkit(['go', 'buildinfo', fixturePath(NAME)]).stdout;
  assert.ok(good.split('\n').length > 5);
  assert.is(text.stdout, good.replace(fixturePath(NAME), bad));
  const j = json(['go', 'buildinfo'], bad);
  reportedOnce(j.run, where, 'go buildinfo --json');
  const whole = intact(['go', 'buildinfo']);
  assert.equal({ ...j.doc, file: null, blob: null }, { ...whole, file: null, blob: null });
  assert.equal(j.doc.blob, { ...whole.blob, source: 'segment' }, 'found at the same address, through the segments');
});

/** `go version -m` of Go 1.27 on `file`, when the toolchain is there. */
function goVersionM(file: string): { stdout: string; stderr: string } | undefined {
  const root = goRoot('1.27');
  if (!root) return undefined;
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', GOCACHE: join(cacheDir, 'go', 'build-cache') };
  const r = run(join(root, 'bin', 'go'), ['version', '-m', file], { env });
  return { stdout: r.stdout, stderr: r.stderr };
}

// Where elfkit differs from `go version -m`: debug/buildinfo.Read fails as a
// whole when the module info cannot be read — its string runs past the
// segment (decodeString: "not a Go executable") or its text does not parse
// (debug.ParseBuildInfo: "could not parse Go build info") — so go version -m
// prints nothing for the file, though the Go version before it is intact.
// elfkit prints the `file: goN` line it can read and reports the damage once
// (exit status 1); JSON has the Go version and null module fields (unknown,
// not empty). On intact files the text stays byte-identical (go.test.ts).
/** The fixture's build info, and two ways to damage its module info alone (the Go version before it intact), with the report each gives. */
function modinfoDamages() {
  const p = intactParse;
  const raw = readRawBuildInfo(goImage(p.elf))!;
  assert.is(raw.format, 'inline');
  assert.ok(raw.goVersion.length < 128, 'a one-byte varint length');
  // Go 1.18+ blobs: the 32-byte header, the version's varint length and bytes, then the module info's varint length.
  const modLen = raw.address + 32n + 1n + BigInt(raw.goVersion.length);
  // Its text (after the 16-byte start sentinel): a build setting's key made to start with '=' (ASCII text: bytes = chars).
  const setting = raw.modinfo.indexOf('\nbuild\t') + '\nbuild\t'.length;
  assert.ok(setting > 10);
  const modText = modLen + 2n + 16n; // the module info is longer than 127 bytes: a two-byte varint
  assert.ok(raw.modinfo.length + 32 >= 128 && raw.modinfo.length + 32 < 16384);
  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ['length past the segment', (b) => b.set([0xff, 0xff, 0xff, 0x7f], p.at(modLen)), /^elfkit: \S+: module info \(\d+ bytes\) runs past the end of its segment \(\d+ left\) \(at \.go\.buildinfo\+0x[0-9a-f]+\)$/],
    ['text does not parse', (b) => b.set([0x3d], p.at(modText + BigInt(setting))), /^elfkit: \S+: could not parse Go build info: line \d+: build line with missing key$/],
  ];
  return { raw, cases };
}

test('go buildinfo with damaged module info: the Go version prints, the damage reported once, exit status 1 (go version -m prints nothing)', () => {
  const { raw, cases } = modinfoDamages();
  const whole = intact(['go', 'buildinfo']);
  for (const [what, patch, re] of cases) {
    const bad = damaged(patch);
    const text = elfkit(['go', 'buildinfo', bad]);
    reportedOnce(text, re, `go buildinfo (${what})`);
    assert.is(text.stdout, `${bad}: ${raw.goVersion}\n`, what);
    const j = json(['go', 'buildinfo'], bad);
    reportedOnce(j.run, re, `go buildinfo --json (${what})`);
    assert.equal(j.doc, { file: bad, goVersion: raw.goVersion, path: null, main: null, deps: null, settings: null, blob: whole.blob }, what);
    // Several files: the others print in full, the status is still 1.
    const both = elfkit(['go', 'buildinfo', bad, fixturePath(NAME)]);
    reportedOnce(both, re, `go buildinfo, two files (${what})`);
    assert.is(both.stdout, `${bad}: ${raw.goVersion}\n` + elfkit(['go', 'buildinfo', fixturePath(NAME)]).stdout, what);
    // Executable, so that go version -m takes it for a Go binary and says why it cannot read it.
    chmodSync(bad, 0o755);
    const theirs = goVersionM(bad);
    if (theirs) {
      assert.is(theirs.stdout, '', `${what}: go version -m prints nothing for the file`);
      assert.match(theirs.stderr, what === 'text does not parse' ? /could not parse Go build info/ : /not a Go executable/, what);
    }
  }
});

// go info reads the same blob: the Go version before damaged module info
// is shown (it was null), the module's fields are as without build info,
// and the damage is in errors and reported once.
test('go info with damaged module info: the Go version shows, the module fields are empty, the damage reported once, exit status 1', () => {
  const { raw, cases } = modinfoDamages();
  const good = intact(['go', 'info']);
  assert.is(good.version, raw.goVersion);
  const goodText = elfkit(['go', 'info', fixturePath(NAME)]).stdout;
  for (const [what, patch, re] of cases) {
    const bad = damaged(patch);
    const j = json(['go', 'info'], bad);
    reportedOnce(j.run, re, `go info --json (${what})`);
    const message = j.run.stderr.trim().slice(`elfkit: ${bad}: `.length);
    const none = { path: null, main: null, deps: 0, vcs: null, goos: 'linux', goarch: good.goarch, settings: [] };
    assert.equal(j.doc, { ...good, file: bad, ...none, errors: [message] }, what);
    const text = elfkit(['go', 'info', bad]);
    reportedOnce(text, re, `go info (${what})`);
    assert.match(text.stdout, new RegExp(`^Go:\\s+${raw.goVersion.replace(/\./g, '\\.')}$`, 'm'), what);
    // The intact text without the module's rows, with the error row: every other row as before (the key column narrower).
    const rows = (t: string) =>
      t.trimEnd().split(/\n(?=\S)/).filter((r) => !/^(File|Path|Main module|Dependencies|VCS|Build settings|Error):/.test(r)).map((r) => r.replace(/^([^:]+):\s+/, '$1: '));
    assert.equal(rows(text.stdout), rows(goodText), what);
    assert.match(text.stdout, /^Error:\s+\S/m, what);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
