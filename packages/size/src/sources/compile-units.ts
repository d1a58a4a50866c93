import { isParseError, type ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import type { Abbrev, MutableAttribute, Unit } from '@elfkit/dwarf';
import type { DwarfInput } from '../dwarf-input.js';
import type { ElfContext } from '../elf-context.js';
import type { MapBuilder } from '../map-builder.js';
import { ForwardRangeLists } from '../range-lists.js';
import { forEachKeyGroup } from '../range-map.js';

const WANT_PC = 1;
const WANT_RANGES = 2;
const WANT_LOCATION = 4;
const WANT_DECLARATION = 8;
const WANT_STRINGS = 16;
// Inline names (DW_FORM_string) stay section offsets: none is needed, and decoding each would make a string per DIE.
const STRING_OFFSETS = { stringOffsets: true };
// Location expressions are read in place: a Go binary has hundreds of thousands, and a copy of each is young garbage.
const BLOCK_OFFSETS = { blockOffsets: true };
/** The attributes read from a DIE whose strings are not charged (a mask by DW_AT_*). */
const WANTED_NAMES = [D.DW_AT_low_pc, D.DW_AT_high_pc, D.DW_AT_ranges, D.DW_AT_location, D.DW_AT_declaration];
const WANTED = new Uint8Array(Math.max(...WANTED_NAMES) + 1);
for (const n of WANTED_NAMES) WANTED[n] = 1;

const STRING_FORMS = new Set([D.DW_FORM_strp, D.DW_FORM_line_strp, D.DW_FORM_strx, D.DW_FORM_strx1, D.DW_FORM_strx2, D.DW_FORM_strx3, D.DW_FORM_strx4, D.DW_FORM_GNU_str_index]);

/** Which attributes of a DIE with abbreviation `a` matter here (0: the DIE can be stepped over undecoded). */
function interest(a: Abbrev): number {
  let m = 0;
  for (let i = 0; i < a.names.length; i++) {
    const n = a.names[i]!;
    if (n === D.DW_AT_low_pc || n === D.DW_AT_high_pc) m |= WANT_PC;
    else if (n === D.DW_AT_ranges) m |= WANT_RANGES;
    else if (n === D.DW_AT_location) m |= WANT_LOCATION;
    else if (n === D.DW_AT_declaration) m |= WANT_DECLARATION;
    if (STRING_FORMS.has(a.forms[i]!)) m |= WANT_STRINGS;
  }
  return m;
}

/**
 * The list offsets units point to in one section, with the unit that
 * pointed first: growable typed arrays (Go's units point to a location
 * list per parameter, hundreds of thousands of them), sorted once at the
 * end rather than kept in a map.
 */
class ListStarts {
  private offsets = new Float64Array(1024);
  private ids = new Int32Array(1024);
  private length = 0;

  push(offset: number, id: number): void {
    if (this.length === this.offsets.length) {
      const o = new Float64Array(this.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const i = new Int32Array(this.length * 2);
      i.set(this.ids);
      this.ids = i;
    }
    this.offsets[this.length] = offset;
    this.ids[this.length++] = id;
  }

  /** Each distinct offset in order with the first unit that named it, running to the next offset (the last to `size`). */
  forEachList(size: number, visit: (id: number, start: number, end: number) => void): void {
    const offs = this.offsets;
    const n = this.length;
    // The sort is stable: order[from] is the first unit to name the offset.
    forEachKeyGroup(offs, n, (order, from, to) => visit(this.ids[order[from]!]!, offs[order[from]!]!, to < n ? offs[order[to]!]! : size));
  }
}

/** Sizes of the lists' per-unit contribution headers (DWARF 5 §7.26–7.29), by offset size. */
const CONTRIBUTIONS: [attr: number, section: string, header32: number][] = [
  [D.DW_AT_str_offsets_base, '.debug_str_offsets', 8],
  [D.DW_AT_addr_base, '.debug_addr', 8],
  [D.DW_AT_rnglists_base, '.debug_rnglists', 12],
  [D.DW_AT_loclists_base, '.debug_loclists', 12],
];

/**
 * bloaty's `compileunits`: each unit's name (DW_AT_name of its root) for
 * the code and data its DWARF places —
 *
 * - `.debug_aranges` sets, first;
 * - each unit's root ranges (DW_AT_low_pc/high_pc or DW_AT_ranges), and,
 *   when the root has none, those of every DIE (declarations and DIEs with
 *   a zero or tombstone low_pc skipped with their children);
 * - variables whose DW_AT_location is one DW_OP_addr / DW_OP_addrx, sized by
 *   the symbol starting there;
 *
 * and, when the DWARF is in the measured file, the unit's own debug bytes:
 * its `.debug_info`/`.debug_types` unit, abbreviation table, line program,
 * the strings it is the first to use, its range and location lists (or
 * its DWARF 5 contributions to `.debug_str_offsets`, `.debug_addr`,
 * `.debug_rnglists`, `.debug_loclists`) and its pubnames sets.
 */
export function addCompileUnits(b: MapBuilder, ctx: ElfContext, input: DwarfInput, symbolSize: (address: number) => number | undefined, errors: ParseError[]): void {
  const dwarf = input.dwarf;
  const sink = (e: ParseError) => errors.push(e);
  const address = (v: bigint | number): number => {
    if (typeof v === 'number') return ctx.bias === 0n ? v : ctx.address(BigInt(v));
    return ctx.address(v);
  };
  const valid = (v: bigint | undefined, addressSize: number) => v !== undefined && v !== 0n && v < (addressSize === 4 ? 0xffff_fffen : 0xffff_ffff_ffff_fffen);
  const charge = (label: number, section: string, a: number, e: number) => {
    const sb = input.bytes(section);
    if (!sb || !(e > a) || a < 0 || e > sb.contentSize) return;
    const s = sb.fileOffset(a);
    b.addFileRange(label, s, sb.fileOffset(e) - s);
  };
  const charged = new Map<string, Set<number>>();
  const chargeString = (label: number, section: string, off: number, bytes: Uint8Array) => {
    let set = charged.get(section);
    if (!set) charged.set(section, (set = new Set()));
    if (set.has(off) || off >= bytes.length) return;
    set.add(off);
    const nul = bytes.indexOf(0, off);
    charge(label, section, off, nul < 0 ? bytes.length : nul + 1);
  };
  // The name of each `.debug_info` unit by offset, as the walk finds them (for the aranges and pubnames that point to units).
  const unitNames = new Map<number, string>();
  const unitName = (infoOffset: number): string | undefined => unitNames.get(infoOffset);

  // Line programs and range and location lists lie back to back in their
  // sections: each runs to the next one any unit points to (or the section
  // end), so their bytes are charged without decompressing or walking them.
  const listStarts = new Map<string, ListStarts>();
  const starts = (section: string, offset: number, id: number) => {
    if (!input.own) return;
    let m = listStarts.get(section);
    if (!m) listStarts.set(section, (m = new ListStarts()));
    m.push(offset, id);
  };

  const abbrevUsers = new Map<number, number>();
  const rangeLists = new ForwardRangeLists(input.elf, input.elf.debugSection('.debug_ranges'));
  // Weak: a stream of units lets each C unit's abbreviation table go after the unit.
  const interests = new WeakMap<Abbrev, number>();
  const attrs: MutableAttribute[] = [];
  const strBytes = dwarf.sections.bytes('str');
  const lineStrBytes = dwarf.sections.bytes('lineStr');

  const unit = (u: Unit, types: boolean) => {
    const root = u.root();
    if (!root.name) return;
    if (!types) unitNames.set(u.offset, root.name);
    const id = b.id(root.name);
    charge(id, types ? '.debug_types' : '.debug_info', u.offset, u.end);
    const abbrevAt = u.header.abbrevOffset + u.sectionBase('abbrev');
    if (!abbrevUsers.has(abbrevAt)) abbrevUsers.set(abbrevAt, id);
    const rootAttrs = u.rootAttributes();
    const contributed = new Set<string>();
    for (const [attr, section, header32] of CONTRIBUTIONS) {
      if (!rootAttrs.some((a) => a.name === attr)) continue;
      contributed.add(section);
      const base = attr === D.DW_AT_str_offsets_base ? u.strOffsetsBase : attr === D.DW_AT_addr_base ? u.addrBase : attr === D.DW_AT_rnglists_base ? u.rnglistsBase : u.loclistsBase;
      chargeContribution(id, section, base - (u.header.offsetSize === 8 ? header32 + 8 : header32), u.header.offsetSize);
    }
    if (root.stmtList !== undefined) starts('.debug_line', root.stmtList + u.sectionBase('line'), id);
    const addressSize = u.header.addressSize;
    const c = u.entries();
    let rootRanges = false;
    while (c.next()) {
      const a = c.abbrev!;
      let want = interests.get(a);
      if (want === undefined) interests.set(a, (want = interest(a)));
      if (want === 0) continue;
      // Only the attributes looked at are decoded (no block or bigint made for a frame base or a type), unless the unit's strings are charged.
      const n = want & WANT_STRINGS && input.own ? c.attrsInto(attrs, STRING_OFFSETS) : c.attrsWanted(attrs, WANTED, BLOCK_OFFSETS);
      let low: bigint | undefined;
      let highAttr: MutableAttribute | undefined;
      let rangesAttr: MutableAttribute | undefined;
      let locAttr: MutableAttribute | undefined;
      let declaration = false;
      for (let i = 0; i < n; i++) {
        const at = attrs[i]!;
        switch (at.name) {
          case D.DW_AT_low_pc:
            low = u.attrAddress(at);
            break;
          case D.DW_AT_high_pc:
            highAttr = at;
            break;
          case D.DW_AT_ranges:
            rangesAttr = at;
            break;
          case D.DW_AT_location:
            locAttr = at;
            break;
          case D.DW_AT_declaration:
            declaration = at.value !== 0 && at.value !== false;
            break;
        }
        if (want & WANT_STRINGS && input.own && STRING_FORMS.has(at.form)) {
          if (at.form === D.DW_FORM_line_strp) chargeString(id, '.debug_line_str', at.value as number, lineStrBytes);
          else if (at.form === D.DW_FORM_strp) chargeString(id, '.debug_str', at.value as number, strBytes);
          else {
            try {
              chargeString(id, '.debug_str', u.stringOffsetAtIndex(at.value as number), strBytes);
            } catch (e) {
              if (!isParseError(e)) throw e;
            }
          }
        }
      }
      if ((low !== undefined && !valid(low, addressSize)) || declaration) {
        c.skipChildren();
        continue;
      }
      const isRoot = c.depth === 0;
      const walk: boolean = !rootRanges || isRoot;
      let found = false;
      if (walk && low !== undefined && highAttr) {
        const high = u.highPc(highAttr, low);
        if (high !== undefined && high > low) {
          b.addVMRange(id, address(low), Number(high - low));
          found = true;
        }
      }
      // A bad list costs only itself (caught here, not through a closure per DIE).
      if (rangesAttr) {
        try {
          if (ranges(u, rangesAttr, id, contributed.has('.debug_rnglists'), walk)) found = true;
        } catch (e) {
          if (!isParseError(e)) throw e;
          errors.push(e);
        }
      }
      if (isRoot) rootRanges = found;
      if (locAttr) {
        try {
          location(u, locAttr, id, contributed.has('.debug_loclists'));
        } catch (e) {
          if (!isParseError(e)) throw e;
          errors.push(e);
        }
      }
    }
  };

  const ranges = (u: Unit, at: MutableAttribute, id: number, contributed: boolean, walk: boolean): boolean => {
    const loc = u.rangeListLocation(at);
    if (!loc) return false;
    if (!contributed) starts(loc.rnglists ? '.debug_rnglists' : '.debug_ranges', loc.offset, id);
    if (!walk) return false;
    let found = false;
    const cur = rangeLists.cursor(u, at)!;
    while (cur.next()) {
      if (!cur.hasRange || cur.begin <= 0 || cur.end <= cur.begin) continue;
      b.addVMRange(id, address(cur.begin), cur.end - cur.begin);
      found = true;
    }
    return found;
  };

  const location = (u: Unit, at: MutableAttribute, id: number, contributed: boolean) => {
    const v = at.value;
    // The expression in the unit's bytes: a copy (decoded with the strings) or, read in place, its length field's offset.
    const bytes = u.sectionBytes;
    let start = -1;
    let length = 0;
    if (v instanceof Uint8Array) {
      start = v.byteOffset - bytes.byteOffset;
      length = v.length;
    } else if (typeof v === 'number') {
      const bounds = D.blockBounds(bytes, u.bytesBase, at.form, v, dwarf.order === 'little');
      if (bounds) [start, length] = bounds;
    }
    if (start >= 0) {
      const size = u.header.addressSize;
      let addr: bigint | undefined;
      if (length === size + 1 && bytes[start] === D.DW_OP_addr) {
        const dv = new DataView(bytes.buffer, bytes.byteOffset + start + 1, size);
        const le = dwarf.order === 'little';
        addr = size === 8 ? dv.getBigUint64(0, le) : BigInt(size === 4 ? dv.getUint32(0, le) : dv.getUint16(0, le));
      } else if (length >= 2 && bytes[start] === D.DW_OP_addrx) {
        const end = start + length;
        let idx = 0;
        let shift = 1;
        let i = start + 1;
        for (; i < end; i++) {
          idx += (bytes[i]! & 0x7f) * shift;
          shift *= 128;
          if (!(bytes[i]! & 0x80)) break;
        }
        if (i === end - 1) addr = u.addressAtIndex(idx);
      }
      if (addr !== undefined && addr !== 0n) {
        const a = address(addr);
        const size2 = symbolSize(a);
        if (size2 !== undefined) b.addVMRange(id, a, size2);
      }
      return;
    }
    const offset = u.locationListOffset(at);
    if (offset >= 0 && !contributed) starts(at.form === D.DW_FORM_loclistx || u.version >= 5 ? '.debug_loclists' : '.debug_loc', offset, id);
  };

  const chargeContribution = (id: number, section: string, at: number, offsetSize: number) => {
    const sb = input.bytes(section);
    const sid = section === '.debug_str_offsets' ? 'strOffsets' : section === '.debug_addr' ? 'addr' : section === '.debug_rnglists' ? 'rnglists' : 'loclists';
    const bytes = sb ? dwarf.sections.bytes(sid) : undefined;
    if (!bytes || at < 0 || at + 4 > bytes.length) return;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = dwarf.order === 'little';
    const len = offsetSize === 8 && at + 12 <= bytes.length ? Number(dv.getBigUint64(at + 4, le)) + 12 : dv.getUint32(at, le) + 4;
    charge(id, section, at, Math.min(bytes.length, at + len));
  };

  // .debug_info is read as it is inflated, a unit at a time (the docker CLI's is 13 MB inflated); .debug_types whole.
  for (const types of [false, true]) {
    if (types && !dwarf.sections.has('types')) continue;
    for (const u of types ? dwarf.units(sink, true) : input.streamUnits(sink)) {
      try {
        unit(u, types);
      } catch (e) {
        if (!isParseError(e)) throw e;
        errors.push(e);
      }
    }
  }

  // .debug_aranges come first — bloaty trusts them most — but name units the walk has just read: a layer of their
  // own, committed ahead of the walk's ranges, is what adding them first would give.
  if (dwarf.sections.has('aranges')) {
    b.commitAhead(() => {
      try {
        for (const set of dwarf.aranges(sink)) {
          const name = unitName(set.debugInfoOffset);
          if (!name) continue;
          const id = b.id(name);
          for (const r of set.entries) if (valid(r.address, set.addressSize)) b.addVMRange(id, address(r.address), Number(r.length));
          charge(id, '.debug_aranges', set.offset, set.offset + set.length);
        }
      } catch (e) {
        if (!isParseError(e)) throw e;
        errors.push(e);
      }
    });
  }

  for (const [section, m] of listStarts) {
    const size = input.bytes(section)?.contentSize ?? 0;
    m.forEachList(size, (id, start, end) => charge(id, section, start, end));
  }

  // Abbreviation tables run to the next one (or the end of the section).
  const abbrevLen = dwarf.sections.bytes('abbrev').length;
  const offsets = [...abbrevUsers.keys()].sort((x, y) => x - y);
  for (let i = 0; i < offsets.length; i++) charge(abbrevUsers.get(offsets[i]!)!, '.debug_abbrev', offsets[i]!, i + 1 < offsets.length ? offsets[i + 1]! : abbrevLen);

  for (const section of ['.debug_pubnames', '.debug_pubtypes', '.debug_gnu_pubnames', '.debug_gnu_pubtypes']) pubnames(section);

  function pubnames(section: string): void {
    const sb = input.bytes(section);
    if (!sb) return;
    let bytes: Uint8Array;
    try {
      bytes = input.elf.sectionData(sb.section);
    } catch (e) {
      if (!isParseError(e)) throw e;
      return;
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = dwarf.order === 'little';
    let at = 0;
    while (at + 10 <= bytes.length) {
      let len = dv.getUint32(at, le);
      let head = 4;
      if (len === 0xffffffff) {
        if (at + 22 > bytes.length) return;
        len = Number(dv.getBigUint64(at + 4, le));
        head = 12;
      }
      const infoOffset = head === 4 ? dv.getUint32(at + head + 2, le) : Number(dv.getBigUint64(at + head + 2, le));
      const end = at + head + len;
      const name = unitName(infoOffset);
      if (name) charge(b.id(name), section, at, Math.min(end, bytes.length));
      if (end <= at) return;
      at = end;
    }
  }
}
