import { isParseError } from '@elfkit/binary';
import type { GoFunc } from './func.js';
import type { PcLnTable } from './table.js';

/** One frame at a PC: an inlined call or the physical function containing it. */
export interface GoFrame {
  /** The PC whose file and line this frame reports (a call site for outer frames). */
  readonly pc: bigint;
  /** Function name (the inlined callee for inlined frames). */
  readonly function: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** True for a frame that exists only in the inline tree. */
  readonly inlined: boolean;
  /** The physical function that holds the code. */
  readonly func: GoFunc;
  /** Line of the frame's `func` keyword, when the table records it (1.20+). */
  readonly startLine: number | undefined;
  /**
   * True on the outermost frame when the inline tree does not say where the
   * inlined code was called from; `file` and `line` are then undefined (see
   * {@link inlineFrames}).
   */
  readonly callSiteUnknown?: boolean;
}

/** One `runtime.inlinedCall` record. */
export interface InlinedCall {
  /** Offset of the callee's name (function name table). */
  readonly nameOff: number;
  /** Offset from the function entry of an instruction at the call site. */
  readonly parentPc: number;
  /** Callee's `func` line (1.20+). */
  readonly startLine: number | undefined;
  readonly funcID: number;
}

/** Where a layout keeps its inline tree: pcdata and funcdata indexes and the record size. */
interface InlineLayout {
  pcdata: number;
  funcdata: number;
  size: number;
}

// Go 1.20+: {funcID u8, _ [3]byte, nameOff i32, parentPc i32, startLine i32}.
const LAYOUT_120: InlineLayout = { pcdata: 2, funcdata: 3, size: 16 };
// Go 1.12–1.19: {parent i16, funcID u8, _ u8, file i32, line i32, func_ i32, parentPc i32}.
const LAYOUT_116: InlineLayout = { pcdata: 2, funcdata: 3, size: 20 };
// Go 1.13–1.15 numbered the tables PCDATA_InlTreeIndex 2, FUNCDATA_InlTree 4;
// Go 1.12 used 1 and 2. Both wrote 20-byte records.
const LAYOUTS_12: InlineLayout[] = [
  { pcdata: 2, funcdata: 4, size: 20 },
  { pcdata: 1, funcdata: 2, size: 20 },
];

const layoutCache = new WeakMap<PcLnTable, InlineLayout | null>();

/** Bytes of target memory: from the pclntab itself when the address is inside it, else through the image. */
function readMemory(t: PcLnTable, address: bigint, size: number): Uint8Array | undefined {
  if (t.address !== undefined && address >= t.address) {
    const rel = address - t.address;
    if (rel + BigInt(size) <= BigInt(t.data.length)) return t.data.subarray(Number(rel), Number(rel) + size);
  }
  return t.reader?.(address, size);
}

function readCall(t: PcLnTable, layout: InlineLayout, tree: bigint, ix: number): InlinedCall | undefined {
  const b = readMemory(t, tree + BigInt(ix * layout.size), layout.size);
  if (!b || b.length < layout.size) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = t.le;
  if (layout.size === 16) {
    return { funcID: b[0]!, nameOff: v.getInt32(4, le), parentPc: v.getInt32(8, le), startLine: v.getInt32(12, le) };
  }
  return { funcID: b[2]!, nameOff: v.getInt32(12, le), parentPc: v.getInt32(16, le), startLine: undefined };
}

/** True when `off` is the start of a name in the function name table. */
function nameStart(t: PcLnTable, off: number): boolean {
  const [start, end] = t.header.funcnametab;
  const at = start + off;
  return off >= 0 && at < end && (off === 0 || t.data[at - 1] === 0) && t.data[at] !== 0;
}

/**
 * Whether function `i`'s first inline tree record fits `layout`: it must
 * name a function and point inside its caller (an all-zero record, memory
 * that holds no tree, does not count as one). Undefined when the function
 * has no inline tree under the layout.
 */
function recordFits(t: PcLnTable, layout: InlineLayout, i: number): boolean | undefined {
  const f = t.func(i);
  if (f.npcdata <= layout.pcdata || f.pcdata(layout.pcdata) === 0 || f.nfuncdata <= layout.funcdata) return undefined;
  const tree = f.funcdata(layout.funcdata);
  if (tree === undefined) return undefined;
  const call = readCall(t, layout, tree, 0);
  const size = f.endPc - f.entryPc;
  return !!call && !(call.nameOff === 0 && call.parentPc === 0) && nameStart(t, call.nameOff) && call.parentPc >= 0 && call.parentPc < size;
}

/**
 * Checks a candidate layout on the first functions that have an inline
 * tree. A damaged function (its record cannot be read, or its tree does
 * not fit) must not turn inlining off for the whole table, nor leave the
 * choice to a wrong candidate that fits by accident: the layout fits when
 * at least two of three trees checked do. A wrong layout or `gofunc`
 * fits almost none.
 */
function layoutFits(t: PcLnTable, layout: InlineLayout): boolean {
  let fits = 0;
  let misfits = 0;
  for (let i = 0; i < t.funcCount && fits + misfits < 8; i++) {
    let fit: boolean | undefined;
    try {
      fit = recordFits(t, layout, i);
    } catch (e) {
      if (!isParseError(e)) throw e;
      continue;
    }
    if (fit === true) fits++;
    else if (fit === false) misfits++;
  }
  return fits > 0 && fits >= 2 * misfits;
}

