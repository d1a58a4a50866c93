import { ParseError } from '@elfkit/binary';
import {
  attrNumber,
  DW_AT_abstract_origin,
  DW_AT_decl_file,
  DW_AT_decl_line,
  DW_AT_high_pc,
  DW_AT_linkage_name,
  DW_AT_low_pc,
  DW_AT_MIPS_linkage_name,
  DW_AT_name,
  DW_AT_ranges,
  DW_AT_specification,
  DW_UT_split_type,
  DW_UT_type,
  SplitResolver,
  type Attribute,
  type DieCursor,
  type MutableAttribute,
  type Dwarf,
  type Unit,
} from '@elfkit/dwarf';
import { UnitLines } from './dwarf-lines.js';
import { UnitFunctions } from './dwarf-functions.js';
import { FrameBuffer, type Frame } from './frame.js';
import type { Tombstones } from './tombstone.js';
import { RecentCache } from './recent-cache.js';
import { lowestOwnerAt, soleRangeAt, upperBound } from './range-table.js';
import type { CachedDwarf } from './cached-dwarf.js';
import { IndexCacheError, type DwarfSnapshot, type UnitSnapshot } from './index-cache.js';

/** 1,024 recent answers (see RecentCache). */
const CACHE_BITS = 10;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** The attributes a function's facts come from; the rest of its DIE is skipped undecoded. */
const FACTS = new Uint8Array(DW_AT_MIPS_linkage_name + 1);
for (const a of [DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name, DW_AT_decl_file, DW_AT_decl_line, DW_AT_abstract_origin, DW_AT_specification]) FACTS[a] = 1;

/** What the DWARF says of a function DIE, through its abstract origin and specification. */
export interface FunctionFacts {
  linkageName?: string;
  shortName?: string;
  declFile?: string;
  declLine: number;
}

/** A unit's lazily built state; a failure is kept, so a damaged unit is decoded (and reported) once. */
interface UnitState {
  functions?: UnitFunctions | ParseError;
  /** The unit the functions came from (the split unit of a skeleton when found). */
  dieUnit?: Unit;
  lines?: UnitLines | ParseError | null;
  /** The facts of a function node (made on the first lookup with functions). */
  factsOf?: (node: number) => FunctionFacts;
  /** DW_AT_language of the DIE unit's root. */
  language?: { readonly value: number | undefined };
}

/** How the DWARF of a module finds split units (the module preloads their files through its host). */
export interface SplitUnits {
  /** The split unit of `skeleton`, from files already opened; undefined when none has it. */
  splitUnit(skeleton: Unit): Unit | undefined;
}

/**
 * Frames from DWARF (gimli's addr2line `Context`, LLVM's
 * `DWARFContext::getInliningInfoForAddress`): the unit covering an
 * address is found from the units' own ranges and `.debug_aranges`; each
 * unit's functions and line rows are decoded on its first lookup and kept.
 */
export class DwarfSource {
  readonly dwarf: Dwarf;
  private readonly tombstones: Tombstones;
  private readonly onError: (e: ParseError) => void;
  private readonly split: SplitUnits | undefined;
  private units?: Unit[];
  private lows?: Float64Array;
  private highs?: Float64Array;
  private owners?: Int32Array;
  private maxHigh?: Float64Array;
  private readonly states = new Map<Unit, UnitState>();
  /** Recently read function facts, per file, by DIE offset. */
  private readonly facts = new Map<Dwarf, RecentCache<FunctionFacts>>();
  /** Attribute objects reused by every DIE read for names (see DieCursor.attrsInto). */
  private readonly attrBuffer: MutableAttribute[] = [];

  constructor(dwarf: Dwarf, options: { tombstones: Tombstones; onError?: (e: ParseError) => void; split?: SplitUnits }) {
    this.dwarf = dwarf;
    this.tombstones = options.tombstones;
    const report = options.onError ?? (() => {});
    this.onError = (e) => {
      this.damaged = true;
      report(e);
    };
    this.split = options.split;
  }

  /** True once any part of the DWARF was found damaged (such DWARF is not put in the index cache). */
  private damaged = false;

  /**
   * The on-disk index cache's copy of this DWARF's lookup tables, when the
   * module found one: {@link frames} answers from it and nothing here is
   * decoded (see index-cache.ts).
   */
  cached?: CachedDwarf;

