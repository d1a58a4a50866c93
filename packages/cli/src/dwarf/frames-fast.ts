import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { CfaInstructionCursor, type CfaContext, type Cie, type FrameSection, type RegisterRule } from '@elfkit/dwarf';
import { HEX_DIGITS, putHex, putHex8, type TextOut } from '../io/text-out.js';
import { FDE_HEADER_MAX, putFdeHeader, putLsda, type FramesTextWriter } from './frames-text.js';

const EMPTY = new Uint8Array(0);
const asciiBytes = (t: string) => Uint8Array.from(t, (ch) => ch.charCodeAt(0));
/** The bytes of an FDE's header line after the end address, and its format line. */
const FDE_FORMAT32 = asciiBytes('\n  Format:       DWARF32\n');
/** The length of {@link CieInfo.fdeMiddle}. */
const FDE_MIDDLE_LENGTH = 21;

/** The longest instruction line the loop copies, and the most instruction bytes of an entry it takes. */
const LINE_MAX = 64;
const MAX_BYTES = 8192;
/**
 * Room for an entry's rows, which {@link FastFrames.body} writes after the
 * room for its lines and moves up behind them at the end: so many bytes per
 * instruction byte (an entry has at most one row per byte, and one more),
 * and a margin. An entry whose rows need more is left to the general way.
 */
const ROW_ROOM = 128;
const ROWS_EXTRA = 4096;
/** The most bytes of a row before its text: `  0x` and up to 14 hex digits (addresses below 2^53). */
const ROW_ADDRESS_MAX = 18;
/** The room {@link FastFrames.body} reserves for an entry of `n` instruction bytes: lines, a blank line, rows, a blank line. */
const bodyRoom = (n: number) => n * LINE_MAX + 1 + (n + 1) * ROW_ROOM + ROWS_EXTRA + 1;
/**
 * Slots of the two-byte instructions' lines: DW_CFA_offset by register and
 * operand (`(op & 0x3f) << 7 | b1`, 0 to 0x1fff), then by operand byte
 * def_cfa_offset (0x2000), def_cfa_offset_sf (0x2080), def_cfa_register
 * (0x2100), advance_loc1 (0x2200 to 0x22ff), and by register DW_CFA_undefined
 * (0x2300), DW_CFA_same_value (0x2380) and by operand byte GNU_args_size
 * (0x2400). Not the two bytes as a
 * 16-bit key: a 65,536-slot array (512 KB) is a large object in V8's young
 * generation, which counts against the same limit as the rest of it and
 * brought on a collection early in every dump.
 */
const TWO_SLOTS = 0x2480;
/** {@link FastFrames.edge}'s offset for a register that loses its rule. */
const NO_RULE = NaN;
/**
 * Edge keys: an offset rule `reg * 0x100000 + offset + 0x80000` (0 and up),
 * no rule `−1 − reg` (−1 to −64), DW_CFA_undefined `UNDEFINED_EDGE − reg`,
 * DW_CFA_same_value `SAME_VALUE_EDGE − reg`, DW_CFA_register
 * `REGISTER_EDGE − (reg << 7 | reg2)` (registers below 0x80),
 * DW_CFA_expression {@link EXPRESSION_EDGE}'s; NO_EDGE, no rule change.
 */
const NO_EDGE = -0x100;
const UNDEFINED_EDGE = -0x200;
const SAME_VALUE_EDGE = -0x300;
const REGISTER_EDGE = -0x10000;
/** DW_CFA_expression: `EXPRESSION_EDGE − at`, the instruction's section offset (below EXPRESSION_AT_MAX, a small integer). */
const EXPRESSION_EDGE = -0x20000;
const EXPRESSION_AT_MAX = 0x3ffe0000;
/** The CFA register while the CFA is an expression (DW_CFA_def_cfa_expression). */
const EXPRESSION_CFA = -2;
/** DW_CFA_def_cfa_offset of a three-byte ULEB128 in the three-byte lines' map: this plus its offset (past every 24-bit key). */
const LONG_OFFSET_KEY = 0x1000000;
const CFA_IS = asciiBytes('CFA=');
/** The slot of the three-byte lines' map an expression instruction's line is handed over in (past every other key). */
const EXPRESSION_LINE_KEY = 0x2000000;
const UNDEFINED_RULE: RegisterRule = { kind: 'undefined' };
const SAME_VALUE_RULE: RegisterRule = { kind: 'same-value' };
/** The most bytes of an LSDA line. */
const LSDA_MAX = 40;
/** Row addresses written as numbers (exactly, in hex). */
const MAX_ROW_ADDRESS = Number.MAX_SAFE_INTEGER;
/** DW_EH_PE_pcrel | DW_EH_PE_sdata4: GCC's and Clang's FDE address encoding. */
const PCREL_SDATA4 = D.DW_EH_PE_pcrel | D.DW_EH_PE_sdata4;
/** Nested DW_CFA_remember_state the row machine allows (more is its error). */
const MAX_REMEMBERED = 1000;

/**
 * Lines of one- (by opcode), two- (by {@link TWO_SLOTS}' key) and
 * three-byte instructions (by 24-bit key).
 */
interface Lines {
  readonly one: (Uint8Array | undefined)[];
  readonly two: (Uint8Array | undefined)[];
  readonly three: Map<number, Uint8Array>;
}

