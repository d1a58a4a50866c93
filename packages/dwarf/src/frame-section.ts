import { ParseError, Reader, type ByteOrder } from '@elfkit/binary';
import { CfaInstructionCursor, type CfaContext } from './cfa-instruction.js';
import { readCieBody, readFdeBody, cfaContext, type Cie, type EntryContext, type Fde, type FrameEntry, type FrameSectionKind } from './frame-entry.js';
import type { PointerBases } from './eh-pointer.js';

/** How to read a call frame section. */
export interface FrameSectionOptions {
  /** Byte order of the file. */
  readonly order: ByteOrder;
  /** Address size of the file (4 or 8): CIEs before version 4 do not say. */
  readonly addressSize: number;
  /**
   * Address of the section's first byte in memory: `.eh_frame` pointers are
   * mostly pc-relative. Defaults to 0 (a relocatable object's sections).
   */
  readonly address?: bigint;
  /** Bases of `textrel` and `datarel` pointers, where the target uses them. */
  readonly textBase?: bigint;
  readonly dataBase?: bigint;
  /** Section name for errors; defaults to `.eh_frame` or `.debug_frame`. */
  readonly name?: string;
}

const DEBUG_FRAME_CIE_ID32 = 0xffffffffn;
const DEBUG_FRAME_CIE_ID64 = 0xffffffffffffffffn;

/**
 * A `.eh_frame` or `.debug_frame` section (gimli's `EhFrame`/`DebugFrame`):
 * its entries read lazily in order ({@link entries}), a CIE or FDE at a
 * known offset ({@link cieAt}, {@link fdeAt}, both cached), and an index of
 * FDEs by address built on first lookup ({@link fdeFor}).
 *
 * Malformed data throws {@link ParseError} naming the section and the
 * entry's offset.
 */
export class FrameSection {
  readonly kind: FrameSectionKind;
  readonly bytes: Uint8Array;
  readonly order: ByteOrder;
  readonly addressSize: number;
  /** The section's address (0 when not given). */
  readonly address: bigint;
  /** Name used in errors. */
  readonly name: string;
  /** Pointer bases (the section address, text and data bases). */
  readonly bases: PointerBases;
  private readonly ctx: EntryContext;
  private readonly reader: Reader;
  private readonly entryReader: Reader;
  private readonly cies = new Map<number, Cie | ParseError>();
  /** Each CIE's instruction context, made once (every FDE's cursor shares its CIE's). */
  private readonly contexts = new Map<Cie, CfaContext>();
  private index?: { starts: BigUint64Array; ends: BigUint64Array; offsets: Uint32Array | Float64Array; error?: ParseError };

  constructor(kind: FrameSectionKind, bytes: Uint8Array, options: FrameSectionOptions) {
    this.kind = kind;
    // A plain Uint8Array over a Node Buffer's bytes: each entry's instructions and augmentation data are views of
    // the section, and a Buffer's subarray() goes through its species constructor (several times slower, more garbage).
    this.bytes = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    bytes = this.bytes;
    this.order = options.order;
    this.addressSize = options.addressSize;
    this.address = options.address ?? 0n;
    this.name = options.name ?? (kind === 'eh_frame' ? '.eh_frame' : '.debug_frame');
    this.bases = { section: this.address, text: options.textBase, data: options.dataBase };
    this.ctx = { kind, addressSize: options.addressSize, bases: this.bases, sectionAddress: this.address <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(this.address) : undefined };
    this.reader = new Reader(bytes, { order: options.order, addressSize: options.addressSize, section: this.name });
    this.entryReader = this.reader.clone();
  }

  /**
   * Every entry in section order: CIEs, FDEs and zero terminators (after a
   * terminator the walk goes on, as readelf's does, so that data after it is
   * not silently dropped). Throws ParseError at the first malformed entry
   * (the iterator ends there).
   */
  *entries(): Generator<FrameEntry, void, undefined> {
    let off = 0;
    while (off < this.bytes.length) {
      const e = this.entryAt(off);
      yield e;
      off = e.end;
    }
  }