  /** The compile unit whose ranges hold `address`, or undefined. */
  unitAt(address: bigint): Unit | undefined {
    // The symbolizer asks twice for each address (split files, then frames).
    if (address === this.lastAddress) return this.lastUnit;
    const unit = this.findUnit(address);
    this.lastAddress = address;
    this.lastUnit = unit;
    return unit;
  }

  private lastAddress?: bigint;
  private lastUnit?: Unit;

  private findUnit(address: bigint): Unit | undefined {
    if (address < 0n || address > MAX_SAFE_BIG) return undefined;
    const a = Number(address);
    if (!this.units) {
      // Until a lookup misses them, `.debug_aranges` answer alone: the full index reads every unit's root DIE (a libc's thousand units).
      const fast = this.unitByAranges(a);
      if (fast) return fast;
    }
    this.index();
    const best = lowestOwnerAt(this.lows!, this.highs!, this.maxHigh!, this.owners!, a);
    return best < 0 ? undefined : this.units![best];
  }

  /**
   * Builds what the first lookup reads before any unit: the table of
   * `.debug_aranges` (nothing of `.debug_info`), so a caller can do it
   * while larger sections are still being inflated.
   */
  prepareUnitSearch(): void {
    if (!this.cached && !this.units) this.arangeTable();
  }

  /**
   * How much of `.debug_info` a lookup of `address` reads, as far as
   * `.debug_aranges` tell without reading it: up to the next unit they name
   * after the one covering `address` (the section's end after the last);
   * undefined when they do not decide (no sole range holds the address).
   * For inflating the section in steps: a lookup that reads further still
   * gets its bytes (see Dwarf's `growing`), only later.
   */
  infoBound(address: bigint): number | undefined {
    if (this.cached || address < 0n || address > MAX_SAFE_BIG) return undefined;
    const t = this.arangeTable();
    if (!t) return undefined;
    const k = soleRangeAt(t.lows, t.highs, t.maxHigh, Number(address));
    if (k < 0) return undefined;
    const starts = (this.arangeUnitStarts ??= distinctSorted(t.offsets));
    const next = upperBound(starts, t.offsets[k]!);
    return next < starts.length ? starts[next]! : Infinity;
  }

  /** The units `.debug_aranges` name, by offset (see infoBound). */
  private arangeUnitStarts?: Float64Array;

  /** True when `unit` is a skeleton whose split unit has not been looked for yet. */
  needsSplit(unit: Unit): boolean {
    return this.split !== undefined && !this.states.get(unit)?.functions && SplitResolver.isSkeleton(unit);
  }

  /**
   * The frames at `address`, innermost first, as LLVM builds them (before
   * any symbol-table naming): empty when a unit covers the address but has
   * no function or line for it (as llvm-symbolizer, which then prints ??);
   * undefined when no unit covers it, or the unit's functions and lines are
   * both damaged — another source may answer then.
   */
  frames(address: bigint): Frame[] | undefined {
    const b = new FrameBuffer();
    return this.framesInto(address, b) ? b.frames : undefined;
  }

  /** {@link frames} into `into` (its objects reused): false where frames gives undefined. */
  framesInto(address: bigint, into: FrameBuffer): boolean {
    into.length = 0;
    if (this.cached) {
      try {
        return this.cached.framesInto(address, into);
      } catch (e) {
        // A file whose checksum holds but whose columns do not (edited, or written by a faulty elfkit): answer from the DWARF.
        if (!(e instanceof IndexCacheError)) throw e;
        this.cached = undefined;
        into.length = 0;
      }
    }
    const unit = this.unitAt(address);
    if (!unit) return false;
    const a = Number(address);
    const fns = this.functionsOf(unit);
    const lines = this.linesOf(unit);
    const row = lines ? lines.rowAt(a) : -1;
    if (!fns && !lines) return false;
    const chain = CHAIN;
    const count = fns ? fns.chainInto(a, chain) : 0;
    if (count === 0) rowFrames(lines, row, into);
    else {
      const st = this.states.get(unit)!;
      const dieUnit = st.dieUnit!;
      const factsOf = (st.factsOf ??= (node: number) => this.factsOf(dieUnit, fns!.offset(node)));
      chainFrames(chain, count, row, fns!, lines, factsOf, (st.language ??= { value: rootLanguage(dieUnit) }).value, into);
    }
    return true;
  }

