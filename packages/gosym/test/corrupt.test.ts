// Bad input: damaged pclntab headers, function tables, _func records and
// pcvalue streams, damaged build info headers and varints. Every failure
// must be a ParseError with an offset, nothing may hang or allocate beyond
// what the input justifies, and damage in one place must leave the rest
// readable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError, type ParseError } from '@elfkit/binary';
import { fixtureBytes } from '@elfkit/fixtures';
import { ElfFile, constants as C } from '@elfkit/elf';
import { PcLnTable, inspectGo, memoryImage, openGoSymbols, readRawBuildInfo } from '../dist/index.js';
import { synthesize } from './synth.js';
import { prng } from './tools.js';
import { elfImage, withoutSections } from './elf-image.js';

/** Every ParseError must carry a location inside (or at the end of) the data it came from. */
function checkError(e: unknown, size: number, what: string): void {
  if (!isParseError(e)) throw new Error(`${what}: not a ParseError: ${(e as Error)?.stack ?? e}`);
  assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= size + 16, `${what}: offset ${e.offset} of ${size}`);
}

let exercised = 0;

/**
 * Uses everything a table offers on `bytes`; returns how many functions
 * parsed. Throws when anything but a ParseError escapes or it takes long.
 */
function exercise(bytes: Uint8Array, what: string, opts: { textStart?: bigint; gofunc?: bigint; address?: bigint } = {}): number {
  exercised++;
  const start = performance.now();
  let t: PcLnTable;
  try {
    t = PcLnTable.parse(bytes, { ...opts, read: () => undefined });
  } catch (e) {
    checkError(e, bytes.length, what);
    return 0;
  }
  const errors: ParseError[] = [];
  let parsed = 0;
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      checkError(e, bytes.length, what);
    }
  };
  attempt(() => {
    for (const f of t.funcs(errors)) {
      parsed++;
      attempt(() => void [f.file, f.entryLine, f.frameSize, f.args, f.startLine, f.funcID, f.nfuncdata]);
    }
  });
  for (const e of errors) checkError(e, bytes.length, what);
  const lineErrors: ParseError[] = [];
  attempt(() => t.walkLines(() => {}, { errors: lineErrors }));
  for (const e of lineErrors) checkError(e, bytes.length, what);
  const fileErrors: ParseError[] = [];
  attempt(() => void t.files(fileErrors));
  for (const e of fileErrors) checkError(e, bytes.length, what);
  attempt(() => void t.lineToPCs('x.go', 1));
  const rnd = prng(bytes.length);
  for (let i = 0; i < 16; i++) {
    attempt(() => {
      const n = t.funcCount;
      const lo = n ? t.entryOf(0) : 0;
      const hi = n ? t.entryOf(n) : 0;
      const pc = BigInt(Math.max(0, lo + Math.floor(rnd() * Math.min(hi - lo + 1, 1 << 30))));
      t.lookup(pc);
      t.frames(pc);
    });
  }
  const ms = performance.now() - start;
  // A hang guard, not a speed test (speed is in pnpm bench): generous so a loaded machine does not fail it.
  assert.ok(ms < 30000, `${what}: ${ms.toFixed(0)} ms`);
  return parsed;
}

/** The .gopclntab of a fixture, and its address. */
function pclntabOf(name: string): { bytes: Uint8Array; address: bigint; text: bigint } {
  const elf = ElfFile.parse(fixtureBytes(name));
  const s = elf.section('.gopclntab')!;
  return { bytes: elf.sectionData(s).slice(), address: s.addr, text: elf.section('.text')!.addr };
}

const tables = [
  ['go/go1.27-amd64', pclntabOf('go/go1.27-amd64')],
  ['go/go1.19-s390x', pclntabOf('go/go1.19-s390x')],
] as const;
const synthetic = (['1.2', '1.16'] as const).map((format) => {
  const s = synthesize({
    format,
    order: 'big',
    ptrSize: 8,
    quantum: 4,
    textStart: 0x10000,
    address: 0x80000,
    memory: 0x90000,
    funcs: Array.from({ length: 40 }, (_, i) => ({
      name: `main.f${i}`,
      entry: i * 0x40,
      size: 0x40,
      rows: [
        { pc: 0, file: `f${i % 3}.go`, line: 10 + i },
        { pc: 0x20, file: 'g.go', line: 5 },
      ],
    })),
  });
  return [`synthetic ${format}`, { bytes: s.pclntab, address: 0x80000n, text: 0x10000n }] as const;
});

