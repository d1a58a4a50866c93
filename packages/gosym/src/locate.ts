import { ParseError, isParseError } from '@elfkit/binary';
import { detectMagic, parsePclnHeader, type PclnHeader } from './header.js';
import type { GoImage } from './image.js';
import { findModuleData, gofuncCandidates, textSections, type ModuleData } from './moduledata.js';
import { PcLnTable, type TextSection } from './table.js';
import { GoFunc } from './func.js';
import { inlineLayout } from './inline.js';

/** Where the pclntab was found. */
export interface PclntabLocation {
  readonly data: Uint8Array;
  readonly address: bigint;
  /** `section <name>`, `symbol runtime.pclntab` or `scan` (a validated magic in loadable data). */
  readonly source: string;
}

/** The pclntab of a binary, ready for lookups, and how each piece was found. */
export interface GoSymbols {
  readonly table: PcLnTable;
  readonly location: PclntabLocation;
  /** Where the text start came from: `symbol runtime.text`, `moduledata`, `section .text`, `pclntab header`, `unknown` (1.18+ PCs are then offsets), or `absolute` (before 1.18 entries are addresses). */
  readonly textStartSource: string;
  /** The moduledata, when found. */
  readonly moduledata: ModuleData | undefined;
  /** Where `go:func.*` came from (`moduledata`, `symbol`, `pclntab`), or undefined when unknown (no inline frames). */
  readonly gofuncSource: string | undefined;
}

const SECTIONS = ['.gopclntab', '.data.rel.ro.gopclntab'];

/** True when `data` starts with a pclntab header whose tables and first functions check out. */
function plausible(data: Uint8Array, pointerSize: number): PclnHeader | undefined {
  let h: PclnHeader;
  try {
    h = parsePclnHeader(data, 'pclntab');
  } catch (e) {
    if (!isParseError(e)) throw e;
    return undefined;
  }
  if (h.ptrSize !== pointerSize || h.nfunc === 0) return undefined;
  try {
    // Entries must ascend, and each _func must record the entry its functab
    // slot gives (checked on a handful, enough to reject stray bytes).
    const t = PcLnTable.parse(data, { section: 'pclntab' });
    let prev = -1;
    const n = Math.min(h.nfunc, 16);
    for (let i = 0; i < n; i++) {
      const e = t.entryOf(i);
      if (e < prev) return undefined;
      prev = e;
      const f = t.func(i);
      if (f.recordEntry !== BigInt(e)) return undefined;
      void f.name;
    }
    if (t.entryOf(h.nfunc) < prev) return undefined;
  } catch (e) {
    if (!isParseError(e)) throw e;
    return undefined;
  }
  return h;
}

/**
 * When to scan loadable data for a pclntab that no section or symbol names:
 * `always`; `never`; or `auto` — when the binary has no section headers, or
 * has them and still shows Go (a `.go.buildinfo` or `.note.go.buildid`
 * section, a `runtime.text` symbol). `auto` spares non-Go binaries a read
 * of every segment.
 */
export type PclntabScan = 'always' | 'auto' | 'never';

function looksGo(image: GoImage): boolean {
  return !!(image.section('.go.buildinfo') || image.section('.note.go.buildid') || image.symbol('runtime.text'));
}

/**
 * Finds the pclntab: the `.gopclntab` (or PIE `.data.rel.ro.gopclntab`)
 * section, the `runtime.pclntab` symbol, else (see {@link PclntabScan}) a
 * scan of loadable data for a pclntab magic in the image's byte order that
 * parses and whose first functions are consistent. Undefined when there is
 * none.
 */
export function findPclntab(image: GoImage, scan: PclntabScan = 'auto'): PclntabLocation | undefined {
  for (const name of SECTIONS) {
    const s = image.section(name);
    if (s && s.size >= 16) {
      const data = s.data();
      if (detectMagic(data)) return { data, address: s.address, source: `section ${name}` };
    }
  }
  const sym = image.symbol('runtime.pclntab');
  if (sym) {
    const end = image.symbol('runtime.epclntab');
    const seg = image.segments.find((p) => p.kind === 'load' && sym.address >= p.address && sym.address < p.address + BigInt(p.fileSize));
    if (seg) {
      const size = end && end.address > sym.address ? Number(end.address - sym.address) : Number(seg.address + BigInt(seg.fileSize) - sym.address);
      const data = image.read(sym.address, size);
      if (data && detectMagic(data)) return { data, address: sym.address, source: 'symbol runtime.pclntab' };
    }
  }
  if (scan === 'never' || (scan === 'auto' && image.hasSections && !looksGo(image))) return undefined;
  const loads = image.segments.filter((p) => p.kind === 'load' && p.fileSize > 0);
  // Read-only data first: that is where every Go linker puts the table.
  const ordered = [...loads.filter((p) => !p.executable && !p.writable), ...loads.filter((p) => p.executable || p.writable)];
  const le = image.order === 'little';
  for (const seg of ordered) {
    const d = seg.data();
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    for (let i = 0; i + 16 <= d.length; i += 4) {
      const m = v.getUint32(i, le);
      if (m < 0xfffffff0 || (m !== 0xfffffffb && m !== 0xfffffffa && m !== 0xfffffff0 && m !== 0xfffffff1)) continue;
      if (d[i + 4] !== 0 || d[i + 5] !== 0) continue;
      const data = d.subarray(i);
      if (plausible(data, image.pointerSize)) return { data, address: seg.address + BigInt(i), source: 'scan' };
    }
  }
  return undefined;
}