  /** The entry at section offset `off` (CIE, FDE or terminator). */
  entryAt(off: number): FrameEntry {
    // One reader for every entry read here (entries are read one at a time; a CIE read on the way has its own).
    const r = this.entryReader.seek(off);
    if (r.remaining < 4) throw r.error('truncated', `entry header needs 4 bytes, ${r.remaining} left`);
    const first = r.u32();
    if (first === 0) {
      let end = off + 4;
      // A terminator followed by zero padding: skip the padding (readelf does too).
      while (end < this.bytes.length && this.bytes[end] === 0) end++;
      return { kind: 'terminator', offset: off, end };
    }
    let length: number;
    let offsetSize: 4 | 8;
    if (first === 0xffffffff) {
      length = r.u64n('entry length');
      offsetSize = 8;
    } else if (first >= 0xfffffff0) {
      throw r.error('invalid', `reserved initial length 0x${first.toString(16)}`, off);
    } else {
      length = first;
      offsetSize = 4;
    }
    const bodyAt = r.pos;
    if (length > r.remaining) throw r.error('truncated', `entry at 0x${off.toString(16)} has length 0x${length.toString(16)}, only 0x${r.remaining.toString(16)} bytes left`, off);
    const end = bodyAt + length;
    // The body is read with the section's reader (its DataView shared); the parsers check the entry's end themselves.
    const body = r;
    const eh = this.kind === 'eh_frame';
    // .eh_frame ids and CIE pointers are always 4 bytes (LSB); 64-bit DWARF .debug_frame uses 8.
    const idSize = eh ? 4 : offsetSize;
    if (length < idSize) throw body.error('truncated', `entry at 0x${off.toString(16)} is too short for its CIE id`, off);
    const idAt = body.offset;
    // A 4-byte id is compared as a number: a bigint comparison is a runtime call in the baseline code a dump runs in.
    const id32 = idSize === 4 ? body.u32() : -1;
    const id = idSize === 4 ? BigInt(id32) : body.u64();
    const isCie = idSize === 4 ? id32 === (eh ? 0 : 0xffffffff) : id === DEBUG_FRAME_CIE_ID64;
    if (isCie) {
      const cached = this.cies.get(off);
      if (cached instanceof ParseError) throw cached;
      if (cached) return cached;
      return this.cieAt(off);
    }
    let cieOffset: number;
    if (eh) {
      // The CIE pointer is the distance back from the pointer field itself.
      cieOffset = idAt - id32;
    } else {
      if (idSize === 4 ? id32 > this.bytes.length : id > BigInt(this.bytes.length)) throw new ParseError('out-of-range', `FDE at 0x${off.toString(16)} points to CIE 0x${id.toString(16)} outside the section`, this.name, off);
      cieOffset = Number(id);
    }
    if (cieOffset < 0 || cieOffset >= this.bytes.length) throw new ParseError('out-of-range', `FDE at 0x${off.toString(16)} points to CIE 0x${cieOffset.toString(16)} outside the section`, this.name, off);
    const cie = this.cieAt(cieOffset, off);
    return readFdeBody(body, this.ctx, cie, off, length, offsetSize, id, cieOffset, end);
  }

  /**
   * The CIE at section offset `off` (cached, with its failure). `from` names
   * the FDE that points there, for the message when `off` holds no CIE.
   */
  cieAt(off: number, from?: number): Cie {
    const cached = this.cies.get(off);
    if (cached instanceof ParseError) throw cached;
    if (cached) return cached;
    let cie: Cie;
    try {
      cie = this.readCie(off, from);
    } catch (e) {
      if (e instanceof ParseError) this.cies.set(off, e);
      throw e;
    }
    this.cies.set(off, cie);
    return cie;
  }