/**
 * A set of register rules, as the row machine keeps it (registers
 * ascending), with the texts of its rows after the address (`: CFA=RSP+16:
 * RBX=[CFA-16], RIP=[CFA-8]` and a newline) by CFA rule, made when a row
 * first needs one, and the sets one instruction makes from it by edge (see
 * {@link FastFrames.body}): the same instructions from the same set reach
 * the same node in every FDE, so neither the set nor a text is made twice.
 */
interface RuleNode {
  readonly regs: readonly number[];
  readonly rules: readonly RegisterRule[];
  /** `: RBX=[CFA-16], RIP=[CFA-8]` (empty for no rules), made when first asked. */
  text: Uint8Array | undefined;
  /** Row texts after the address, by {@link cfaKey}. */
  readonly tails: Map<number, Uint8Array>;
  readonly next: Map<number, RuleNode>;
}

/** A CFA rule of a register (−1: none) below 256 and an offset within ±2^20 as a small integer; −1 for others. */
function cfaKey(register: number, offset: number): number {
  return register < 0x100 && offset >= -0x100000 && offset < 0x100000 ? (register + 1) * 0x200000 + offset + 0x100000 : -1;
}

/** `  0x<addr>` and a row's text after the address at `r` of `rows` (which has room for {@link ROW_ADDRESS_MAX} bytes and the text); returns the position after it. */
function putRow(rows: Uint8Array, r: number, addr: number, tail: Uint8Array): number {
  rows[r] = 0x20;
  rows[r + 1] = 0x20;
  rows[r + 2] = 0x30;
  rows[r + 3] = 0x78;
  if (addr <= 0xffffffff) {
    // The digits here, not by putHex (two calls more per row in the baseline code most rows are written by).
    let x = addr >>> 0;
    const n = x === 0 ? 1 : (35 - Math.clz32(x)) >> 2;
    r += 4 + n;
    for (let i = r - 1; i >= r - n; i--) {
      rows[i] = HEX_DIGITS[x & 15]!;
      x >>>= 4;
    }
  } else r = putHex(rows, r + 4, addr);
  rows.set(tail, r);
  return r + tail.length;
}

/** What the loop needs of a CIE, made once per CIE. */
interface CieInfo {
  /** The CIE as the section reads it (its header lines are written from it). */
  readonly entry: Cie;
  readonly ctx: CfaContext;
  readonly lines: Lines;
  readonly codeAlign: number;
  readonly dataAlign: number;
  /** The FDE header can be read here: `.eh_frame` with pc-relative 4-byte addresses, or `.debug_frame` with plain ones of 4 or 8 bytes; no segment selector. */
  readonly header: boolean;
  readonly addressSize: number;
  /** The CIE has augmentation data (`z`): so has every FDE. */
  readonly augmented: boolean;
  /** The FDEs' LSDA pointers: 0 none, 1 pc-relative 4-byte (GCC's), 2 another encoding. */
  readonly lsda: number;
  /** The CIE has no instructions (an FDE without any then has no rows: the general way prints that). */
  readonly noInstructions: boolean;
  /** The initial state: CFA register (−1: none) and offset, and rules. */
  readonly cfaRegister: number;
  readonly cfaOffset: number;
  readonly root: RuleNode;
  /** DW_CFA_restore of register r (below 64): 0 deletes its rule, 1 gives it the offset `restoreOffsets[r]`. */
  readonly restoreKinds: Uint8Array;
  readonly restoreOffsets: Int32Array;
  /** ` FDE cie=<offset> pc=`: the part of its FDEs' header lines between the CIE pointer and the start address. */
  readonly fdeMiddle: Uint8Array;
}

/**
 * `elfkit dwarf frames`' text for FDEs made of the instructions compilers
 * emit for nearly every function — advances, DW_CFA_def_cfa* (and Go's
 * def_cfa_offset_sf) with small operands, offset (and offset_extended*),
 * register, undefined, same_value, GNU_args_size, restore, nop,
 * remember/restore state, and (glibc's few) def_cfa_expression and
 * DW_CFA_expression — from their CIE's usual kinds of initial rules, for
 * those CIEs themselves and for the zero terminator:
 * the header read from the bytes (no entry object, no bigint), each
 * instruction decoded from its bytes, its line copied from a cache keyed
 * by them, the row state in local variables (the register rules as a node
 * of a graph of rule sets), each row written as it ends. A dump runs
 * mostly in V8's baseline code, where every property load and call costs
 * some 50–100 machine instructions: the general way (entry objects,
 * cursor, row machine, writer calls) spends several thousand per
 * instruction. Anything else is left to the general way, which also
 * reports every error: {@link fde} and {@link body} then write nothing.
 */
export class FastFrames {
  private section: FrameSection | undefined;
  private bytes: Uint8Array = EMPTY;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private little = true;
  private eh = true;
  /** The section's address when below 2^53 (pc-relative addresses), else −1. */
  private base = -1;
  private cies = new Map<number, CieInfo | null>();
  /** Lines by alignment factors (what they depend on, with the machine): a Go binary has a CIE per package, all alike. */
  private readonly linesByFactors = new Map<string, Lines>();
  /** Rule-set roots by their rules, shared by CIEs alike. */
  private readonly roots = new Map<string, RuleNode>();
  /** CFA texts (`CFA=RSP+16`) by {@link cfaKey}. */
  private readonly cfaTexts = new Map<number, Uint8Array>();
  /** The CIE found last, and its offset (FDEs of one CIE come together). */
  private lastCie: CieInfo | null = null;
  private lastCieOffset = -1;
  /** DW_CFA_remember_state's saved states. */
  private readonly savedNodes: RuleNode[] = [];
  private readonly savedRegisters: number[] = [];
  private readonly savedOffsets: number[] = [];

