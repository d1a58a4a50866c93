import { ParseError } from '@elfkit/binary';

/** Slots of {@link PcValueStream.valueAt}'s cache (a power of two). */
const MEMO_SIZE = 1024;

/**
 * A cursor over one pcvalue table (pcsp, pcfile, pcln, pcdata): a sequence
 * of (value delta, PC delta) varint pairs decoded straight from the bytes,
 * as the Go runtime and debug/gosym do. The value starts at -1 and the PC
 * at the function entry; after each {@link next} the value `val` holds for
 * PCs in `[start, pc)`.
 *
 * Arithmetic mirrors Go's exactly: 32-bit varints (extra bits dropped),
 * zigzag value deltas added as int32 with wraparound, PC deltas multiplied
 * by the quantum as uint32. One cursor is reused across functions so hot
 * walks allocate nothing.
 */
export class PcValueStream {
  /** Byte position of the next pair in `data`. */
  pos = 0;
  /** End PC of the current value (exclusive). */
  pc = 0;
  /** PC where the current value starts. */
  start = 0;
  /** The current value. */
  val = -1;
  /** Entry PC of the function; a pair decoded while `pc` is still here counts as a first pair. */
  entry = 0;
  /** {@link valueAt}'s cache: [pos, target, entry, value] per slot (made on first use). */
  private memo: Float64Array | undefined;

  constructor(
    readonly data: Uint8Array,
    readonly quantum: number,
    readonly section: string,
  ) {}

  /** Positions the cursor at the table starting at byte `pos` for a function entered at `entry`. */
  reset(pos: number, entry: number): this {
    if (!(pos >= 0 && pos < this.data.length)) throw this.truncated(pos);
    this.pos = pos;
    this.pc = entry;
    this.start = entry;
    this.val = -1;
    this.entry = entry;
    return this;
  }

  /**
   * Decodes the next pair; false at the end of the table (a zero value
   * delta once the PC has moved past the entry). Throws a `truncated` ParseError when the
   * data ends first, so a damaged table can never loop.
   */
  next(): boolean {
    const d = this.data;
    let p = this.pos;
    if (p >= d.length) throw this.truncated(p);
    // Most deltas fit one byte; longer varints take the slow path.
    let uv = d[p++]!;
    if (uv & 0x80) {
      uv = this.varint(uv, p);
      p = this.pos;
    }
    // As Go, a zero value delta ends the table unless the PC is still at
    // the entry (the first pair may legitimately have a zero delta).
    if (uv === 0 && this.pc !== this.entry) {
      this.pos = p;
      return false;
    }
    this.val = (this.val + ((uv >>> 1) ^ -(uv & 1))) | 0;
    if (p >= d.length) throw this.truncated(p);
    let pd = d[p++]!;
    if (pd & 0x80) {
      pd = this.varint(pd, p);
      p = this.pos;
    }
    this.start = this.pc;
    this.pc += this.quantum === 1 ? pd : Math.imul(pd, this.quantum) >>> 0;
    this.pos = p;
    return true;
  }

  /**
   * The rest of a varint whose first byte `b0` had its high bit set, `p`
   * being the next byte; leaves `pos` after it. 32-bit like Go's
   * readvarint (bits past 32 are dropped).
   */
  private varint(b0: number, p: number): number {
    const d = this.data;
    let v = b0 & 0x7f;
    let shift = 7;
    let b: number;
    do {
      if (p >= d.length) throw this.truncated(this.pos);
      // Go writes 32-bit values: five bytes at most. A longer run of
      // continuation bytes is damage (Go would drop the bits and go on).
      if (shift > 28) throw new ParseError('invalid', 'pcvalue varint is longer than 5 bytes', this.section, this.pos);
      b = d[p++]!;
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    this.pos = p;
    return v >>> 0;
  }

  /**
   * The value at `target` for the table at `pos` of a function entered at
   * `entry`: -1 when the table does not cover `target` (as debug/gosym).
   * Answers are remembered in a small direct-mapped cache, as the Go
   * runtime's pcvalueCache: a traceback asks the same tables at the same
   * PCs again and again (goroutines parked at one call). The cursor is
   * left wherever the last decoded table ended.
   */
  valueAt(pos: number, entry: number, target: number): number {
    const slot = (pos ^ target ^ (target / 0x1_0000_0000)) & (MEMO_SIZE - 1);
    const memo = (this.memo ??= new Float64Array(4 * MEMO_SIZE).fill(-1));
    const at = 4 * slot;
    if (memo[at] === pos && memo[at + 1] === target && memo[at + 2] === entry) return memo[at + 3]!;
    const v = this.scan(pos, entry, target, false);
    memo[at] = pos;
    memo[at + 1] = target;
    memo[at + 2] = entry;
    memo[at + 3] = v;
    return v;
  }

  /**
   * Decodes the table at `pos` of a function entered at `entry` as
   * {@link next} would, pair after pair, in local variables (a cursor's
   * fields cost a property access each in the baseline code that listings
   * of every function run in): the value at `target` (-1 when the table
   * does not cover it), or with `largest` the largest value (-1 for an
   * empty table). The cursor is left as {@link next}
   * leaves it, and a damaged table throws the same errors.
   */
  private scan(pos: number, entry: number, target: number, largest: boolean): number {
    this.reset(pos, entry);
    const d = this.data;
    const q = this.quantum;
    // `cur` is what `pos` would hold inside next(): where the pair started, or past its first varint once that was read (varint reports its errors there).
    let cur = pos;
    let p = pos;
    let pc = entry;
    let start = entry;
    let val = -1;
    let m = -1;
    let first = true;
    let found = -1;
    for (;;) {
      if (p >= d.length) throw this.truncated(p);
      let uv = d[p++]!;
      if (uv & 0x80) {
        this.pos = cur;
        uv = this.varint(uv, p);
        p = cur = this.pos;
      }
      if (uv === 0 && pc !== entry) break;
      val = (val + ((uv >>> 1) ^ -(uv & 1))) | 0;
      if (p >= d.length) throw this.truncated(p);
      let pd = d[p++]!;
      if (pd & 0x80) {
        this.pos = cur;
        pd = this.varint(pd, p);
        p = this.pos;
      }
      start = pc;
      pc += q === 1 ? pd : Math.imul(pd, q) >>> 0;
      cur = p;
      if (!largest) {
        if (target < pc) {
          found = val;
          break;
        }
      } else if (first || val > m) m = val;
      first = false;
    }
    this.pos = p;
    this.pc = pc;
    this.start = start;
    this.val = val;
    return largest ? m : found;
  }

  /** Largest value of the table (the runtime's funcMaxSPDelta for pcsp); -1 for an empty table. */
  max(pos: number, entry: number): number {
    return this.scan(pos, entry, 0, true);
  }

  private truncated(at: number): ParseError {
    const where = at >= this.data.length ? ` (table at 0x${at.toString(16)})` : '';
    return new ParseError('truncated', `pcvalue table runs past the end of the pclntab${where}`, this.section, Math.min(at, this.data.length));
  }
}
