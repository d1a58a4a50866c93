import { ParseError } from '@elfkit/binary';
import { crc32 as jsCrc32 } from '@elfkit/dwarf';
import type { FunctionColumns } from './dwarf-functions.js';
import type { LineColumns } from './dwarf-lines.js';
import type { FunctionFacts } from './dwarf-source.js';
import type { SymbolColumns } from './symbol-index.js';

/**
 * The on-disk index of a module's DWARF (gdb's `index-cache`): everything a
 * lookup reads — the unit range index, `.debug_aranges`, each unit's
 * function nodes, line rows, file paths and function names — as typed
 * columns a second run maps straight back, so it neither inflates nor
 * decodes DWARF. The file is:
 *
 *     "ELFKIDX\n"  u32 format  u32 CRC-32 of everything after byte 16
 *     u32 manifest length      u32 0
 *     manifest (JSON: the key, the columns' kinds and places, the units)
 *     columns, each at a multiple of 8 bytes
 *
 * Anything that does not check out (magic, format, CRC, key, a column out
 * of the file) is an {@link IndexCacheError}: the caller ignores the file and
 * decodes the DWARF as if there were none.
 */

/** Bumped whenever the columns or their meaning change: files of another format are ignored. */
export const INDEX_FORMAT = 2;

const MAGIC = [0x45, 0x4c, 0x46, 0x4b, 0x49, 0x44, 0x58, 0x0a]; // ELFKIDX\n
const HEADER = 24;
/** Strings decoded one by one before all of them are decoded at once (see decodeIndex). */
const SINGLE_STRINGS = 256;

/** Why a cache file was not used. */
export class IndexCacheError extends ParseError {}

/** What a lookup reads of one unit (see DwarfSource.snapshot). */
export interface UnitSnapshot {
  /** The unit's function nodes (see UnitFunctions.columns). */
  readonly functions: FunctionColumns;
  /** Facts of each function node, by node. */
  readonly facts: readonly FunctionFacts[];
  /** DW_AT_language of the unit that describes the functions. */
  readonly language: number | undefined;
  /** The unit's line rows, the path of each file index a lookup can ask for, DW_AT_comp_dir and the count of discarded sequences. */
  readonly lines?: { readonly columns: LineColumns; readonly paths: readonly (string | undefined)[]; readonly compDir: string | undefined; readonly discarded: number };
}

/** Unit range tables: sorted starts, ends, the running maximum of ends, and the unit (position) of each range. */
export interface RangeTable {
  /** Range starts, ascending. */
  readonly lows: Float64Array;
  /** Range ends. */
  readonly highs: Float64Array;
  /** The largest end among this range and those before it. */
  readonly maxHigh: Float64Array;
}

/** Everything the index cache keeps of one module's DWARF. */
export interface DwarfSnapshot {
  /** Every compile unit's ranges (its DIE's and `.debug_aranges`), with the unit (position) of each. */
  readonly unitIndex: RangeTable & { readonly owners: Int32Array };
  /** `.debug_aranges`, with the unit each range names (-1: a type unit, or none that reads). */
  readonly aranges?: RangeTable & { readonly units: Int32Array };
  /** Each compile unit, by position. */
  readonly units: readonly UnitSnapshot[];
  /** The module's symbol index (its names stay in the ELF), when it is kept too. */
  readonly symbols?: SymbolColumns;
}

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
const KINDS = [Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array] as const;
type ColumnKind = (typeof KINDS)[number];

/** A unit as the manifest lists it: column numbers (-1: none) and small values. */
interface UnitEntry {
  /** FunctionColumns, in FUNCTION_FIELDS order. */
  f: number[];
  /** Per node: linkage name, short name, declaration file (string numbers, -1: none). */
  names: number;
  declLines: number;
  lang: number | null;
  /** LineColumns in LINE_FIELDS order, the paths (string numbers), comp dir (string number), discarded. */
  l?: { c: number[]; paths: number; dir: number; discarded: number };
}

interface Manifest {
  key: string;
  /**
   * Kind, offset and length of each column, three numbers a column, in one
   * flat list (format 1 had an array each: 22,000 arrays to parse and keep
   * for the docker CLI).
   */
  columns: number[];
  strings: [bytes: number, ends: number];
  index: number[];
  aranges: number[] | null;
  units: UnitEntry[];
  /** SymbolColumns: addrs, sizes, refs, which, locals, fileIdx, fileNames (string numbers), tableCounts. */
  symbols?: number[];
}