/** End of the last `_func` record (with its pcdata and funcdata arrays). */
function recordsEnd(t: PcLnTable): number {
  let end = t.header.functabEnd;
  const fixed = GoFunc.fixedSize(t.header);
  for (let i = 0; i < t.funcCount; i++) {
    const f = t.func(i);
    end = Math.max(end, f.offset + fixed + 4 * f.npcdata + 4 * f.nfuncdata);
  }
  return end;
}

function withGofunc(base: PcLnTable, gofunc: bigint, textSections?: readonly TextSection[]): PcLnTable {
  return PcLnTable.parse(base.data, {
    section: base.section,
    textStart: base.textStart,
    address: base.address,
    read: base.reader,
    gofunc,
    textSections: textSections ?? base.textSections,
  });
}

/**
 * Opens the pclntab of `image` with everything needed for lookups: the
 * table, the text start (`runtime.text` symbol, moduledata, `.text`
 * section, then the header word) and `go:func.*` for inline trees
 * (moduledata, the `go:func.*` symbol, or — Go 1.26+, where it sits inside
 * the pclntab after the `_func` records — a checked guess). Undefined when
 * the image has no pclntab (`scan`: see {@link PclntabScan}); a ParseError
 * when it has a damaged one.
 */
export function openGoSymbols(image: GoImage, options: { scan?: PclntabScan } = {}): GoSymbols | undefined {
  const location = findPclntab(image, options.scan);
  if (!location) return undefined;
  const section = location.source.startsWith('section ') ? location.source.slice(8) : 'pclntab';
  const header = parsePclnHeader(location.data, section);
  if (header.ptrSize !== image.pointerSize) {
    throw new ParseError('invalid', `pclntab pointer size ${header.ptrSize} does not match the binary's ${image.pointerSize}`, section, 7);
  }
  const md = findModuleData(image, location.address, header);
  const relative = header.format === '1.18' || header.format === '1.20';
  let textStart = 0n;
  let textStartSource = 'absolute';
  if (relative) {
    const sym = image.symbol('runtime.text');
    const sec = image.section('.text');
    if (sym) [textStart, textStartSource] = [sym.address, 'symbol runtime.text'];
    else if (md) [textStart, textStartSource] = [md.text, 'moduledata'];
    else if (sec) [textStart, textStartSource] = [sec.address, 'section .text'];
    else if (header.textStart) [textStart, textStartSource] = [header.textStart, 'pclntab header'];
    else textStartSource = 'unknown';
  }
  const read = (a: bigint, n: number) => image.read(a, n);
  let table = PcLnTable.parse(location.data, { section, textStart, address: location.address, read });
  let gofuncSource: string | undefined = relative ? undefined : 'absolute';
  if (relative) {
    const tryAll = (cands: { value: bigint; source: string; word?: number }[]): boolean => {
      for (const c of cands) {
        const candidate = withGofunc(table, c.value, md && c.word !== undefined ? textSections(md, c.word, image) : undefined);
        let fits = false;
        try {
          fits = inlineLayout(candidate) !== null;
        } catch (e) {
          if (!isParseError(e)) throw e;
          fits = false;
        }
        if (fits) {
          table = candidate;
          gofuncSource = c.source;
          return true;
        }
      }
      return false;
    };
    const known: { value: bigint; source: string; word?: number }[] = [];
    if (md) for (const c of gofuncCandidates(md, image)) known.push({ value: c.value, source: 'moduledata', word: c.word });
    for (const name of ['go:func.*', 'go.func.*']) {
      const s = image.symbol(name);
      if (s) known.push({ value: s.address, source: 'symbol' });
    }
    if (!tryAll(known)) {
      // Go 1.26+ keeps go:func.* inside the pclntab, right after the records.
      let end: number | undefined;
      try {
        end = recordsEnd(table);
      } catch (e) {
        if (!isParseError(e)) throw e;
        end = undefined;
      }
      if (end !== undefined) {
        const at = end;
        tryAll([1, 2, 4, 8, 16, 32].map((a) => ({ value: location.address + BigInt(Math.ceil(at / a) * a), source: 'pclntab' })));
      }
    }
  }
  return { table, location, textStartSource, moduledata: md, gofuncSource };
}