  constructor(
    private readonly out: TextOut,
    private readonly writer: FramesTextWriter,
    private readonly machine: number,
  ) {}

  /** Starts on a section's entries. */
  begin(s: FrameSection): void {
    this.section = s;
    this.bytes = s.bytes;
    this.view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    this.little = s.order === 'little';
    this.eh = s.kind === 'eh_frame';
    this.base = s.address <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.address) : -1;
    this.cies = new Map();
    this.lastCie = null;
    this.lastCieOffset = -1;
  }

  /**
   * Writes the FDE at `off` — header, instructions, rows — (or the CIE,
   * or the zero terminator) and returns the offset after it; −1, having
   * written nothing, when it is not one this reads (64-bit DWARF, another address encoding, an
   * LSDA, an instruction or state of another kind, anything malformed).
   */
  fde(off: number): number {
    const bytes = this.bytes;
    const len = bytes.length;
    const view = this.view;
    const little = this.little;
    if (off + 4 > len) return -1;
    const length = view.getUint32(off, little);
    if (length === 0) {
      // A zero terminator, and the zero padding after it (skipped, as the general way does).
      this.writer.terminator(off);
      let next = off + 4;
      while (next < len && bytes[next] === 0) next++;
      return next;
    }
    if (off + 8 > len) return -1;
    if (length < 4 || length >= 0xfffffff0 || length > len - off - 4) return -1;
    const end = off + 4 + length;
    const id = view.getUint32(off + 4, little);
    let cieOffset: number;
    if (this.eh) {
      if (id === 0) return this.cieEntry(off, end);
      cieOffset = off + 4 - id;
      if (cieOffset < 0 || cieOffset >= len) return -1;
    } else {
      if (id === 0xffffffff) return this.cieEntry(off, end);
      if (id >= len) return -1;
      cieOffset = id;
    }
    const cie = cieOffset === this.lastCieOffset ? this.lastCie : this.cieInfo(cieOffset, off);
    if (cie === null || !cie.header) return -1;
    let p = off + 8;
    let start: number;
    let range: number;
    if (this.eh) {
      if (p + 8 > end) return -1;
      start = this.base + p + view.getInt32(p, little);
      range = view.getInt32(p + 4, little);
      if (start < 0 || start > MAX_ROW_ADDRESS || range < 0) return -1;
      p += 8;
    } else if (cie.addressSize === 8) {
      if (p + 16 > end) return -1;
      const sh = view.getUint32(little ? p + 4 : p, little);
      const rh = view.getUint32(little ? p + 12 : p + 8, little);
      if (sh >= 0x200000 || rh >= 0x200000) return -1;
      start = sh * 0x100000000 + view.getUint32(little ? p : p + 4, little);
      range = rh * 0x100000000 + view.getUint32(little ? p + 8 : p + 12, little);
      p += 16;
    } else {
      if (p + 8 > end) return -1;
      start = view.getUint32(p, little);
      range = view.getUint32(p + 4, little);
      p += 8;
    }
    if (start + range > MAX_ROW_ADDRESS) return -1;
    let lsda = -1;
    if (cie.augmented) {
      if (p >= end) return -1;
      const n = bytes[p]!;
      if (n >= 0x80) return -1;
      if (cie.lsda !== 0) {
        // GCC's LSDA pointer, as FrameSection reads it: relative to its own address, in numbers for those below 2^53.
        if (cie.lsda !== 1 || n < 4 || p + 5 > end) return -1;
        lsda = this.base + p + 1 + view.getInt32(p + 1, little);
        if (lsda < 0 || lsda > MAX_ROW_ADDRESS) return -1;
      }
      p += 1 + n;
      if (p > end) return -1;
    }
    if ((p === end && cie.noInstructions) || end - p > MAX_BYTES) return -1;
    const o = this.out;
    // Room for the header and what body() writes at once: nothing goes to standard output before the entry is done.
    const buf = o.reserve(FDE_HEADER_MAX + LSDA_MAX + bodyRoom(end - p));
    const from = o.position;
    let q: number;
    if (start + range <= 0xffffffff) {
      // The header line's usual fields: eight digits each, the middle from the CIE (one copy for three pieces).
      q = putHex8(buf, from, off);
      buf[q] = 0x20;
      q = putHex8(buf, q + 1, length);
      buf[q] = 0x20;
      q = putHex8(buf, q + 1, id);
      buf.set(cie.fdeMiddle, q);
      q = putHex8(buf, q + FDE_MIDDLE_LENGTH, start);
      buf[q] = 0x2e;
      buf[q + 1] = 0x2e;
      buf[q + 2] = 0x2e;
      q = putHex8(buf, q + 3, start + range);
      buf.set(FDE_FORMAT32, q);
      q += FDE_FORMAT32.length;
    } else q = putFdeHeader(buf, from, off, length, id, cieOffset, start, start + range, false, this.eh);
    if (lsda >= 0) q = putLsda(buf, q, lsda);
    o.commit(q);
    if (this.body(cie, p, end, start)) return end;
    o.commit(from);
    return -1;
  }

  /**
   * What {@link fde} writes after the header, for an FDE whose header the
   * general way wrote: instructions `[start, end)` of the FDE at
   * `initialLocation` of the CIE at `cieOffset`. False, having written
   * nothing, when it is not of the usual kinds.
   */
  instructions(cieOffset: number, fdeOffset: number, start: number, end: number, initialLocation: bigint): boolean {
    const cie = this.cieInfo(cieOffset, fdeOffset);
    if (cie === null || (start === end && cie.noInstructions)) return false;
    const addr = Number(initialLocation);
    if (!(addr >= 0 && addr <= MAX_ROW_ADDRESS)) return false;
    return this.body(cie, start, end, addr);
  }

  /**
   * Writes the CIE at `off` (ending at `end`) as the general way prints it:
   * its header and fields, its instructions' lines, and its initial rules
   * (read for its FDEs) as a row without an address — so that a dump whose
   * entries are all of the usual kinds never runs the general way's code,
   * whose first run (code not yet compiled, type feedback not yet
   * gathered) costs some 0.5 ms. Returns the offset after it, or −1 having
   * written nothing.
   */
  private cieEntry(off: number, end: number): number {
    // As the general way reads it (no FDE to name in a message); its initial rules read without error.
    const cie = this.cieInfo(off, undefined);
    if (cie === null) return -1;
    const e = cie.entry;
    const s = this.section!;
    const o = this.out;
    if (e.end !== end || e.instructionsOffset > end) return -1;
    // The instructions' lines and the row before anything is written (nothing goes to standard output before the entry is done).
    const lines: Uint8Array[] = [];
    let n = 0;
    try {
      const c = new CfaInstructionCursor(this.bytes, cie.ctx, s.order, s.name, e.instructionsOffset, end);
      while (c.next()) {
        const line = this.writer.instructionLine(c, s);
        lines.push(line);
        n += line.length;
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      return -1;
    }
    let row: Uint8Array = EMPTY;
    if (cie.cfaRegister >= 0 || cie.root.regs.length > 0) {
      const k = cfaKey(cie.cfaRegister, cie.cfaOffset);
      const tail = k < 0 ? undefined : (cie.root.tails.get(k) ?? this.tail(cie.root, cie.cfaRegister, cie.cfaOffset, k, cie));
      if (tail === undefined) return -1;
      // `  CFA=RSP+8: RIP=[CFA-8]`: the text without its `: `.
      row = tail.subarray(2);
    }
    this.writer.cie(s, e);
    const buf = o.reserve(n + row.length + 4);
    let p = o.position;
    for (const line of lines) {
      buf.set(line, p);
      p += line.length;
    }
    buf[p++] = 0x0a;
    if (row.length) {
      buf[p] = 0x20;
      buf[p + 1] = 0x20;
      buf.set(row, p + 2);
      p += 2 + row.length;
    }
    buf[p++] = 0x0a;
    o.commit(p);
    return end;
  }

  /** The CIE at `off` as the loop needs it, or null when it is not of the usual kinds (or not a CIE, or malformed); `from`, the FDE that points there. */
  private cieInfo(off: number, from: number | undefined): CieInfo | null {
    let info = this.cies.get(off);
    if (info === undefined) {
      info = null;
      try {
        info = this.readCie(off, from);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
      this.cies.set(off, info);
    }
    this.lastCie = info;
    this.lastCieOffset = off;
    return info;
  }

  private readCie(off: number, from: number | undefined): CieInfo | null {
    const s = this.section!;
    // As the general way reads it (FrameSection keeps the CIE, or its error, for that).
    const cie = s.cieAt(off, from);
    const cursor = s.instructions(cie);
    const state = D.cieInitialState(cie, cursor, { machine: this.machine });
    const ctx = cursor.context;
    if (state.cfa.kind !== 'register' || state.cfa.addressSpace !== undefined) return null;
    const cfaRegister = state.cfa.register;
    const cfaOffset = state.cfa.offset;
    if (cfaRegister >= 0x100 || cfaOffset < -0x100000 || cfaOffset >= 0x100000) return null;
    if (!ctx.codeAlign || !ctx.dataAlign) return null;
    const regs = [...state.registers.keys()].sort((a, b) => a - b);
    const rules = regs.map((r) => state.registers.get(r)!);
    const restoreKinds = new Uint8Array(64);
    const restoreOffsets = new Int32Array(64);
    let key = '';
    for (let i = 0; i < regs.length; i++) {
      const r = rules[i]!;
      if (r.kind === 'offset') {
        if (r.offset < -0x80000 || r.offset >= 0x80000) return null;
        key += `${regs[i]}o${r.offset} `;
      } else if (r.kind === 'undefined' || r.kind === 'same-value') key += `${regs[i]}${r.kind} `;
      else return null;
      if (regs[i]! < 64) {
        // A restore to a rule other than an offset is left to the general way.
        restoreKinds[regs[i]!] = r.kind === 'offset' ? 1 : 2;
        if (r.kind === 'offset') restoreOffsets[regs[i]!] = r.offset;
      }
    }
    let root = this.roots.get(key);
    if (!root) this.roots.set(key, (root = { regs, rules, text: regs.length ? undefined : EMPTY, tails: new Map(), next: new Map() }));
    const factors = `${ctx.codeAlign} ${ctx.dataAlign}`;
    let lines = this.linesByFactors.get(factors);
    if (!lines) this.linesByFactors.set(factors, (lines = { one: new Array<Uint8Array | undefined>(0x100).fill(undefined), two: new Array<Uint8Array | undefined>(TWO_SLOTS), three: new Map() }));
    const header = cie.segmentSize === 0 && (this.eh ? cie.fdeEncoding === PCREL_SDATA4 && cie.addressSize === 8 && this.base >= 0 : cie.addressSize === 8 || cie.addressSize === 4);
    return {
      entry: cie,
      ctx,
      lines,
      codeAlign: ctx.codeAlign,
      dataAlign: ctx.dataAlign,
      header,
      addressSize: cie.addressSize,
      augmented: cie.augmentationData !== undefined,
      lsda: cie.lsdaEncoding === D.DW_EH_PE_omit ? 0 : this.eh && cie.lsdaEncoding === PCREL_SDATA4 ? 1 : 2,
      noInstructions: cie.instructions.length === 0,
      cfaRegister,
      cfaOffset,
      root,
      restoreKinds,
      restoreOffsets,
      fdeMiddle: asciiBytes(` FDE cie=${off.toString(16).padStart(8, '0')} pc=`),
    };
  }

  /**
   * The instructions `[start, end)` and rows of an FDE of `cie` at `addr`;
   * false, having written nothing, at the first instruction or state of
   * another kind. Every way out but the last is a plain `return false` and
   * each rule change goes through one call of {@link edge}: a site of the
   * loop first run late (a property load, a call) would set V8's count
   * towards optimizing it back to zero.
   */
  private body(cie: CieInfo, start: number, end: number, addr: number): boolean {
    const n = end - start;
    if (n > MAX_BYTES) return false;
    const lines = cie.lines;
    const one = lines.one;
    const two = lines.two;
    const three = lines.three;
    const codeAlign = cie.codeAlign;
    const dataAlign = cie.dataAlign;
    const little = this.little;
    const bytes = this.bytes;
    const o = this.out;
    // Room for every line (each instruction is a byte or more and its line at most LINE_MAX), then for the rows:
    // nothing goes to standard output before the entry is done, so giving up is not committing.
    const buf = o.reserve(bodyRoom(n));
    const from = o.position;
    let p = from;
    // The rows go after the lines' room and are moved up behind the lines at the end (one copy, no second buffer).
    const rowsFrom = from + n * LINE_MAX + 1;
    const rowsEnd = rowsFrom + (n + 1) * ROW_ROOM + ROWS_EXTRA;
    let r = rowsFrom;
    let node = cie.root;
    // The CFA rule: a register (−1: none) and offset, or EXPRESSION_CFA and the section offset of the DW_CFA_def_cfa_expression.
    let cfaRegister = cie.cfaRegister;
    let cfaOffset = cie.cfaOffset;
    // The current row's text after the address (undefined when the state has changed since it was looked up), and its length.
    let tail: Uint8Array | undefined;
    let tailLength = 0;
    let saved = 0;
    let i = start;
    for (;;) {
      // A row ends at each advance and after the last instruction (unless there is no rule at all).
      let advance = -1;
      if (i < end) {
        const b0 = bytes[i]!;
        const high = b0 & 0xc0;
        // The line's cache key: the instruction's bytes (one or three of them; two, a slot of TWO_SLOTS).
        let key = b0;
        let size = 1;
        // A rule change: the edge's key, the register and its offset (NO_RULE: none).
        let edgeKey = NO_EDGE;
        let reg = 0;
        let off = 0;
        if (high === 0x40) advance = (b0 & 0x3f) * codeAlign; // DW_CFA_advance_loc
        else if (high === 0x80) { // DW_CFA_offset
          const b1 = i + 1 < end ? bytes[i + 1]! : 0x80;
          if (b1 >= 0x80) return false;
          reg = b0 & 0x3f;
          off = b1 === 0 ? 0 : b1 * dataAlign;
          if (off < -0x80000 || off >= 0x80000) return false;
          edgeKey = reg * 0x100000 + off + 0x80000;
          key = (reg << 7) | b1;
          size = 2;
        } else if (high === 0xc0) { // DW_CFA_restore
          reg = b0 & 0x3f;
          const kind = cie.restoreKinds[reg]!;
          if (kind === 0) {
            edgeKey = -1 - reg;
            off = NO_RULE;
          } else if (kind === 1) {
            off = cie.restoreOffsets[reg]!;
            edgeKey = reg * 0x100000 + off + 0x80000;
          } else return false;
        } else {
          // The operand bytes (0x100 past the entry's end), read when an instruction has operands.
          let b1 = 0x100;
          let b2 = 0x100;
          // An instruction of the rarer kinds, taken by rare().
          let other = false;
          if (b0 !== 0x00 && b0 !== 0x0a && b0 !== 0x0b) {
            if (i + 1 < end) b1 = bytes[i + 1]!;
            if (i + 2 < end) b2 = bytes[i + 2]!;
          }
          switch (b0) {
            case 0x00: // DW_CFA_nop
              break;
            case 0x0a: // DW_CFA_remember_state
              if (saved >= MAX_REMEMBERED) return false;
              this.savedNodes[saved] = node;
              this.savedRegisters[saved] = cfaRegister;
              this.savedOffsets[saved] = cfaOffset;
              saved++;
              break;
            case 0x0b: // DW_CFA_restore_state
              if (saved === 0) return false;
              saved--;
              node = this.savedNodes[saved]!;
              cfaRegister = this.savedRegisters[saved]!;
              cfaOffset = this.savedOffsets[saved]!;
              tail = undefined;
              break;
            case 0x0e: // DW_CFA_def_cfa_offset: a one- or two-byte ULEB128 (a longer one is of the rarer kinds)
              // After an expression the general way reports it.
              if (cfaRegister === EXPRESSION_CFA) return false;
              if (b1 < 0x80) {
                cfaOffset = b1;
                key = 0x2000 | b1;
                size = 2;
              } else if (b1 < 0x100 && b2 < 0x80) {
                cfaOffset = (b1 & 0x7f) | (b2 << 7);
                key = (b0 << 16) | (b1 << 8) | b2;
                size = 3;
              } else other = true;
              tail = undefined;
              break;
            case 0x13: { // DW_CFA_def_cfa_offset_sf: a one- or two-byte SLEB128, factored (Go's every frame size change)
              if (cfaRegister === EXPRESSION_CFA) return false;
              let v: number;
              if (b1 < 0x80) {
                v = b1 & 0x40 ? b1 - 0x80 : b1;
                key = 0x2080 | b1;
                size = 2;
              } else if (b1 < 0x100 && b2 < 0x80) {
                v = (b1 & 0x7f) | (b2 << 7);
                if (b2 & 0x40) v -= 0x4000;
                key = (b0 << 16) | (b1 << 8) | b2;
                size = 3;
              } else return false;
              cfaOffset = v === 0 ? 0 : v * dataAlign;
              tail = undefined;
              break;
            }
            case 0x02: // DW_CFA_advance_loc1
              if (b1 >= 0x100) return false;
              advance = b1 * codeAlign;
              key = 0x2200 | b1;
              size = 2;
              break;
            case 0x03: // DW_CFA_advance_loc2
              if (b2 >= 0x100) return false;
              advance = (little ? b1 | (b2 << 8) : (b1 << 8) | b2) * codeAlign;
              key = (b0 << 16) | (b1 << 8) | b2;
              size = 3;
              break;
            default:
              other = true;
          }
          if (other) {
            // The rarer kinds by a call, its results in fields read whether it took the instruction or not: a
            // site here first run after V8 has optimized the loop (no type feedback) would throw the optimized
            // code away, and the call, the loads and the test are first run by the first instruction of another kind.
            // 0: not one of them; 1: taken; 2: taken, a new CFA rule (this.rareRegister and the offset).
            const taken = this.rare(b0, b1, b2, cie, i, end, cfaRegister, cfaOffset);
            key = this.rareKey;
            size = this.rareSize;
            edgeKey = this.rareEdge;
            reg = b1;
            off = this.rareOffset;
            if (taken === 2) {
              cfaRegister = this.rareRegister;
              cfaOffset = off;
              tail = undefined;
            } else if (taken === 0) return false;
          }
        }
        if (edgeKey !== NO_EDGE) {
          node = node.next.get(edgeKey) ?? this.edge(node, edgeKey, reg, off);
          tail = undefined;
        }
        let line = size === 1 ? one[key] : size === 2 ? two[key] : three.get(key);
        if (line === undefined) {
          line = this.line(cie.ctx, i, end, advance, size);
          if (line === undefined) return false;
          if (size === 1) one[key] = line;
          else if (size === 2) two[key] = line;
          else three.set(key, line);
        }
        buf.set(line, p);
        p += line.length;
        i += size;
        if (advance < 0) continue;
      } else if (cfaRegister === -1 && node.regs.length === 0) break;
      // The row that ends here: the state before the advance, from the address before it.
      if (tail === undefined) {
        const k = cfaKey(cfaRegister, cfaOffset);
        if (k >= 0) tail = node.tails.get(k) ?? this.tail(node, cfaRegister, cfaOffset, k, cie);
        else if (cfaRegister === EXPRESSION_CFA) tail = this.expressionTail(node, cfaOffset, cie);
        else return false;
        if (tail === undefined) return false;
        tailLength = tail.length;
      }
      if (r + ROW_ADDRESS_MAX + tailLength > rowsEnd) return false;
      r = putRow(buf, r, addr, tail);
      if (advance < 0) break;
      addr += advance;
      if (addr > MAX_ROW_ADDRESS) return false;
    }
    buf[p++] = 0x0a;
    // The rows up behind the lines (the lines end before the rows' room starts).
    if (r > rowsFrom) {
      buf.copyWithin(p, rowsFrom, r);
      p += r - rowsFrom;
    }
    buf[p++] = 0x0a;
    o.commit(p);
    return true;
  }

  /** {@link rare}'s results: the line's cache key and the instruction's size, the edge's key and the offset of an offset rule (or the CFA's). */
  private rareKey = 0;
  private rareSize = 1;
  private rareEdge = NO_EDGE;
  private rareOffset = 0;
  /** A new CFA register (when rare() returns 2), and DW_CFA_expression's expression length (at {@link rareOffset}). */
  private rareRegister = -1;
  private rareExpressionLength = 0;

  /**
   * Takes the instruction at `at` (before `end`) of the rarer kinds
   * {@link body} reads: DW_CFA_register, undefined, same_value,
   * offset_extended(_sf) and GNU_args_size with a register and operand of
   * a byte each (`b1`, `b2`; 0x100 past the entry's end), def_cfa_offset of
   * a three-byte ULEB128 (a frame of 16 KB or more), and def_cfa_expression
   * and DW_CFA_expression with an expression of fewer than 0x80 bytes — its
   * results in the fields above, the register `b1`. False for any other
   * (and for a change of the CFA's offset while it is an expression,
   * `cfaRegister` EXPRESSION_CFA, which the general way reports).
   */
  private rare(b0: number, b1: number, b2: number, cie: CieInfo, at: number, end: number, cfaRegister: number, cfaOffset: number): number {
    this.rareEdge = NO_EDGE;
    this.rareSize = 0;
    const dataAlign = cie.dataAlign;
    if (b0 === 0x0e) {
      if (cfaRegister === EXPRESSION_CFA) return 0;
      const b3 = at + 3 < end ? this.bytes[at + 3]! : 0x80;
      if (b1 >= 0x100 || b2 >= 0x100 || b3 >= 0x80) return 0;
      this.rareOffset = (b1 & 0x7f) | ((b2 & 0x7f) << 7) | (b3 << 14);
      this.rareRegister = cfaRegister;
      this.rareKey = LONG_OFFSET_KEY + this.rareOffset;
      this.rareSize = 4;
      return 2;
    }
    if (b1 >= 0x80) return 0;
    switch (b0) {
      case 0x0c: // DW_CFA_def_cfa
        if (b2 >= 0x80) return 0;
        this.rareRegister = b1;
        this.rareOffset = b2;
        this.rareKey = (b0 << 16) | (b1 << 8) | b2;
        this.rareSize = 3;
        return 2;
      case 0x0d: // DW_CFA_def_cfa_register (after an expression the general way reports it)
        if (cfaRegister === EXPRESSION_CFA) return 0;
        this.rareRegister = b1;
        this.rareOffset = cfaOffset;
        this.rareKey = 0x2100 | b1;
        this.rareSize = 2;
        return 2;
      case 0x05: // DW_CFA_offset_extended: ULEB128 offset
      case 0x11: { // DW_CFA_offset_extended_sf: SLEB128 offset
        if (b2 >= 0x80) return 0;
        const v = b0 === 0x11 && b2 & 0x40 ? b2 - 0x80 : b2;
        const off = v === 0 ? 0 : v * dataAlign;
        if (off < -0x80000 || off >= 0x80000) return 0;
        this.rareOffset = off;
        this.rareEdge = b1 * 0x100000 + off + 0x80000;
        this.rareKey = (b0 << 16) | (b1 << 8) | b2;
        this.rareSize = 3;
        return 1;
      }
      case 0x09: // DW_CFA_register
        if (b2 >= 0x80) return 0;
        this.rareEdge = REGISTER_EDGE - ((b1 << 7) | b2);
        this.rareKey = (b0 << 16) | (b1 << 8) | b2;
        this.rareSize = 3;
        return 1;
      case 0x07: // DW_CFA_undefined
        this.rareEdge = UNDEFINED_EDGE - b1;
        this.rareKey = 0x2300 | b1;
        this.rareSize = 2;
        return 1;
      case 0x08: // DW_CFA_same_value
        this.rareEdge = SAME_VALUE_EDGE - b1;
        this.rareKey = 0x2380 | b1;
        this.rareSize = 2;
        return 1;
      case 0x2e: // DW_CFA_GNU_args_size: neither a rule nor a row's text
        this.rareKey = 0x2400 | b1;
        this.rareSize = 2;
        return 1;
      case 0x0f: // DW_CFA_def_cfa_expression: an expression of 1 to 0x7f bytes
        if (b1 === 0 || !this.expressionLine(cie, at, end, 2 + b1)) return 0;
        this.rareRegister = EXPRESSION_CFA;
        this.rareOffset = at;
        return 2;
      case 0x10: // DW_CFA_expression: a register below 0x80, an expression of fewer than 0x80 bytes
        if (b2 >= 0x80 || at >= EXPRESSION_AT_MAX || !this.expressionLine(cie, at, end, 3 + b2)) return 0;
        this.rareOffset = at + 3;
        this.rareExpressionLength = b2;
        this.rareEdge = EXPRESSION_EDGE - at;
        return 1;
      default:
        return 0;
    }
  }

  /** Makes the text of `node`'s rows with the CFA rule of `register` and `offset` (key `k`) for an FDE of `cie`. */
  private tail(node: RuleNode, register: number, offset: number, k: number, cie: CieInfo): Uint8Array | undefined {
    let cfa = this.cfaTexts.get(k);
    if (cfa === undefined) this.cfaTexts.set(k, (cfa = this.writer.cfaText(register, offset)));
    return this.joinTail(node, cfa, cie, k);
  }

  /**
   * Makes the line of the expression instruction at `at` of `size` bytes
   * (not cached: the expression's bytes are not a key) for {@link body} to
   * find in the three-byte lines' map under {@link EXPRESSION_LINE_KEY}
   * (`rareKey`, `rareSize`); false when the expression runs past `end` or
   * is malformed (the general way reports it).
   */
  private expressionLine(cie: CieInfo, at: number, end: number, size: number): boolean {
    if (at + size > end) return false;
    let line: Uint8Array | undefined;
    try {
      line = this.line(cie.ctx, at, end, -1, size);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
    if (line === undefined) return false;
    cie.lines.three.set(EXPRESSION_LINE_KEY, line);
    this.rareKey = EXPRESSION_LINE_KEY;
    this.rareSize = size;
    return true;
  }

  /** {@link tail} for a CFA that is the expression of the DW_CFA_def_cfa_expression at `at` (not cached). */
  private expressionTail(node: RuleNode, at: number, cie: CieInfo): Uint8Array | undefined {
    const line = this.line(cie.ctx, at, at + 2 + this.bytes[at + 1]!, -1, 2 + this.bytes[at + 1]!);
    if (line === undefined) return undefined;
    // `  DW_CFA_def_cfa_expression: <expression>` and a newline: the row says `CFA=<expression>`.
    const from = line.indexOf(0x3a) + 2;
    const cfa = new Uint8Array(4 + line.length - 1 - from);
    cfa.set(CFA_IS);
    cfa.set(line.subarray(from, line.length - 1), 4);
    return this.joinTail(node, cfa, cie, -1);
  }

  /** `: `, the CFA text `cfa`, the rules' text and a newline, kept by `node` under `k` (−1: not kept). */
  private joinTail(node: RuleNode, cfa: Uint8Array, cie: CieInfo, k: number): Uint8Array | undefined {
    let text = node.text;
    if (text === undefined) {
      try {
        text = node.text = this.writer.rulesText(node.regs, node.rules, this.section, cie.addressSize);
      } catch (err) {
        // An expression rule that cannot be read (its instruction's line was): the general way reports it.
        if (!(err instanceof ParseError)) throw err;
      }
      if (text === undefined) return undefined;
    }
    const tail = new Uint8Array(2 + cfa.length + text.length + 1);
    tail[0] = 0x3a;
    tail[1] = 0x20;
    tail.set(cfa, 2);
    tail.set(text, 2 + cfa.length);
    tail[tail.length - 1] = 0x0a;
    if (k >= 0) node.tails.set(k, tail);
    return tail;
  }

  /**
   * The set `node` becomes when register `reg` gets the rule of the edge's
   * key (see {@link NO_EDGE}; for an offset rule, the offset `off`; for an
   * expression, its section offset `off`), made once.
   */
  private edge(node: RuleNode, key: number, reg: number, off: number): RuleNode {
    const hit = node.next.get(key);
    if (hit !== undefined) return hit;
    const rule: RegisterRule | undefined =
      key >= 0 ? { kind: 'offset', offset: off }
      : key <= EXPRESSION_EDGE ? { kind: 'expression', expression: this.bytes.subarray(off, off + this.rareExpressionLength), offset: off }
      : key <= REGISTER_EDGE ? { kind: 'register', register: (REGISTER_EDGE - key) & 0x7f }
      : key <= SAME_VALUE_EDGE ? SAME_VALUE_RULE
      : key <= UNDEFINED_EDGE ? UNDEFINED_RULE
      : undefined;
    const regs = node.regs.slice();
    const rules = node.rules.slice();
    let k = 0;
    while (k < regs.length && regs[k]! < reg) k++;
    const has = k < regs.length && regs[k] === reg;
    if (rule === undefined) {
      if (has) {
        regs.splice(k, 1);
        rules.splice(k, 1);
      }
    } else {
      if (has) rules[k] = rule;
      else {
        regs.splice(k, 0, reg);
        rules.splice(k, 0, rule);
      }
    }
    const next: RuleNode = { regs, rules, text: regs.length ? undefined : EMPTY, tails: new Map(), next: new Map() };
    node.next.set(key, next);
    return next;
  }

  /**
   * The line of the instruction at `at` of `size` bytes (`advance`: its
   * advance in bytes, −1 for none), or undefined when it is longer than
   * LINE_MAX a byte. An advance
   * or DW_CFA_def_cfa_offset (most of the lines not yet cached) is made
   * from its number; anything else by a cursor over it, as the general way
   * does.
   */
  private line(ctx: CfaContext, at: number, end: number, advance: number, size: number): Uint8Array | undefined {
    const bytes = this.bytes;
    const op = bytes[at]!;
    let line: Uint8Array;
    if (advance >= 0 && advance <= 0x7fffffff) line = this.writer.numberLine(op >= 0x40 ? 0x40 : op, advance);
    // def_cfa_offset's ULEB128 operand of one to three bytes, as the loop or rare() took it.
    else if (op === 0x0e) {
      const b1 = bytes[at + 1]!;
      const b2 = bytes[at + 2]!;
      line = this.writer.numberLine(op, b1 < 0x80 ? b1 : b2 < 0x80 ? (b1 & 0x7f) | (b2 << 7) : (b1 & 0x7f) | ((b2 & 0x7f) << 7) | (bytes[at + 3]! << 14));
    }
    else {
      const s = this.section!;
      const c = new CfaInstructionCursor(bytes, ctx, s.order, s.name, at, end);
      c.next();
      line = this.writer.instructionLine(c, s);
    }
    // LINE_MAX a byte of the instruction: the room body() reserves.
    return line.length > LINE_MAX * size ? undefined : line;
  }
}