test('header sweep: every header byte and word set to hostile values', () => {
  for (const [name, tab] of [...tables, ...synthetic]) {
    const ptr = tab.bytes[7]!;
    const hdr = 8 + 8 * ptr;
    for (let i = 0; i < hdr; i++) {
      for (const v of [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]) {
        const b = tab.bytes.slice();
        b[i] = v;
        exercise(b, `${name} header byte ${i}=${v}`, { textStart: tab.text, address: tab.address });
      }
    }
    const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const le = tab.bytes[0] !== 0xff;
    for (let w = 0; w < 8; w++) {
      for (const v of [0, 1, tab.bytes.length - 1, tab.bytes.length, tab.bytes.length + 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
        const b = tab.bytes.slice();
        const at = 8 + w * ptr;
        if (ptr === 4) dv(b).setUint32(at, v >>> 0, le);
        else dv(b).setBigUint64(at, BigInt(v >>> 0), le);
        exercise(b, `${name} header word ${w}=${v}`, { textStart: tab.text, address: tab.address });
        if (ptr === 8) {
          dv(b).setBigUint64(at, 0xffffffffffffff00n + BigInt(w), le); // beyond 2^53, and "negative"
          exercise(b, `${name} header word ${w}=-256`, { textStart: tab.text, address: tab.address });
        }
      }
    }
  }
});

test('counts larger than the data are rejected before anything is allocated for them', () => {
  const { bytes } = tables[0][1];
  const b = bytes.slice();
  new DataView(b.buffer).setBigUint64(8, 0xfffffffn, true); // nfunc
  assert.throws(() => PcLnTable.parse(b), (e: ParseError) => e.code === 'too-large' && e.offset === 8);
  const c = bytes.slice();
  new DataView(c.buffer).setBigUint64(16, 0xfffffffn, true); // nfiles
  assert.throws(() => PcLnTable.parse(c), (e: ParseError) => e.code === 'too-large');
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 50; i++) exercise(b, 'huge nfunc');
  assert.ok(process.memoryUsage().heapUsed - before < 64 << 20, 'no large allocation');
});

test('function table and _func records: one damaged function, the others still parse', () => {
  for (const [name, tab] of [...tables, ...synthetic]) {
    const t = PcLnTable.parse(tab.bytes, { textStart: tab.text });
    const n = t.funcCount;
    const le = t.header.order === 'little';
    const rnd = prng(n);
    for (let k = 0; k < 40; k++) {
      const i = Math.floor(rnd() * n);
      const rec = t.func(i).offset;
      const field = t.header.format === '1.2' || t.header.format === '1.16' ? t.header.ptrSize : 4;
      for (const v of [0xffffffff, 0x80000000, tab.bytes.length]) {
        // The name offset of one record.
        const b = tab.bytes.slice();
        new DataView(b.buffer).setUint32(rec + field, v, le);
        const parsed = exercise(b, `${name} func ${i} nameOff=${v}`, { textStart: tab.text });
        assert.is(parsed, n - 1, `${name}: damaging function ${i}'s name loses only that function`);
        // The funcoff of one functab slot.
        const c = tab.bytes.slice();
        const slot = t.header.functab + (2 * i + 1) * t.header.functabFieldSize;
        if (t.header.functabFieldSize === 4) new DataView(c.buffer).setUint32(slot, v, le);
        else new DataView(c.buffer).setBigUint64(slot, BigInt(v), le);
        assert.is(exercise(c, `${name} functab slot ${i}=${v}`, { textStart: tab.text }), n - 1);
      }
      // Every other field of the record, and the entry in the functab (order broken).
      for (let f = 0; f < 12; f++) {
        const b = tab.bytes.slice();
        if (rec + field + 4 * f + 4 <= b.length) new DataView(b.buffer).setUint32(rec + field + 4 * f, 0xfffffff0, le);
        exercise(b, `${name} func ${i} field ${f}`, { textStart: tab.text });
      }
      const e = tab.bytes.slice();
      const entry = t.header.functab + 2 * i * t.header.functabFieldSize;
      e.fill(0xff, entry, entry + t.header.functabFieldSize);
      exercise(e, `${name} functab entry ${i}`, { textStart: tab.text });
    }
  }
});