const FUNCTION_FIELDS = ['ranges', 'offsets', 'parents', 'rangeEnds', 'callFiles', 'callLines', 'callColumns', 'discs', 'lows', 'inlinedFlags', 'firstChild', 'nextSibling', 'spanLows', 'spanHighs', 'spanOwners', 'maxHigh'] as const;
const LINE_FIELDS = ['offset', 'file', 'line', 'column', 'disc', 'seqLow', 'seqHigh', 'seqFirst', 'seqEnd'] as const;
/** The kind each column is written as (FunctionColumns' and LineColumns' types). */
const FUNCTION_KINDS: readonly (ColumnKind | readonly ColumnKind[])[] = [Float64Array, [Uint32Array, Float64Array], Int32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Float64Array, Uint8Array, Int32Array, Int32Array, Float64Array, Float64Array, Int32Array, Float64Array];
const LINE_KINDS: readonly (ColumnKind | readonly ColumnKind[])[] = [[Uint32Array, Float64Array], Uint32Array, Uint32Array, Uint32Array, Uint32Array, Float64Array, Float64Array, Uint32Array, Uint32Array];

/** Serializes `snapshot` under `key` (which {@link decodeIndex} checks). */
export function encodeIndex(snapshot: DwarfSnapshot, key: string, crc32: (b: Uint8Array) => number = jsCrc32): Uint8Array {
  const columns: Column[] = [];
  const col = (a: Column): number => columns.push(a) - 1;
  const strings = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let n = strings.get(s);
    if (n === undefined) strings.set(s, (n = strings.size));
    return n;
  };
  const units: UnitEntry[] = snapshot.units.map((u) => {
    const names = new Int32Array(u.facts.length * 3);
    const declLines = new Uint32Array(u.facts.length);
    u.facts.forEach((f, i) => {
      names[i * 3] = str(f.linkageName);
      names[i * 3 + 1] = str(f.shortName);
      names[i * 3 + 2] = str(f.declFile);
      declLines[i] = f.declLine;
    });
    const e: UnitEntry = { f: FUNCTION_FIELDS.map((k) => col(u.functions[k])), names: col(names), declLines: col(declLines), lang: u.language ?? null };
    if (u.lines) {
      const l = u.lines;
      e.l = { c: LINE_FIELDS.map((k) => col(l.columns[k])), paths: col(Int32Array.from(l.paths, str)), dir: str(l.compDir), discarded: l.discarded };
    }
    return e;
  });
  const ix = snapshot.unitIndex;
  const index = [col(ix.lows), col(ix.highs), col(ix.owners), col(ix.maxHigh)];
  const ar = snapshot.aranges;
  const aranges = ar ? [col(ar.lows), col(ar.highs), col(ar.maxHigh), col(ar.units)] : null;
  const sy = snapshot.symbols;
  const symbols = sy ? [col(sy.addrs), col(sy.sizes), col(sy.refs), col(sy.which), col(sy.locals), col(sy.fileIdx), col(Int32Array.from(sy.fileNames, str)), col(sy.tableCounts)] : undefined;
  // Strings: UTF-8 one after the other, and where each ends.
  const enc = new TextEncoder();
  const parts = [...strings.keys()].map((s) => enc.encode(s));
  const ends = new Uint32Array(parts.length);
  let total = 0;
  parts.forEach((p, i) => (ends[i] = total += p.length));
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  const stringCols: [number, number] = [col(bytes), col(ends)];
  // Places: after the manifest, whose length depends on them — so they are counted from the end of the manifest.
  const places: number[] = [];
  let offset = 0;
  for (const c of columns) {
    places.push(KINDS.findIndex((K) => c instanceof K), offset, c.length);
    offset = align8(offset + c.byteLength);
  }
  const manifest: Manifest = { key, columns: places, strings: stringCols, index, aranges, units, symbols };
  const json = enc.encode(JSON.stringify(manifest));
  const base = align8(HEADER + json.length);
  const out = new Uint8Array(base + offset);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, INDEX_FORMAT, true);
  dv.setUint32(16, json.length, true);
  out.set(json, HEADER);
  columns.forEach((c, i) => out.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), base + places[i * 3 + 1]!));
  dv.setUint32(12, crc32(out.subarray(16)) >>> 0, true);
  return out;
}