  /**
   * Everything a lookup reads, decoded for every unit, for the on-disk index
   * cache; undefined when the DWARF cannot be cached: it is damaged
   * somewhere, has split units (their `.dwo`/`.dwp` files would be part of
   * the key), a supplementary file, or an address or file index beyond
   * what the cache's columns hold.
   */
  snapshot(): DwarfSnapshot | undefined {
    if (this.dwarf.sup || this.damaged) return undefined;
    this.index();
    const units = this.units!;
    const position = new Map<number, number>();
    units.forEach((u, i) => position.set(u.offset, i));
    const t = this.arangeTable();
    let arangeUnits: Int32Array | undefined;
    if (t) {
      arangeUnits = new Int32Array(t.offsets.length);
      for (let k = 0; k < t.offsets.length; k++) {
        let unit: Unit | undefined;
        try {
          unit = this.dwarf.unitAt(t.offsets[k]!);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
        const type = unit?.unitType;
        const usable = unit !== undefined && type !== DW_UT_type && type !== DW_UT_split_type;
        const p = usable ? position.get(unit!.offset) : -1;
        if (p === undefined) return undefined;
        arangeUnits[k] = p;
      }
    }
    const unitSnapshots: UnitSnapshot[] = [];
    for (const unit of units) {
      if (SplitResolver.isSkeleton(unit)) return undefined;
      const fns = this.functionsOf(unit);
      const lines = this.linesOf(unit);
      const columns = fns?.columns();
      if (this.damaged || !fns || !columns) return undefined;
      const dieUnit = this.states.get(unit)!.dieUnit!;
      const facts: FunctionFacts[] = [];
      let maxFile = lines ? lines.maxFileIndex() : -1;
      for (let n = 0; n < fns.count; n++) {
        const f = this.factsOf(dieUnit, fns.offset(n));
        if (f.declLine >>> 0 !== f.declLine) return undefined;
        facts.push(f);
        maxFile = Math.max(maxFile, fns.callFile(n));
      }
      if (maxFile >= 1 << 16) return undefined;
      const paths: (string | undefined)[] = [];
      if (lines) for (let i = 0; i <= maxFile; i++) paths.push(lines.filePath(i));
      unitSnapshots.push({ functions: columns, facts, language: rootLanguage(dieUnit), lines: lines && { columns: lines.columns(), paths, compDir: lines.compDir, discarded: lines.discarded } });
    }
    if (this.damaged) return undefined;
    return {
      unitIndex: { lows: this.lows!, highs: this.highs!, owners: this.owners!, maxHigh: this.maxHigh! },
      aranges: t && arangeUnits ? { lows: t.lows, highs: t.highs, maxHigh: t.maxHigh, units: arangeUnits } : undefined,
      units: unitSnapshots,
    };
  }


  /** The unit's line rows (built once), or undefined when it has none or they are damaged. */
  linesOf(unit: Unit): UnitLines | undefined {
    const st = this.state(unit);
    if (st.lines === undefined) {
      try {
        const p = unit.lineProgram();
        let compDir: string | undefined;
        try {
          compDir = unit.root().compDir;
        } catch {
          compDir = undefined;
        }
        st.lines = p ? UnitLines.build(p, this.tombstones, compDir) : null;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        st.lines = e;
        this.onError(e);
      }
    }
    return st.lines instanceof UnitLines ? st.lines : undefined;
  }

  /** The unit's functions (built once), or undefined when its DIEs are damaged. */
  functionsOf(unit: Unit): UnitFunctions | undefined {
    const st = this.state(unit);
    if (st.functions === undefined) {
      let dieUnit = unit;
      if (SplitResolver.isSkeleton(unit)) {
        const s = this.split?.splitUnit(unit);
        if (s) dieUnit = s;
      }
      st.dieUnit = dieUnit;
      try {
        st.functions = UnitFunctions.build(dieUnit, this.tombstones);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        st.functions = e;
        this.onError(e);
      }
    }
    return st.functions instanceof UnitFunctions ? st.functions : undefined;
  }

  private state(unit: Unit): UnitState {
    let st = this.states.get(unit);
    if (!st) this.states.set(unit, (st = {}));
    return st;
  }

  /** Name, declaration file and line of the function DIE at `offset` of `unit`'s file, following DW_AT_abstract_origin and DW_AT_specification (LLVM's findRecursively). */
  private factsOf(unit: Unit, offset: number): FunctionFacts {
    let byOffset = this.facts.get(unit.dwarf);
    if (!byOffset) this.facts.set(unit.dwarf, (byOffset = new RecentCache(CACHE_BITS)));
    let f = byOffset.get(offset);
    if (f) return f;
    f = { declLine: 0 };
    let gotDeclFile = false;
    let gotDeclLine = false;
    // DIEs visited, as offset * 2 + (1 when in another file): at most 64.
    const seen: number[] = [];
    const work: { unit: Unit; offset: number }[] = [{ unit, offset }];
    const attrs = this.attrBuffer;
    try {
      for (let steps = 0; work.length && steps < 64; steps++) {
        const d = work.pop()!;
        const key = d.offset * 2 + (d.unit.dwarf === unit.dwarf ? 0 : 1);
        if (seen.includes(key)) continue;
        seen.push(key);
        const c = this.cursorAt(d.unit, d.offset);
        if (!c.next()) continue;
        const n = c.attrsWanted(attrs, FACTS);
        let linkage: Attribute | undefined;
        let mips: Attribute | undefined;
        let name: Attribute | undefined;
        let declFile: Attribute | undefined;
        let declLine: Attribute | undefined;
        let ao: Attribute | undefined;
        let sp: Attribute | undefined;
        for (let i = 0; i < n; i++) {
          const a = attrs[i]!;
          switch (a.name) {
            case DW_AT_linkage_name:
              linkage = a;
              break;
            case DW_AT_MIPS_linkage_name:
              mips = a;
              break;
            case DW_AT_name:
              name = a;
              break;
            case DW_AT_decl_file:
              declFile = a;
              break;
            case DW_AT_decl_line:
              declLine = a;
              break;
            case DW_AT_abstract_origin:
              ao = a;
              break;
            case DW_AT_specification:
              sp = a;
              break;
          }
        }
        if (f.linkageName === undefined) {
          const l = mips ?? linkage;
          if (l) f.linkageName = d.unit.attrString(l);
        }
        if (f.shortName === undefined && name) f.shortName = d.unit.attrString(name);
        if (!gotDeclFile && declFile) {
          gotDeclFile = true;
          const idx = attrNumber(declFile.value);
          if (idx !== undefined) f.declFile = this.declFilePath(d.unit, idx);
        }
        if (!gotDeclLine && declLine) {
          gotDeclLine = true;
          f.declLine = attrNumber(declLine.value) ?? 0;
        }
        // Pushed in this order and popped last-in first-out, as LLVM's findRecursively.
        const ta = ao && this.refTarget(d.unit, ao);
        const ts = sp && this.refTarget(d.unit, sp);
        if (ta) work.push(ta);
        if (ts) work.push(ts);
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      // A broken reference leaves the facts found so far.
    }
    byOffset.set(offset, f);
    return f;
  }

  /** `unit`'s cursor (one per unit, kept), moved to the DIE at `offset`. */
  private cursorAt(unit: Unit, offset: number): DieCursor {
    let c = this.cursors.get(unit);
    if (!c) this.cursors.set(unit, (c = unit.entriesAt(offset)));
    else c.seek(offset);
    return c;
  }

  private readonly cursors = new Map<Unit, DieCursor>();

  /** The file `index` of the line table that `unit`'s declarations use (the skeleton's, for a split unit, as LLVM). */
  private declFilePath(unit: Unit, index: number): string | undefined {
    const owner = unit.skeleton ?? unit;
    const lines = this.linesOf(owner);
    if (lines) return lines.filePath(index);
    try {
      return owner.lineProgram()?.filePath(index);
    } catch {
      return undefined;
    }
  }

  private refTarget(unit: Unit, a: Attribute): { unit: Unit; offset: number } | undefined {
    const r = unit.attrRef(a);
    if (!r || r.offset === undefined) return undefined;
    if (r.target === 'info') {
      if (r.offset >= unit.offset && r.offset < unit.end && !unit.header.inTypes) return { unit, offset: r.offset };
      const u = unit.dwarf.unitContaining(r.offset);
      return u ? { unit: u, offset: r.offset } : undefined;
    }
    if (r.target === 'sup' && unit.dwarf.sup) {
      const u = unit.dwarf.sup.unitContaining(r.offset);
      return u ? { unit: u, offset: r.offset } : undefined;
    }
    return undefined;
  }

  private aranges?: { lows: Float64Array; highs: Float64Array; maxHigh: Float64Array; offsets: Float64Array } | null;

  /** `.debug_aranges` sorted by start, tombstones left out (built once; null when there are none or they cannot be read). */
  private arangeTable(): { lows: Float64Array; highs: Float64Array; maxHigh: Float64Array; offsets: Float64Array } | null {
    if (this.aranges === undefined) {
      this.aranges = null;
      let spans;
      try {
        spans = this.dwarf.arangeSpans(this.onError);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.onError(e);
        return null;
      }
      // Sorted by start (a stable order: ties keep section order); tombstones left out.
      const order = sortedByStart(spans.lows, spans.count, (i) => this.tombstones.isTombstoneStart(spans.lows[i]!, spans.addressSizes[i]!));
      const starts = spans.lows;
      const n = order.length;
      if (n) {
        const lows = new Float64Array(n);
        const highs = new Float64Array(n);
        const maxHigh = new Float64Array(n);
        const offsets = new Float64Array(n);
        // Columns in locals: a property load each (an inline-cache call in the interpreter, where this loop runs) cost more than the copy.
        const spanHighs = spans.highs;
        const spanUnits = spans.unitOffsets;
        let m = 0;
        for (let i = 0; i < n; i++) {
          const j = order[i]!;
          const high = spanHighs[j]!;
          lows[i] = starts[j]!;
          highs[i] = high;
          offsets[i] = spanUnits[j]!;
          // (not Math.max: a call per range, mostly in the interpreter)
          if (high > m) m = high;
          maxHigh[i] = m;
        }
        this.aranges = { lows, highs, maxHigh, offsets };
      }
    }
    return this.aranges;
  }

  /**
   * The compile unit that `.debug_aranges` alone gives for `a`: when exactly
   * one of its ranges holds `a` and the unit's header reads; else undefined
   * (the full index decides).
   */
  private unitByAranges(a: number): Unit | undefined {
    const t = this.arangeTable();
    if (!t) return undefined;
    const k = soleRangeAt(t.lows, t.highs, t.maxHigh, a);
    if (k < 0) return undefined;
    try {
      const unit = this.dwarf.unitAt(t.offsets[k]!);
      const type = unit.unitType;
      return type === DW_UT_type || type === DW_UT_split_type ? undefined : unit;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      return undefined;
    }
  }

  /** Builds the unit range index: each compile unit's low/high PC or DW_AT_ranges, and `.debug_aranges`. */
  private index(): void {
    if (this.units) return;
    const units: Unit[] = [];
    const spans: { lo: number; hi: number; u: number }[] = [];
    const byOffset = new Map<number, number>();
    const add = (u: number, b: number | bigint, e: number | bigint, size: number) => {
      if (this.tombstones.isTombstoneStart(b, size)) return;
      if (typeof b === 'bigint' || typeof e === 'bigint' || !(b < e) || e > MAX_SAFE) return;
      spans.push({ lo: b, hi: e, u });
    };
    for (const unit of this.dwarf.units(this.onError)) {
      const t = unit.unitType;
      if (t === DW_UT_type || t === DW_UT_split_type || unit.header.inTypes) continue;
      const ui = units.length;
      units.push(unit);
      byOffset.set(unit.offset, ui);
      const size = unit.header.addressSize;
      try {
        const attrs = unit.rootAttributes();
        const low = attrs.find((a) => a.name === DW_AT_low_pc);
        const high = attrs.find((a) => a.name === DW_AT_high_pc);
        const ranges = attrs.find((a) => a.name === DW_AT_ranges);
        const lowPc = low ? unit.attrAddress(low) : undefined;
        if (lowPc !== undefined && high) {
          const h = unit.highPc(high, lowPc);
          if (h !== undefined) add(ui, num(lowPc), num(h), size);
        } else if (ranges) {
          const rc = unit.rangeListCursor(ranges);
          if (rc) while (rc.next()) if (rc.hasRange) add(ui, rc.begin >= 0 ? rc.begin : rc.beginAddress, rc.end >= 0 ? rc.end : rc.endAddress, size);
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.onError(e);
      }
    }
    // .debug_aranges is often incomplete, but it can also cover what a unit's DIE does not say.
    try {
      const spans = this.dwarf.arangeSpans(this.onError);
      for (let i = 0; i < spans.count; i++) {
        const ui = byOffset.get(spans.unitOffsets[i]!);
        if (ui !== undefined) add(ui, spans.lows[i]!, spans.highs[i]!, spans.addressSizes[i]!);
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.onError(e);
    }
    spans.sort((x, y) => x.lo - y.lo || x.u - y.u);
    const n = spans.length;
    this.lows = new Float64Array(n);
    this.highs = new Float64Array(n);
    this.owners = new Int32Array(n);
    this.maxHigh = new Float64Array(n);
    let m = 0;
    spans.forEach((s, i) => {
      this.lows![i] = s.lo;
      this.highs![i] = s.hi;
      this.owners![i] = s.u;
      m = Math.max(m, s.hi);
      this.maxHigh![i] = m;
    });
    this.units = units;
  }
}

function rootLanguage(unit: Unit): number | undefined {
  try {
    return unit.root().language;
  } catch {
    return undefined;
  }
}

function num(v: bigint): number | bigint {
  return v <= MAX_SAFE_BIG ? Number(v) : v;
}

/** The distinct values of `values`, in increasing order (a typed sort, then the repeats left out; no Set of numbers). */
function distinctSorted(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

/**
 * The indexes `i < count` but the tombstones, ordered by `starts[i]`, ties
 * by index. Where every start is below 2^37 and there are fewer than 2^16
 * of them (any shared library), start and index are packed into one exact
 * double and sorted natively: libc's two thousand ranges are sorted once per
 * run, mostly by the interpreter, where a comparator call costs.
 */
function sortedByStart(starts: Float64Array, count: number, isTombstone: (i: number) => boolean): number[] {
  const order: number[] = [];
  let packable = count < 0x10000;
  for (let i = 0; i < count; i++) {
    // A tombstone starts at 0 or within two of its address size's maximum: only those starts are asked about (a call per range costs).
    const s = starts[i]!;
    if ((s === 0 || s >= 0xfffe) && isTombstone(i)) continue;
    order.push(i);
    if (s >= 0x20_0000_0000) packable = false;
  }
  if (!packable) return order.sort((x, y) => starts[x]! - starts[y]! || x - y);
  const keys = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) keys[k] = starts[order[k]!]! * 0x10000 + order[k]!;
  keys.sort();
  for (let k = 0; k < keys.length; k++) order[k] = keys[k]! % 0x10000;
  return order;
}

/** The one frame of a line row where no function covers the address, into `into` (none without a row: llvm-symbolizer's ??). */
export function rowFrames(lines: UnitLines | undefined, row: number, into: FrameBuffer): void {
  if (row < 0) return;
  const f = into.add();
  f.function = f.linkageName = f.shortName = f.startFile = f.startAddress = f.lowAddress = f.language = undefined;
  lines!.locationInto(row, f);
  f.startLine = 0;
  f.inlined = false;
  f.compDir = lines!.compDir;
}

/** The chain of the lookup under way (see UnitFunctions.chainInto), reused: a lookup runs to its end before the next starts. */
export const CHAIN: number[] = [];

/** The frames of the first `count` function nodes of `chain` (innermost first, see UnitFunctions.chain) at line `row`, into `into`. */
export function chainFrames(chain: readonly number[], count: number, row: number, fns: UnitFunctions, lines: UnitLines | undefined, factsOf: (node: number) => FunctionFacts, language: number | undefined, into: FrameBuffer): void {
  let callFile = 0;
  let callLine = 0;
  let callColumn = 0;
  let callDisc = 0;
  const compDir = lines?.compDir;
  for (let i = 0; i < count; i++) {
    const node = chain[i]!;
    const facts = factsOf(node);
    const f = into.add();
    if (i === 0) {
      if (row >= 0) lines!.locationInto(row, f);
      else {
        f.file = undefined;
        f.line = f.column = f.discriminator = 0;
      }
    } else {
      f.file = lines?.filePath(callFile);
      f.line = callLine;
      f.column = callColumn;
      f.discriminator = callDisc;
    }
    callFile = fns.callFile(node);
    callLine = fns.callLine(node);
    callColumn = fns.callColumn(node);
    callDisc = fns.discriminator(node);
    f.function = undefined;
    f.linkageName = facts.linkageName;
    f.shortName = facts.shortName;
    f.startFile = facts.declFile;
    f.startLine = facts.declLine;
    f.startAddress = fns.lowPc(node);
    f.lowAddress = f.startAddress ?? fns.firstRangeStart(node);
    f.inlined = i !== count - 1;
    f.compDir = compDir;
    f.language = language;
  }
}