/**
 * Which inline-tree layout `t` uses, or null when it has none that can be
 * read (1.18+ tables without `moduledata.gofunc`, or records that fail
 * validation).
 */
export function inlineLayout(t: PcLnTable): InlineLayout | null {
  let l = layoutCache.get(t);
  if (l !== undefined) return l;
  const candidates = t.format === '1.20' ? [LAYOUT_120] : t.format === '1.2' ? LAYOUTS_12 : [LAYOUT_116];
  l = null;
  for (const c of candidates) {
    if (layoutFits(t, c)) {
      l = c;
      break;
    }
  }
  layoutCache.set(t, l);
  return l;
}

/**
 * The inline tree index at `pc` of function `f` (-1: outside inlined code),
 * and the record it names.
 */
export function inlinedCallAt(f: GoFunc, pc: number): { index: number; call: InlinedCall | undefined } {
  const layout = inlineLayout(f.table);
  if (!layout || f.npcdata <= layout.pcdata) return { index: -1, call: undefined };
  const tree = f.funcdata(layout.funcdata);
  if (tree === undefined) return { index: -1, call: undefined };
  const index = f.pcdataAt(layout.pcdata, pc);
  return { index, call: index < 0 ? undefined : readCall(f.table, layout, tree, index) };
}

/**
 * Frames at `pc` inside `f`, innermost first (the runtime's inline
 * unwinder): while the PC is in inlined code, report the callee with the
 * PC's file and line, then continue at the call site `entry + parentPc`.
 *
 * Go's compiler leaves `parentPc` 0 for an inlined call that kept no inline
 * mark: Go 1.22+ (1.22–1.27 checked; 1.19 does not) partly evaluates package-level initializers such as
 * `var x = f(1)` statically and emits what remains as stores positioned in
 * the inlined bodies, without the call. When such code starts the function,
 * the entry PC maps back into the same (or a deeper) record and the
 * runtime's walk would loop. A parent never comes after its callee in the
 * function's tree (the compiler adds callers first), so a parent PC of 0
 * that leads to the same or a later record ends the walk: the frames found
 * so far, less those reached only through such a 0 (the entry's record need
 * not be the caller), then the function with `callSiteUnknown` and no file
 * or line. Any other loop is a damaged tree and a ParseError.
 */
export function inlineFrames(f: GoFunc, pc: number): GoFrame[] {
  const t = f.table;
  const frames: GoFrame[] = [];
  const layout = inlineLayout(t);
  const tree = layout && f.npcdata > layout.pcdata ? f.funcdata(layout.funcdata) : undefined;
  let cur = pc;
  let callSiteUnknown = false;
  if (layout && tree !== undefined) {
    const entry = f.entryPc;
    const size = f.endPc - entry;
    // Per frame: its record index and whether a parent PC of 0 led to it.
    const indexes: number[] = [];
    const fromEntry: boolean[] = [];
    let viaZero = false;
    // The walk visits each record at most once; the bound only guards the visited check's cost.
    for (let depth = 0; ; depth++) {
      const ix = f.pcdataAt(layout.pcdata, cur);
      if (ix < 0) break;
      if (indexes.length > 0 && (indexes.includes(ix) || (viaZero && ix >= indexes[indexes.length - 1]!))) {
        if (!viaZero) throw t.error('invalid', `inline tree of ${f.name} loops (entry ${indexes[indexes.length - 1]} leads back to ${ix})`, f.offset);
        while (fromEntry[fromEntry.length - 1]) {
          frames.pop();
          indexes.pop();
          fromEntry.pop();
        }
        callSiteUnknown = true;
        break;
      }
      if (depth === 1024) throw t.error('invalid', `inline tree of ${f.name} does not reach the outermost function`, f.offset);
      const call = readCall(t, layout, tree, ix);
      if (!call) throw t.error('out-of-range', `inline tree entry ${ix} of ${f.name} is outside the image`, f.offset);
      frames.push({
        pc: BigInt(cur),
        function: t.nameAt(call.nameOff),
        file: f.fileAtPc(cur),
        line: f.lineAtPc(cur),
        inlined: true,
        func: f,
        startLine: call.startLine,
      });
      indexes.push(ix);
      fromEntry.push(viaZero);
      if (call.parentPc < 0 || call.parentPc >= size) throw t.error('invalid', `inline tree entry ${ix} of ${f.name} has a call site outside the function`, f.offset);
      viaZero = call.parentPc === 0;
      cur = entry + call.parentPc;
    }
    if (callSiteUnknown) {
      // The last frame's parent PC is the 0 that ended the walk: the entry stands for the unknown call site.
      frames.push({ pc: BigInt(entry), function: f.name, file: undefined, line: undefined, inlined: false, func: f, startLine: f.startLine, callSiteUnknown: true });
      return frames;
    }
  }
  frames.push({ pc: BigInt(cur), function: f.name, file: f.fileAtPc(cur), line: f.lineAtPc(cur), inlined: false, func: f, startLine: f.startLine });
  return frames;
}