test('an entry past 2^53 in a pointer-sized function table: the two functions it bounds are left out, the other functions and rows still read', () => {
  for (const [name, tab] of synthetic) {
    const t = PcLnTable.parse(tab.bytes, { textStart: tab.text });
    const n = t.funcCount;
    const i = Math.floor(n / 2);
    const b = tab.bytes.slice();
    const at = t.header.functab + 2 * i * t.header.functabFieldSize;
    b.fill(0xff, at, at + t.header.functabFieldSize);
    const d = PcLnTable.parse(b, { textStart: tab.text });
    const errors: ParseError[] = [];
    const names = [...d.funcs(errors)].map((f) => f.name);
    assert.equal(names, [...t.funcs()].map((f) => f.name).filter((_, k) => k !== i - 1 && k !== i), name);
    assert.ok(errors.length >= 1 && errors.every((e) => e.code === 'too-large'), name);
    const walked = new Set<number>();
    const lineErrors: ParseError[] = [];
    d.walkLines((_pc, _file, _line, _end, fi) => walked.add(fi), { errors: lineErrors });
    assert.equal([...walked], [...Array(n).keys()].filter((k) => k !== i - 1 && k !== i), `${name}: rows of every other function`);
    assert.ok(lineErrors.length >= 1, `${name}: reported`);
  }
});

test('file name table: a name that cannot be read is left out of files(errors), the others listed', () => {
  // Go 1.2 tables: a file number's offset outside the table.
  const [, tab12] = synthetic[0]!;
  const t = PcLnTable.parse(tab12.bytes, { textStart: tab12.text });
  const all = t.files();
  assert.ok(all.length >= 3);
  const b = tab12.bytes.slice();
  new DataView(b.buffer).setUint32(t.header.filetab[0] + 4 * 2, 0x7ffffff0, t.header.order === 'little');
  const errors: ParseError[] = [];
  assert.equal(PcLnTable.parse(b, { textStart: tab12.text }).files(errors), all.filter((_, k) => k !== 1));
  assert.is(errors.length, 1);
  assert.throws(() => PcLnTable.parse(b, { textStart: tab12.text }).files(), (e: ParseError) => e.code === 'out-of-range');
  // Go 1.16+ tables: the last name runs past the end of the table.
  const [, tab] = tables[0];
  const u = PcLnTable.parse(tab.bytes, { textStart: tab.text });
  const [, end] = u.header.filetab;
  let nul = end - 1;
  while (tab.bytes[nul - 1] === 0) nul--;
  const c = tab.bytes.slice();
  c.fill(0x78, nul, end);
  const cut = PcLnTable.parse(c, { textStart: tab.text });
  const errs: ParseError[] = [];
  assert.equal(cut.files(errs), u.files().slice(0, -1));
  assert.equal(errs.map((e) => e.code), ['truncated']);
  // Not kept: asked again, the damage is met (and reported) again.
  const again: ParseError[] = [];
  cut.files(again);
  assert.is(again.length, 1);
});