  private readCie(off: number, from: number | undefined): Cie {
    const r = this.reader.at(off);
    const notCie = (why: string) => new ParseError('invalid', `${from !== undefined ? `FDE at 0x${from.toString(16)} points to 0x${off.toString(16)}, ` : ''}${why}`, this.name, from ?? off);
    if (r.remaining < 4) throw notCie('which is past the last entry');
    const first = r.u32();
    if (first === 0) throw notCie('a zero terminator, not a CIE');
    let length: number;
    let offsetSize: 4 | 8;
    if (first === 0xffffffff) {
      length = r.u64n('CIE length');
      offsetSize = 8;
    } else {
      length = first;
      offsetSize = 4;
    }
    if (length > r.remaining) throw r.error('truncated', `CIE at 0x${off.toString(16)} has length 0x${length.toString(16)}, only 0x${r.remaining.toString(16)} bytes left`, off);
    const end = r.pos + length;
    const body = r;
    const eh = this.kind === 'eh_frame';
    const idSize = eh ? 4 : offsetSize;
    if (length < idSize) throw body.error('truncated', `CIE at 0x${off.toString(16)} is too short for its id`, off);
    const id = idSize === 4 ? BigInt(body.u32()) : body.u64();
    const isCie = eh ? id === 0n : id === (offsetSize === 4 ? DEBUG_FRAME_CIE_ID32 : DEBUG_FRAME_CIE_ID64);
    if (!isCie) throw notCie('an FDE, not a CIE');
    return readCieBody(body, this.ctx, { offset: off, length, offsetSize, id, end });
  }

  /** The FDE at section offset `off`; throws ParseError when there is none. */
  fdeAt(off: number): Fde {
    const e = this.entryAt(off);
    if (e.kind !== 'fde') throw new ParseError('invalid', `no FDE at 0x${off.toString(16)} (a ${e.kind === 'cie' ? 'CIE' : 'zero terminator'})`, this.name, off);
    return e;
  }

  /**
   * A cursor over the call frame instructions of `entry`; `reuse`, a cursor
   * this section made, is moved there instead (a walk over every entry then
   * needs one).
   */
  instructions(entry: Cie | Fde, reuse?: CfaInstructionCursor): CfaInstructionCursor {
    const cie = entry.kind === 'cie' ? entry : entry.cie;
    let ctx = this.contexts.get(cie);
    if (!ctx) this.contexts.set(cie, (ctx = cfaContext(cie, this.kind, this.bases)));
    if (reuse && reuse.bytes === this.bytes) return reuse.retarget(ctx, entry.instructionsOffset, entry.end);
    return new CfaInstructionCursor(this.bytes, ctx, this.order, this.name, entry.instructionsOffset, entry.end, this.reader.view);
  }

  /**
   * The FDE whose range covers `pc`, through an index of every FDE sorted by
   * address (built on the first call from one walk of the section, kept).
   * Zero-length FDEs and FDEs of address 0 (left behind by `--gc-sections`
   * in relocatable links) never match. Throws the ParseError that stopped
   * the walk only when `pc` is past the FDEs read before it.
   */
  fdeFor(pc: bigint): Fde | undefined {
    const ix = this.buildIndex();
    const { starts, ends, offsets } = ix;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= pc) lo = mid + 1;
      else hi = mid;
    }
    // Ranges may nest or overlap in odd files; look back over the few before.
    for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) {
      if (pc >= starts[i]! && pc < ends[i]!) return this.fdeAt(offsets[i]!);
    }
    if (ix.error) throw ix.error;
    return undefined;
  }

  /** How many FDEs the index holds (builds it). */
  get fdeCount(): number {
    return this.buildIndex().starts.length;
  }

  private buildIndex() {
    if (this.index) return this.index;
    const list: { start: bigint; end: bigint; off: number }[] = [];
    let error: ParseError | undefined;
    try {
      for (const e of this.entries()) {
        if (e.kind !== 'fde' || e.addressRange === 0n) continue;
        if (e.initialLocation === 0n && this.address !== 0n) continue;
        list.push({ start: e.initialLocation, end: e.initialLocation + e.addressRange, off: e.offset });
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      error = e;
    }
    list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const starts = new BigUint64Array(list.length);
    const ends = new BigUint64Array(list.length);
    const offsets = this.bytes.length < 0x1_0000_0000 ? new Uint32Array(list.length) : new Float64Array(list.length);
    list.forEach((x, i) => {
      starts[i] = x.start;
      ends[i] = BigInt.asUintN(64, x.end);
      offsets[i] = x.off;
    });
    this.index = { starts, ends, offsets, error };
    return this.index;
  }
}
