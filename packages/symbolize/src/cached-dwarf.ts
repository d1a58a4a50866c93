import { UnitFunctions } from './dwarf-functions.js';
import { UnitLines } from './dwarf-lines.js';
import { CHAIN, chainFrames, rowFrames, type FunctionFacts } from './dwarf-source.js';
import { FrameBuffer, type Frame } from './frame.js';
import { emptySlots, type DecodedIndex } from './index-cache.js';
import { lowestOwnerAt, soleRangeAt } from './range-table.js';

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

interface CachedUnit {
  readonly functions: UnitFunctions;
  readonly lines: UnitLines | undefined;
  /** The facts of a function node (one object, rewritten by the next call). */
  readonly facts: (node: number) => FunctionFacts;
  readonly language: number | undefined;
}

/**
 * DwarfSource's lookups over an index cache file (see index-cache.ts):
 * the same unit search — `.debug_aranges` alone until one misses, then the
 * full unit index, as DwarfSource does — and the same frames, from columns
 * mapped out of the file instead of decoded DWARF.
 */
export class CachedDwarf {
  private readonly index: DecodedIndex;
  /** By unit number, filled in as lookups reach them (made at full length: a unit set far past the end of an empty array would turn it into a dictionary, looked up by hash on every address). */
  private readonly units: (CachedUnit | undefined)[];
  /** Set once a lookup fell through `.debug_aranges` (DwarfSource then has its full index). */
  private fullIndex = false;

  /** Lookups over `index`, a checked cache file (see decodeIndex). */
  constructor(index: DecodedIndex) {
    this.index = index;
    this.units = emptySlots(index.unitCount);
  }

  /** As DwarfSource.frames. */
  frames(address: bigint): Frame[] | undefined {
    const b = new FrameBuffer();
    return this.framesInto(address, b) ? b.frames : undefined;
  }

  /** As DwarfSource.framesInto. */
  framesInto(address: bigint, into: FrameBuffer): boolean {
    into.length = 0;
    if (address < 0n || address > MAX_SAFE_BIG) return false;
    const a = Number(address);
    const u = this.unitAt(a);
    if (u < 0) return false;
    const unit = this.unit(u);
    const fns = unit.functions;
    const lines = unit.lines;
    const row = lines ? lines.rowAt(a) : -1;
    const count = fns.chainInto(a, CHAIN);
    if (count === 0) rowFrames(lines, row, into);
    else chainFrames(CHAIN, count, row, fns, lines, unit.facts, unit.language, into);
    return true;
  }

  private unitAt(a: number): number {
    if (!this.fullIndex) {
      const fast = this.unitByAranges(a);
      if (fast >= 0) return fast;
      this.fullIndex = true;
    }
    const t = this.index.unitIndex;
    return lowestOwnerAt(t.lows, t.highs, t.maxHigh, t.owners, a);
  }

  private unitByAranges(a: number): number {
    const t = this.index.aranges;
    if (!t) return -1;
    const k = soleRangeAt(t.lows, t.highs, t.maxHigh, a);
    return k < 0 ? -1 : t.units[k]!;
  }

  private unit(i: number): CachedUnit {
    let u = this.units[i];
    if (u) return u;
    const d = this.index.unit(i);
    const functions = UnitFunctions.fromColumns(d.functions);
    const lines = d.lines && UnitLines.fromColumns(d.lines.columns, d.lines.paths, d.lines.compDir, d.lines.discarded);
    const index = this.index;
    // One object rewritten for each node asked for (chainFrames copies its fields at once): the strings are
    // kept by the index, so a pass over 60,000 functions keeps no object per function.
    const scratch: { -readonly [K in keyof FunctionFacts]: FunctionFacts[K] } = { linkageName: undefined, shortName: undefined, declFile: undefined, declLine: 0 };
    const names = d.names;
    const facts = (node: number): FunctionFacts => {
      scratch.linkageName = index.string(names[node * 3]!);
      scratch.shortName = index.string(names[node * 3 + 1]!);
      scratch.declFile = index.string(names[node * 3 + 2]!);
      scratch.declLine = d.declLines[node]!;
      return scratch;
    };
    u = this.units[i] = { functions, lines, facts, language: d.language };
    return u;
  }
}