/** A cache file's columns, mapped (views into its bytes). */
export interface DecodedIndex {
  /** The unit range index, as DwarfSnapshot's. */
  readonly unitIndex: RangeTable & { readonly owners: Int32Array };
  /** `.debug_aranges`, as DwarfSnapshot's. */
  readonly aranges?: RangeTable & { readonly units: Int32Array };
  /** Number of compile units. */
  readonly unitCount: number;
  /** The module's symbol index, when the file keeps it. */
  readonly symbols?: SymbolColumns;
  /** Unit `i`'s columns (views, made on first use). */
  unit(i: number): DecodedUnit;
  /** String `n` (decoded on first use), undefined for -1. */
  string(n: number): string | undefined;
}

/** One unit's columns from a cache file. */
export interface DecodedUnit {
  /** The unit's function nodes (see UnitFunctions.columns). */
  readonly functions: FunctionColumns;
  /** Three string numbers per node: linkage name, short name, declaration file. */
  readonly names: Int32Array;
  /** DW_AT_decl_line of each node (0: none). */
  readonly declLines: Uint32Array;
  /** DW_AT_language of the unit that describes the functions. */
  readonly language: number | undefined;
  /** The unit's line rows, the path of each file index, DW_AT_comp_dir and the count of discarded sequences. */
  readonly lines?: { readonly columns: LineColumns; readonly paths: readonly (string | undefined)[]; readonly compDir: string | undefined; readonly discarded: number };
}

/**
 * Checks a cache file and maps its columns; throws {@link IndexCacheError}
 * when it is damaged, truncated, of another format or for another `key`.
 */
