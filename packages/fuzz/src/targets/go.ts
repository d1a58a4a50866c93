// Targets over Go metadata: the pclntab (through openGoSymbols, as a
// symbolizer opens it, and PcLnTable directly), the build info blob, the
// module info text and the moduledata the text start comes from.
import { BUILDINFO_MAGIC, ModInfoError, PcLnTable, formatBuildInfo, formatVersionM, inspectGo, memoryImage, openGoSymbols, parseModInfo, parsePclnHeader, readRawBuildInfo, type GoImage } from '@elfkit/gosym';
import { writeUint } from '../fields.js';
import { goTarget } from '../go-target.js';
import { defineTarget, type Probe } from '../target.js';
import { elfGoImage } from '../go-target.js';

/** Functions kept in a seed table: enough for every record shape, few enough for thousands of runs a second. */
const FUNCS = 48;

/** Uses what a symbolizer and `elfkit go funcs/lines/frames` use of a table. */
function readTable(t: PcLnTable, p: Probe): number {
  let n = 0;
  const errors: never[] = [];
  p.attempt(() => {
    for (const f of t.funcs(errors)) {
      n++;
      p.attempt(() => [f.name, f.file, f.entryLine, f.frameSize, f.args, f.startLine, f.funcID, f.nfuncdata, f.end]);
    }
  });
  for (const e of errors) p.check(e);
  const lineErrors: never[] = [];
  p.attempt(() => t.walkLines(() => void n++, { errors: lineErrors, to: FUNCS }));
  for (const e of lineErrors) p.check(e);
  p.attempt(() => t.files().length);
  p.attempt(() => t.lineToPCs('main.go', 10));
  const count = Math.min(t.funcCount, FUNCS);
  for (let i = 0; i < Math.min(count, 12); i++) {
    const pc = p.attempt(() => BigInt(t.entryOf(i * Math.max(1, Math.floor(count / 12))) + 3));
    if (pc === undefined) continue;
    p.attempt(() => t.lookup(pc));
    p.attempt(() => t.frames(pc));
  }
  return n;
}

export const goPclntab = goTarget({
  name: 'go-pclntab',
  describe: 'the Go pclntab (1.18 and 1.20+ formats, both byte orders, 4- and 8-byte pointers): header, functab, _func records, names, files, pcvalue tables, inline trees',
  section: '.gopclntab',
  fixtures: ['go/go1.27-amd64', 'go/go1.19-386', 'go/go1.19-s390x', 'go/go1.27-arm', 'go/go1.22-amd64'],
  // The header's function count cut to FUNCS: a valid table (the end entry is the next function's entry).
  prepare: (bytes, { image }) => {
    const h = parsePclnHeader(bytes);
    const out = bytes.slice();
    writeUint(out, 8, h.ptrSize, BigInt(Math.min(FUNCS, h.nfunc)), image.order);
    return out;
  },
  structure: (bytes, f) => {
    const h = parsePclnHeader(bytes);
    f.uint(0, 4).uints(8, h.ptrSize, 8);
    const t = PcLnTable.parse(bytes);
    for (let i = 0; i <= Math.min(FUNCS, h.nfunc); i++) f.uints(h.functab + i * 2 * h.functabFieldSize, h.functabFieldSize, 2);
    for (let i = 0; i < t.funcCount; i++) {
      const fn = t.func(i);
      f.uints(fn.offset, 4, 11 + fn.npcdata);
      f.uint(h.funcnametab[0] + fn.nameOff, 1);
      for (const off of [fn.pcsp, fn.pcfile, fn.pcln]) for (let k = 0; k < 4; k++) f.uint(h.pctab + off + k, 1);
    }
  },
  read: (image, p, input) => {
    let n = 0;
    const syms = p.attempt(() => openGoSymbols(image));
    if (syms) n += readTable(syms.table, p);
    const direct = p.attempt(() => PcLnTable.parse(input, { textStart: image.section('.text')?.address }));
    if (direct) n += readTable(direct, p);
    return n;
  },
});

export const goModuledata = goTarget({
  name: 'go-moduledata',
  describe: 'runtime.firstmoduledata (text start, go:func.*, textsectmap) found by scanning data for the pclntab address, and inspectGo over the image',
  section: '.noptrdata',
  fixtures: ['go/go1.27-amd64-sw', 'go/go1.19-386', 'go/go1.27-arm64-sw'],
  // The moduledata and what is around it: the first 4 KB after the pclntab pointer.
  structure: (bytes, f, { image }) => {
    const pcln = image.section('.gopclntab')!.address;
    const le = image.order === 'little';
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 8 <= bytes.length; at += image.pointerSize) {
      const v = image.pointerSize === 8 ? dv.getBigUint64(at, le) : BigInt(dv.getUint32(at, le));
      if (v !== pcln) continue;
      f.uints(at, image.pointerSize, 64);
      break;
    }
  },
  read: (image, p) => {
    const syms = p.attempt(() => openGoSymbols(image, { scan: 'always' }));
    const md = syms?.moduledata;
    p.attempt(() => inspectGo(image, { pclntab: false }));
    if (syms) p.attempt(() => syms.table.lookup(syms.table.textStart + 0x100n));
    return md?.text;
  },
});

