/**
 * Compares everything elfkit reads from a file with GNU readelf -W, field by
 * field: sections, segments and the section-to-segment mapping, symbols,
 * notes, dynamic entries and relocations.
 */
import * as assert from 'uvu/assert';
import {
  ElfFile,
  constants as C,
  dynamicTagName,
  dynamicValueText,
  noteTypeName,
  relocTypeName,
  sectionFlagsString,
  sectionTypeName,
  segmentFlagsString,
  segmentTypeName,
  symbolBindName,
  symbolDisplayName,
  symbolSectionIndexName,
  symbolTypeName,
  symbolVisibilityName,
  unrecognizedRelocType,
  formatMipsExtraRelocType,
  type NoteContent,
} from '@elfkit/elf';
import { readFileSync } from 'node:fs';
import { noteText } from './render.js';
import { parseDynamic, parseNotes, parseRelocs, parseSections, parseSegments, parseSymbols, readelf } from './readelf.js';


/** Records compared so far, for the closing summary. */
export const counts = { files: 0, sections: 0, segments: 0, mappings: 0, symbols: 0, notes: 0, dynamic: 0, relocations: 0 };

/** Compares everything elfkit reads from `path` with readelf -W, field by field. */
export function checkAgainstReadelf(name: string, path: string): void {
  const fx = { name };
  const elf = ElfFile.parse(readFileSync(path));
  const { machine, osabi } = elf.header;
  counts.files++;

  // Sections
  const rs = parseSections(readelf(['-S', '-W'], path));
  assert.is(rs.length, elf.sections.length, 'section count');
  for (const r of rs) {
    const s = elf.sections[r.index]!;
    const at = `${fx.name} section [${r.index}] ${s.name}`;
    assert.is(r.nameAndType, `${s.name} ${sectionTypeName(s.type, machine)}`.trim(), at);
    assert.is(r.address, s.addr, `${at} address`);
    assert.is(r.offset, s.offset, `${at} offset`);
    assert.is(r.size, s.size, `${at} size`);
    assert.is(r.entsize, s.entsize, `${at} entsize`);
    assert.is(r.flags, sectionFlagsString(s.flags, machine, osabi), `${at} flags`);
    assert.is(r.link, s.link, `${at} link`);
    assert.is(r.info, s.info, `${at} info`);
    assert.is(r.align, s.addralign, `${at} align`);
    counts.sections++;
  }

  // Segments and the mapping
  const { segments, mapping } = parseSegments(readelf(['-l', '-W'], path));
  assert.is(segments.length, elf.segments.length, 'segment count');
  const ours = elf.sectionToSegmentMapping();
  segments.forEach((r, i) => {
    const p = elf.segments[i]!;
    const at = `${fx.name} segment ${i}`;
    assert.is(r.type, segmentTypeName(p.type, machine), `${at} type`);
    assert.is(r.offset, p.offset, `${at} offset`);
    assert.is(r.vaddr, p.vaddr, `${at} vaddr`);
    assert.is(r.paddr, p.paddr, `${at} paddr`);
    assert.is(r.filesz, p.filesz, `${at} filesz`);
    assert.is(r.memsz, p.memsz, `${at} memsz`);
    assert.is(r.flags, segmentFlagsString(p.flags), `${at} flags`);
    assert.is(r.align, p.align, `${at} align`);
    counts.segments++;
    if (elf.sections.length > 0) {
      assert.equal(mapping[i] ?? [], ours[i]!.map((j) => elf.sections[j]!.name), `${at} sections`);
      counts.mappings++;
    }
  });

  // Symbols (every symbol table)
  const rsym = parseSymbols(readelf(['-s', '-W'], path));
  const tables = elf.symbolTables('all');
  assert.equal([...rsym.keys()].sort(), tables.map((t) => t.name).sort(), 'symbol tables');
  for (const t of tables) {
    const syms = elf.symbolsOf(t);
    const rows = rsym.get(t.name)!;
    assert.is(rows.length, syms.length, `${fx.name} ${t.name} count`);
    for (const r of rows) {
      const s = syms[r.index]!;
      const at = `${fx.name} ${t.name}[${r.index}] ${s.name}`;
      assert.is(r.value, s.value, `${at} value`);
      assert.is(r.size, s.size, `${at} size`);
      assert.is(r.type, symbolTypeName(s.type, machine, osabi), `${at} type`);
      assert.is(r.bind, symbolBindName(s.bind, osabi), `${at} bind`);
      assert.is(r.vis, symbolVisibilityName(s.visibility), `${at} visibility`);
      assert.is(r.ndx, symbolSectionIndexName(s.shndx, machine, elf.sections.length, s.rawShndx === C.SHN_XINDEX), `${at} ndx`);
      assert.is(r.name, symbolDisplayName(s, elf.sections), `${at} name`);
      counts.symbols++;
    }
  }

  // Notes
  const rn = parseNotes(readelf(['-n', '-W'], path));
  const notes = elf.notes();
  assert.is(rn.length, notes.length, `${fx.name} note count`);
  rn.forEach((r, i) => {
    const n = notes[i]!;
    const at = `${fx.name} note ${i} (${r.where})`;
    if (n.section) assert.is(r.where, n.section, `${at} section`);
    assert.is(r.owner, n.owner, `${at} owner`);
    assert.is(r.size, n.desc.length, `${at} size`);
    assert.is(r.type, noteTypeName(n, elf.header.type), `${at} type`);
    assert.is(r.content, noteText(elf.decodeNote(n) as NoteContent, n.desc), `${at} content`);
    counts.notes++;
  });

  // Dynamic section
  const rd = parseDynamic(readelf(['-d', '-W'], path));
  const dyn = elf.dynamic();
  assert.is(rd === undefined, dyn === undefined, `${fx.name} has dynamic`);
  if (rd && dyn) {
    assert.is(rd.length, dyn.length, `${fx.name} dynamic count`);
    rd.forEach((r, i) => {
      const e = dyn[i]!;
      const at = `${fx.name} dynamic ${i}`;
      assert.is(r.tag, BigInt.asUintN(elf.bits, e.tag), `${at} tag`);
      assert.is(r.name, dynamicTagName(e.tag, machine), `${at} name`);
      assert.is(r.value, dynamicValueText(e, machine), `${at} value`);
      counts.dynamic++;
    });
  }

  // Relocations
  const rr = parseRelocs(readelf(['-r', '-W'], path));
  // readelf skips empty relocation sections.
  const rt = elf.relocationTables().filter((t) => t.section.size > 0);
  assert.equal(rr.map((t) => t.section), rt.map((t) => t.section.name), `${fx.name} relocation sections`);
  rr.forEach((r, i) => {
    const t = rt[i]!;
    assert.is(r.count, t.rawCount, `${fx.name} ${t.section.name} count`);
    assert.is(r.relocs.length, t.relocations.length, `${fx.name} ${t.section.name} relocations`);
    const syms = t.symbolTable ? elf.symbolsOf(t.symbolTable) : [];
    r.relocs.forEach((x, k) => {
      const y = t.relocations[k]!;
      const at = `${fx.name} ${t.section.name}[${k}]`;
      assert.is(x.offset, y.offset, `${at} offset`);
      counts.relocations++;
      if (t.kind === 'relr') return;
      assert.is(x.info, y.info, `${at} info`);
      assert.is(x.type, relocTypeName(machine, y.type) ?? unrecognizedRelocType(y.type).trimEnd(), `${at} type`);
      if (x.type2 !== undefined) assert.is(x.type2, formatMipsExtraRelocType(y.type2).trim(), `${at} type2`);
      if (x.type3 !== undefined) assert.is(x.type3, formatMipsExtraRelocType(y.type3).trim(), `${at} type3`);
      const s = y.symbolIndex ? syms[y.symbolIndex] : undefined;
      if (x.symbol !== undefined) {
        assert.ok(s, `${at} has a symbol`);
        assert.is(x.symbol, symbolDisplayName(s!, elf.sections, 'relocation'), `${at} symbol`);
        assert.is(x.symbolValue, s!.value, `${at} symbol value`);
      }
      if (t.kind === 'rela') assert.is(x.addend ?? 0n, y.addend, `${at} addend`);
    });
  });
}