export function decodeIndex(file: Uint8Array, key: string, crc32: (b: Uint8Array) => number = jsCrc32): DecodedIndex {
  const fail = (reason: string, offset = 0): never => {
    throw new IndexCacheError('invalid', `index cache: ${reason}`, 'file', offset);
  };
  if (file.length < HEADER) fail('truncated header');
  for (let i = 0; i < MAGIC.length; i++) if (file[i] !== MAGIC[i]) fail('not an elfkit index cache file');
  // Columns are read through typed-array views: they must start at a multiple of 8 in memory.
  const bytes = file.byteOffset % 8 === 0 ? file : file.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(8, true) !== INDEX_FORMAT) fail(`format ${dv.getUint32(8, true)}, not ${INDEX_FORMAT}`, 8);
  if (crc32(bytes.subarray(16)) >>> 0 !== dv.getUint32(12, true)) fail('checksum mismatch (damaged or truncated)', 12);
  const jsonLength = dv.getUint32(16, true);
  if (HEADER + jsonLength > bytes.length) fail('truncated manifest', 16);
  let m: Manifest;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, HEADER + jsonLength))) as Manifest;
  } catch {
    return fail('unreadable manifest', HEADER);
  }
  if (!isManifest(m)) fail('manifest of another shape', HEADER);
  if (m.key !== key) fail('made for another file', HEADER);
  const base = align8(HEADER + jsonLength);
  const places = m.columns;
  const views = emptySlots<Column>(places.length / 3);
  const column = <T extends Column>(n: number, kind?: ColumnKind | readonly ColumnKind[]): T => {
    if (!(n >= 0 && n * 3 < places.length)) return fail(`no column ${n}`, HEADER);
    const k = places[n * 3]!;
    const offset = places[n * 3 + 1]!;
    const length = places[n * 3 + 2]!;
    const K = KINDS[k];
    const allowed = kind === undefined ? undefined : Array.isArray(kind) ? kind : [kind as ColumnKind];
    // A column narrowed to 16 bits stands wherever 32 are expected (see narrowColumn).
    if (!K || (allowed && !allowed.some((A) => A === K || (A === Uint32Array && K === Uint16Array)))) return fail(`column ${n} of kind ${k}`, HEADER);
    const at = base + offset;
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(length) || length < 0 || at % 8 !== 0 || at + length * K.BYTES_PER_ELEMENT > bytes.length) return fail(`column ${n} outside the file`, Math.max(0, Math.min(at, bytes.length)) || 0);
    return (views[n] ??= new K(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, length)) as T;
  };
  const [strBytes, strEnds] = [column<Uint8Array>(m.strings[0], Uint8Array), column<Uint32Array>(m.strings[1], Uint32Array)];
  // Filled in at random: an array of that length made first stays a fast one (assigning far past the end of an empty array turns it into a dictionary).
  const decoded = emptySlots<string>(strEnds.length);
  const utf8 = new TextDecoder();
  // After a few hundred strings, all of them are decoded at once, and when they are ASCII (byte offsets are
  // character offsets) each is a slice of that text: a pass over a Go binary asks for 40,000 of its names and
  // paths, and one decoder call and a view each cost more than the 3 MB decoded together.
  let singles = 0;
  let text: string | null | undefined;
  const string = (n: number): string | undefined => {
    if (n < 0) return undefined;
    let s = decoded[n];
    if (s === undefined) {
      const end = strEnds[n];
      const start = n === 0 ? 0 : strEnds[n - 1];
      if (end === undefined || start === undefined || start > end || end > strBytes.length) return fail(`string ${n}`);
      if (text === undefined && ++singles > SINGLE_STRINGS) {
        const t = utf8.decode(strBytes);
        // Every byte of 0x80 or more joins a multi-byte character (fewer characters) or becomes U+FFFD.
        text = t.length === strBytes.length && t.indexOf('\uFFFD') < 0 ? t : null;
      }
      s = decoded[n] = text ? text.slice(start, end) : utf8.decode(strBytes.subarray(start, end));
    }
    return s;
  };
  const table = (ids: number[]) => ({ lows: column<Float64Array>(ids[0]!, Float64Array), highs: column<Float64Array>(ids[1]!, Float64Array), maxHigh: column<Float64Array>(ids[3]!, Float64Array) });
  const ix = m.index;
  const unitIndex = { ...table([ix[0]!, ix[1]!, 0, ix[3]!]), owners: column<Int32Array>(ix[2]!, Int32Array) };
  const ar = m.aranges;
  const aranges = ar ? { lows: column<Float64Array>(ar[0]!, Float64Array), highs: column<Float64Array>(ar[1]!, Float64Array), maxHigh: column<Float64Array>(ar[2]!, Float64Array), units: column<Int32Array>(ar[3]!, Int32Array) } : undefined;
  const unitCount = m.units.length;
  // Every unit a range names must be in the file.
  for (const owners of [unitIndex.owners, aranges?.units]) if (owners) for (const u of owners) if (u >= unitCount) fail(`range of unit ${u}`);
  // (at full length, filled in at random: see emptySlots)
  const units = emptySlots<DecodedUnit>(unitCount);
  const unit = (i: number): DecodedUnit => {
    let u = units[i];
    if (u) return u;
    const e = m.units[i];
    if (!e) return fail(`unit ${i}`);
    const functions = Object.fromEntries(FUNCTION_FIELDS.map((k, j) => [k, column(e.f[j]!, FUNCTION_KINDS[j])])) as unknown as FunctionColumns;
    const names = column<Int32Array>(e.names, Int32Array);
    const declLines = column<Uint32Array>(e.declLines, Uint32Array);
    const count = functions.parents.length;
    if (names.length !== count * 3 || declLines.length !== count) fail(`unit ${i}: names`);
    const bad = badFunctions(functions);
    if (bad) fail(`unit ${i}: ${bad}`);
    let lines: DecodedUnit['lines'];
    if (e.l) {
      const columns = Object.fromEntries(LINE_FIELDS.map((k, j) => [k, column(e.l!.c[j]!, LINE_KINDS[j])])) as unknown as LineColumns;
      const badRows = badLines(columns);
      if (badRows) fail(`unit ${i}: ${badRows}`);
      const paths = [...column<Int32Array>(e.l.paths, Int32Array)].map(string);
      lines = { columns, paths, compDir: string(e.l.dir), discarded: e.l.discarded };
    }
    u = units[i] = { functions, names, declLines, language: e.lang ?? undefined, lines };
    return u;
  };
  const sy = m.symbols;
  const symbols: SymbolColumns | undefined =
    sy && sy.length === 8
      ? {
          addrs: column(sy[0]!, Float64Array),
          sizes: column(sy[1]!, Float64Array),
          refs: column(sy[2]!, Int32Array),
          which: column(sy[3]!, Uint8Array),
          locals: column(sy[4]!, Int32Array),
          fileIdx: column(sy[5]!, Int32Array),
          fileNames: [...column<Int32Array>(sy[6]!, Int32Array)].map((n) => string(n) ?? ''),
          tableCounts: column(sy[7]!, Float64Array),
        }
      : undefined;
  return { unitIndex, aranges, unitCount, unit, string, symbols };
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const ints = (v: unknown, length?: number): v is number[] => Array.isArray(v) && (length === undefined || v.length === length) && v.every(isInt);

