import { ParseError, Reader } from '@elfkit/binary';
import { parseAbbrevTable, type AbbrevTable } from './abbrev.js';
import type { Dwarf, ErrorSink } from './dwarf.js';
import { sectionName } from './sections.js';
import { Unit } from './unit.js';
import { readUnitHeader, UnitHeaderError } from './unit-header.js';

/**
 * The units of `.debug_info` read from the section's bytes as they arrive,
 * front to back (`chunks`: the section in order, e.g. inflated piece by
 * piece), holding only the unit being read: for one pass over a large
 * section without keeping all of it (the docker CLI's `.debug_info` is
 * 13 MB inflated; its largest unit a small part of that). The units are
 * what {@link Dwarf.units} gives — same offsets, attributes and errors,
 * the same skipping of a bad header — except that they are not cached and
 * a unit's bytes are only valid until the next one is asked for: read what
 * you need from a unit before going on. Nor are abbreviation tables kept in
 * the Dwarf's cache: a few recent ones are kept here (the units of one
 * compiler share a table; a C unit has its own, used once), so that a
 * walk over thousands of units leaves no table behind.
 *
 * Not for split DWARF (`.dwo`/`.dwp` units need the package index).
 */
export function* streamUnits(dwarf: Dwarf, chunks: Iterable<Uint8Array>, onError?: ErrorSink): Generator<Unit> {
  const window = new SectionWindow(chunks[Symbol.iterator]());
  const section = sectionName('info', dwarf.sections.dwo);
  const order = dwarf.order;
  const tables = new RecentTables(dwarf);
  let offset = 0;
  for (;;) {
    // The units before are done with; then the length field, then the whole unit (or all that is left, when it claims more).
    window.dropBefore(offset);
    window.fill(offset + 12);
    if (offset >= window.end) return;
    window.fill(offset + 12 + window.claimedLength(offset, order === 'little'));
    const r = new Reader(window.bytes, { order, section, base: window.start });
    let unit: Unit;
    try {
      const header = readUnitHeader(r, offset, false);
      unit = new Unit(dwarf, header, undefined, { bytes: window.bytes, base: window.start, abbrevs: tables.at(header.abbrevOffset) });
    } catch (e) {
      if (!(e instanceof ParseError) || !onError) throw e;
      onError(e);
      if (e instanceof UnitHeaderError && e.nextUnit > offset) {
        offset = e.nextUnit;
        continue;
      }
      return;
    }
    yield unit;
    offset = unit.end;
  }
}

/**
 * A window over a section read in pieces, front to back: bytes `[start,
 * end)` of the section in one buffer, compacted as the reader lets go of
 * what is behind it ({@link dropBefore}) and grown as it needs more
 * ({@link fill}). Bytes handed out by {@link bytes} are valid until the
 * next fill or drop.
 */
export class SectionWindow {
  private buf = new Uint8Array(1 << 20);
  /** Section offset of `buf[0]`. */
  start = 0;
  private length = 0;
  private done = false;

  constructor(private readonly chunks: Iterator<Uint8Array>) {}

  /** Section offset just past the bytes read so far. */
  get end(): number {
    return this.start + this.length;
  }

  /** The bytes held, from section offset {@link start}. */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** True when the section's last piece has been read. */
  get complete(): boolean {
    return this.done;
  }

  /** Reads pieces until the window reaches section offset `upTo` or the section ends. */
  fill(upTo: number): void {
    while (!this.done && this.end < upTo) {
      const next = this.chunks.next();
      if (next.done) {
        this.done = true;
        return;
      }
      this.append(next.value);
    }
  }

  /** Lets go of the bytes before section offset `offset` (at most the window's end). */
  dropBefore(offset: number): void {
    const k = Math.min(offset, this.end) - this.start;
    if (k <= 0) return;
    this.buf.copyWithin(0, k, this.length);
    this.length -= k;
    this.start += k;
  }

  /** The unit length field at `offset` as bytes to follow (0 when it cannot be read or is reserved: the header reader reports it). */
  claimedLength(offset: number, le: boolean): number {
    const at = offset - this.start;
    if (at + 4 > this.length) return 0;
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + at, this.length - at);
    const n = v.getUint32(0, le);
    if (n < 0xfffffff0) return n;
    if (n !== 0xffffffff || at + 12 > this.length) return 0;
    const hi = v.getUint32(le ? 8 : 4, le);
    const lo = v.getUint32(le ? 4 : 8, le);
    // Past 2^53 the header reader refuses it; reading on to the section end is enough for its message.
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x1_0000_0000 + lo;
  }

  private append(piece: Uint8Array): void {
    if (this.length + piece.length > this.buf.length) {
      // Compacting happens in dropBefore; here the window only grows, to a quarter more than it must hold (not
      // twice: the largest unit sets the window's size).
      const need = this.length + piece.length;
      const grown = new Uint8Array(Math.ceil((need * 1.25) / 65536) * 65536);
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(piece, this.length);
    this.length += piece.length;
  }
}

/** The last few abbreviation tables parsed, by offset. */
class RecentTables {
  private readonly tables = new Map<number, AbbrevTable>();
  constructor(private readonly dwarf: Dwarf) {}

  /** The table at `offset`, or undefined when it cannot be parsed (the unit then reports it when read, as any unit does). */
  at(offset: number): AbbrevTable | undefined {
    let t = this.tables.get(offset);
    if (t) return t;
    const d = this.dwarf;
    try {
      t = parseAbbrevTable(d.sections.bytes('abbrev'), d.order, offset, d.sections.name('abbrev'));
    } catch (e) {
      if (e instanceof ParseError) return undefined;
      throw e;
    }
    if (this.tables.size >= 8) this.tables.delete(this.tables.keys().next().value!);
    this.tables.set(offset, t);
    return t;
  }
}