test('a damaged inline tree in one of the first functions: the layout and go:func.* are still found, the other functions keep their inlined frames', () => {
  for (const name of ['go/go1.27-amd64', 'go/go1.19-s390x']) {
    const bytes = fixtureBytes(name);
    const { elf, image } = elfImage(bytes.slice());
    const s = openGoSymbols(image)!;
    const t = s.table;
    // The first function with an inline tree: the one the layout check reads first.
    const first = [...t.funcs()].find((f) => f.npcdata > 2 && f.pcdata(2) !== 0 && f.nfuncdata > 3 && f.funcdata(3) !== undefined)!;
    const at = (a: bigint) => {
      const p = elf.segments.find((x) => x.type === C.PT_LOAD && a >= x.vaddr && a < x.vaddr + BigInt(x.filesz))!;
      return p.offset + Number(a - p.vaddr);
    };
    const le = t.header.order === 'little';
    // Record 0's parentPc (Go 1.20+: at 8 of 16 bytes; before: at 16 of 20), far past the function.
    const b = bytes.slice();
    new DataView(b.buffer).setInt32(at(first.funcdata(3)! + (t.format === '1.20' ? 8n : 16n)), 0x7fffffff, le);
    const d = openGoSymbols(elfImage(b).image)!;
    assert.is(d.gofuncSource, s.gofuncSource, name);
    assert.is(d.table.gofunc, t.gofunc, name);
    let inlined = 0;
    for (let i = 0; i < t.funcCount; i += 7) {
      if (i === first.index) continue;
      const pc = t.func(i).entry + (t.func(i).end - t.func(i).entry) / 2n;
      const want = t.frames(pc).map((f) => `${f.function} ${f.line}`);
      inlined += want.length - 1;
      assert.equal(d.table.frames(pc).map((f) => `${f.function} ${f.line}`), want, `${name} ${t.func(i).name}`);
    }
    assert.ok(inlined > 10, `${name}: ${inlined} inlined frames compared`);
    // The damaged function's own inlined code: a ParseError, not frames made up.
    const f = d.table.func(first.index);
    let met = 0;
    for (let pc = f.entryPc; pc < f.endPc; pc++) {
      try {
        d.table.frames(BigInt(pc));
      } catch (e) {
        assert.ok(isParseError(e), name);
        met++;
      }
    }
    assert.ok(met > 0, `${name}: the damaged record's PCs report it`);
  }
});

test('pcvalue streams: unterminated varints and tables running off the end', () => {
  for (const [name, tab] of [...tables, ...synthetic]) {
    const t = PcLnTable.parse(tab.bytes, { textStart: tab.text });
    const rows = (b: Uint8Array) => {
      const errors: ParseError[] = [];
      let n = 0;
      PcLnTable.parse(b, { textStart: tab.text }).walkLines(() => n++, { errors });
      for (const e of errors) checkError(e, b.length, name);
      return { n, errors: errors.length };
    };
    const whole = rows(tab.bytes);
    // Fill one function's pcln table with continuation bytes: its rows are
    // lost, reported once, the others come out.
    const i = Math.floor(t.funcCount / 2);
    const f = t.func(i);
    const b = tab.bytes.slice();
    b.fill(0xff, t.header.pctab + f.pcln, t.header.pctab + f.pcln + 6);
    const damaged = rows(b);
    assert.ok(damaged.errors >= 1, `${name}: the damaged table is reported`);
    assert.ok(damaged.n > whole.n * 0.9, `${name}: the other functions' rows survive (${damaged.n} of ${whole.n})`);
    // The last bytes of the table: streams that run into the end.
    const cut = tab.bytes.slice();
    cut.fill(0x80, cut.length - 4096);
    exercise(cut, `${name} tail of continuation bytes`, { textStart: tab.text });
  }
});