/** True when `m` has the manifest's shape (the JSON parsed, but a lookup reads its numbers as they are). */
function isManifest(m: unknown): m is Manifest {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  if (typeof x.key !== 'string' || !ints(x.columns) || x.columns.length % 3 !== 0) return false;
  if (!ints(x.strings, 2) || !ints(x.index, 4) || !(x.aranges === null || ints(x.aranges, 4)) || !(x.symbols === undefined || ints(x.symbols))) return false;
  if (!Array.isArray(x.units)) return false;
  for (const u of x.units as unknown[]) {
    if (typeof u !== 'object' || u === null) return false;
    const e = u as Record<string, unknown>;
    if (!ints(e.f, FUNCTION_FIELDS.length) || !isInt(e.names) || !isInt(e.declLines) || !(e.lang === null || isInt(e.lang))) return false;
    if (e.l === undefined) continue;
    const l = e.l as Record<string, unknown> | null;
    if (typeof l !== 'object' || l === null || !ints(l.c, LINE_FIELDS.length) || !isInt(l.paths) || !isInt(l.dir) || !isInt(l.discarded)) return false;
  }
  return true;
}

/**
 * What is wrong with a unit's function columns, if anything: what a lookup
 * relies on without checking, as a build makes them — equal lengths, range
 * bounds inside the pool, and tree links that only point forward (a child
 * or sibling after its node, a parent before it), so no walk can loop.
 */
function badFunctions(f: FunctionColumns): string | undefined {
  const n = f.parents.length;
  for (const k of ['offsets', 'rangeEnds', 'lows', 'inlinedFlags', 'firstChild', 'nextSibling'] as const) if (f[k].length !== n) return `${k}: ${f[k].length} values for ${n} functions`;
  for (const k of ['callFiles', 'callLines', 'callColumns', 'discs'] as const) if (f[k].length !== n && f[k].length !== 0) return `${k}: ${f[k].length} values for ${n} functions`;
  const pool = f.ranges.length;
  // Range bounds become addresses (BigInt) as they are: each must be one.
  if (f.ranges instanceof Float64Array) for (let k = 0; k < pool; k++) if (!(Number.isSafeInteger(f.ranges[k]!) && f.ranges[k]! >= 0)) return `range bound ${k}: ${f.ranges[k]}`;
  let end = 0;
  for (let i = 0; i < n; i++) {
    const e = f.rangeEnds[i]!;
    if (e < end || e > pool || (e & 1) !== 0) return `function ${i}: range end ${e}`;
    end = e;
    const p = f.parents[i]!;
    const c = f.firstChild[i]!;
    const s = f.nextSibling[i]!;
    if (p < -1 || p >= i || c < -1 || (c >= 0 && (c <= i || c >= n)) || s < -1 || (s >= 0 && (s <= i || s >= n))) return `function ${i}: tree links ${p} ${c} ${s}`;
    // A low PC is an address (NaN: none; -1: beyond 2^53, which a build keeps out of the cache).
    const low = f.lows[i]!;
    if (low === low && !(Number.isSafeInteger(low) && low >= 0)) return `function ${i}: low PC ${low}`;
  }
  const spans = f.spanLows.length;
  if (f.spanHighs.length !== spans || f.spanOwners.length !== spans || f.maxHigh.length !== spans) return 'span columns of unequal lengths';
  for (let k = 0; k < spans; k++) if (!(f.spanOwners[k]! >= 0 && f.spanOwners[k]! < n)) return `span ${k}: function ${f.spanOwners[k]}`;
  return undefined;
}

/** What is wrong with a unit's line columns, if anything: equal lengths, and each sequence's rows inside the rows. */
function badLines(l: LineColumns): string | undefined {
  const rows = l.offset.length;
  if (l.file.length !== rows || l.line.length !== rows) return 'line rows of unequal lengths';
  if ((l.column.length !== rows && l.column.length !== 0) || (l.disc.length !== rows && l.disc.length !== 0)) return 'line columns of unequal lengths';
  const seqs = l.seqLow.length;
  if (l.seqHigh.length !== seqs || l.seqFirst.length !== seqs || l.seqEnd.length !== seqs) return 'sequence columns of unequal lengths';
  for (let k = 0; k < seqs; k++) if (!(l.seqFirst[k]! < l.seqEnd[k]! && l.seqEnd[k]! <= rows)) return `sequence ${k}: rows ${l.seqFirst[k]}..${l.seqEnd[k]}`;
  return undefined;
}

/** An array of `n` undefined slots that V8 keeps as fast elements (filled in later in any order). */
export function emptySlots<T>(n: number): (T | undefined)[] {
  const a: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