/** A pre-1.18 build info blob (two pointers to Go string headers), which no fixture has: Go 1.17's layout. */
function pointerBuildInfo(order: 'little' | 'big', ptr: 4 | 8): { name: string; bytes: Uint8Array; image: GoImage } {
  const base = 0x500000n;
  const vers = new TextEncoder().encode('go1.17.2');
  // modinfo between two 16-byte sentinels (their contents are not checked, the newline before the second is).
  const text = new TextEncoder().encode('path\texample.com/m\nmod\texample.com/m\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\nbuild\t-compiler=gc\n');
  const mod = new Uint8Array(32 + text.length);
  mod.fill(0x30, 0, 16);
  mod.set(text, 16);
  mod.fill(0x31, 16 + text.length);
  const b = new Uint8Array(32 + 4 * ptr + vers.length + mod.length);
  b.set(BUILDINFO_MAGIC, 0);
  b[14] = ptr;
  b[15] = order === 'big' ? 1 : 0;
  const hdr = 32;
  const strings = hdr + 4 * ptr;
  writeUint(b, 16, ptr, base + BigInt(hdr), order);
  writeUint(b, 16 + ptr, ptr, base + BigInt(hdr + 2 * ptr), order);
  writeUint(b, hdr, ptr, base + BigInt(strings), order);
  writeUint(b, hdr + ptr, ptr, BigInt(vers.length), order);
  writeUint(b, hdr + 2 * ptr, ptr, base + BigInt(strings + vers.length), order);
  writeUint(b, hdr + 3 * ptr, ptr, BigInt(mod.length), order);
  b.set(vers, strings);
  b.set(mod, strings + vers.length);
  const image = memoryImage({ order, pointerSize: ptr, sections: [{ name: '.go.buildinfo', address: base, data: b }], segments: [{ address: base, data: b, flags: 'rw' }] });
  return { name: `synthetic go1.17 ${order} ${ptr * 8}-bit .go.buildinfo`, bytes: b, image };
}

export const goBuildInfo = goTarget({
  name: 'go-buildinfo',
  describe: '.go.buildinfo: header, inline varint strings (1.18+) and pointer string headers (before 1.18), sentinel framing, Go build id',
  section: '.go.buildinfo',
  fixtures: ['go/go1.27-amd64-vcs', 'go/go1.19-s390x', 'go/go1.27-386-sw', 'go/go1.22-amd64'],
  extraSeeds: () => [pointerBuildInfo('little', 8), pointerBuildInfo('big', 4)],
  structure: (bytes, f) => {
    f.uint(14, 1).uint(15, 1).uint(16, 8).uint(24, 8).leb(bytes, 32);
  },
  typedErrors: (e) => e instanceof ModInfoError,
  read: (image, p) => {
    const raw = p.attempt(() => readRawBuildInfo(image));
    if (raw) p.attempt(() => parseModInfo(raw.modinfo, raw.goVersion));
    return p.attempt(() => inspectGo(image, { pclntab: false }))?.kind;
  },
});

export const goModInfo = defineTarget({
  name: 'go-modinfo',
  describe: 'module info text (path, mod, dep, =>, build lines with quoting) parsed and printed as `go version -m`',
  resizable: true,
  typedErrors: (e) => e instanceof ModInfoError,
  seeds: () =>
    ['go/go1.27-amd64-vcs', 'go/go1.27-amd64', 'go/go1.19-386'].map((fixture) => {
      const raw = readRawBuildInfo(elfGoImage(fixture).image)!;
      const bytes = new TextEncoder().encode(raw.modinfo);
      return { name: `${fixture} modinfo`, bytes, order: 'little' as const, fields: [], context: raw.goVersion };
    }),
  run: (input, seed, p) => {
    const text = new TextDecoder().decode(input);
    const bi = p.attempt(() => parseModInfo(text, seed.context));
    if (!bi) return undefined;
    return [formatBuildInfo(bi), formatVersionM('file', bi)];
  },
});

/** The Go targets. */
export const goTargets = [goPclntab, goModuledata, goBuildInfo, goModInfo];