test('random damage and truncation never escape as anything but ParseError', () => {
  for (const [name, tab] of [...tables, ...synthetic]) {
    const rnd = prng(tab.bytes.length);
    for (let k = 0; k < 60; k++) {
      const b = tab.bytes.slice();
      for (let j = 0; j < 24; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      exercise(b, `${name} random ${k}`, { textStart: tab.text, address: tab.address, gofunc: tab.address });
    }
    for (let k = 1; k < 40; k++) exercise(tab.bytes.subarray(0, Math.floor((tab.bytes.length * k) / 40)), `${name} truncated ${k}/40`, { textStart: tab.text });
    for (let len = 0; len < 80; len++) exercise(tab.bytes.subarray(0, len), `${name} first ${len} bytes`);
  }
  console.log(`corrupt sweep: ${exercised} damaged pclntabs exercised, every failure a ParseError with an offset`);
});

/** An image with a .go.buildinfo section holding `blob` at 0x1000, plus `extra` segments. */
function blobImage(blob: Uint8Array, order: 'little' | 'big' = 'little'): ReturnType<typeof memoryImage> {
  return memoryImage({
    order,
    pointerSize: 8,
    sections: [{ name: '.go.buildinfo', address: 0x1000n, data: blob }],
    segments: [{ address: 0x1000n, data: blob, flags: 'rw' }],
  });
}

const MAGIC = [0xff, ...new TextEncoder().encode(' Go buildinf:')];

function inlineBlob(parts: number[]): Uint8Array {
  const b = new Uint8Array(32 + parts.length);
  b.set(MAGIC);
  b[14] = 8;
  b[15] = 2;
  b.set(parts, 32);
  return b;
}

test('build info: damaged headers, varints and pointers are ParseErrors; no blob is "not Go"', () => {
  const ok = inlineBlob([8, ...new TextEncoder().encode('go1.99.1'), 0]);
  assert.is(readRawBuildInfo(blobImage(ok))!.goVersion, 'go1.99.1');
  const cases: [string, Uint8Array, string][] = [
    ['version length varint never ends', inlineBlob(new Array(12).fill(0xff)), 'invalid'],
    ['version length past the end', inlineBlob([0x80, 0x80, 0x80, 0x80, 0x10, 1, 2]), 'too-large'],
    ['module info length past the end', inlineBlob([2, 0x67, 0x6f, 0xff, 0xff, 0x03]), 'too-large'],
    ['varint cut by the end of the data', inlineBlob([0x81]), 'truncated'],
    ['empty version', inlineBlob([0, 0]), 'invalid'],
  ];
  const ptr = new Uint8Array(64);
  ptr.set(MAGIC);
  ptr[14] = 3; // pointer format with a pointer size of 3
  cases.push(['pointer size 3', ptr, 'invalid']);
  const wild = new Uint8Array(64);
  wild.set(MAGIC);
  wild[14] = 8;
  new DataView(wild.buffer).setBigUint64(16, 0xfffffffffff0n, true);
  cases.push(['version pointer outside the image', wild, 'out-of-range']);
  const long = new Uint8Array(64);
  long.set(MAGIC);
  long[14] = 8;
  const dv = new DataView(long.buffer);
  dv.setBigUint64(16, 0x1000n + 40n, true); // string header at +40
  dv.setBigUint64(40, 0x1000n, true);
  dv.setBigUint64(48, 0xffffffffffffn, true); // length far past the segment
  cases.push(['version string longer than the segment', long, 'out-of-range']);
  for (const [what, blob, code] of cases) {
    assert.throws(() => readRawBuildInfo(blobImage(blob)), (e: ParseError) => isParseError(e) && e.code === code && e.offset >= 0, what);
    const g = inspectGo(blobImage(blob), { pclntab: false });
    assert.is(g.kind, 'corrupt', what);
  }
  // The magic off the 16-byte grid, or too close to the end: not a blob (Go agrees).
  const odd = new Uint8Array(80);
  odd.set(MAGIC, 8);
  assert.is(readRawBuildInfo(blobImage(odd)), undefined);
  assert.is(readRawBuildInfo(blobImage(ok.subarray(0, 24))), undefined);
  assert.is(inspectGo(blobImage(new Uint8Array(64)), { pclntab: false }).kind, 'not-go');
});

test('build info and whole-image sweep on real binaries: flips in .go.buildinfo and in section-less images', () => {
  const bytes = fixtureBytes('go/go1.27-amd64-vcs');
  const elf = ElfFile.parse(bytes);
  const sec = elf.section('.go.buildinfo')!;
  const rnd = prng(99);
  for (let k = 0; k < 300; k++) {
    const b = bytes.slice();
    const at = sec.offset + Math.floor(rnd() * Math.min(sec.size, 96));
    b[at] = Math.floor(rnd() * 256);
    try {
      inspectGo(elfImage(b).image, { pclntab: false });
    } catch (e) {
      checkError(e, b.length, `buildinfo flip at ${at}`);
    }
  }
  // A bare image (pclntab, moduledata and buildinfo all found by scans) with damage anywhere.
  const bare = withoutSections(fixtureBytes('go/go1.19-arm'));
  for (let k = 0; k < 20; k++) {
    const b = bare.slice();
    for (let j = 0; j < 200; j++) b[0x1000 + Math.floor(rnd() * (b.length - 0x1000))] = Math.floor(rnd() * 256);
    let g: ReturnType<typeof inspectGo> | undefined;
    try {
      g = inspectGo(elfImage(b).image);
      for (const e of g.errors) if (isParseError(e)) checkError(e, b.length, 'bare image');
      if (g.symbols) exercise(g.symbols.table.data, 'bare image pclntab', { textStart: g.symbols.table.textStart });
    } catch (e) {
      checkError(e, b.length, 'bare image');
    }
  }
  assert.ok(openGoSymbols(elfImage(bare).image));
});

test.run();
