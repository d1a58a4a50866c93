import {
  constants as C,
  dynamicTagName,
  dynamicValueText,
  noteTypeName,
  sectionFlagsString,
  sectionTypeName,
  segmentFlagsString,
  segmentTypeName,
  symbolBindName,
  symbolDisplayName,
  symbolSectionIndexName,
  symbolTypeName,
  symbolVisibilityName,
  type ElfFile,
  type NoteContent,
  type Section,
} from '@elfkit/elf';
import { arrayTable, col, lazyTable, type TableSource } from './table.js';
import { bytes, hex, messageOf, orElse } from './format.js';

/** Section headers, as `elfkit sections` lists them. */
export function sectionTable(elf: ElfFile): TableSource {
  const { machine, osabi } = elf.header;
  const compressed = (s: Section) => {
    try {
      const c = elf.compression(s);
      return c ? `${c.format} ${hex(c.size)}` : '';
    } catch (e) {
      return `corrupt: ${messageOf(e)}`;
    }
  };
  return arrayTable('sections', elf.sections, [
    [col('Nr', 'right', 0.4), (s) => String(s.index), (s) => s.index],
    [col('Name', 'left', 2), (s) => s.name],
    [col('Type', 'left', 1.2), (s) => sectionTypeName(s.type, machine)],
    [col('Address', 'right', 1.4), (s) => hex(s.addr), (s) => s.addr],
    [col('Offset', 'right'), (s) => hex(s.offset), (s) => s.offset],
    [col('Size', 'right'), (s) => hex(s.size), (s) => s.size],
    [col('Size', 'right', 0.8), (s) => bytes(s.size), (s) => s.size],
    [col('ES', 'right', 0.5), (s) => hex(s.entsize), (s) => s.entsize],
    [col('Flags', 'left', 0.6), (s) => sectionFlagsString(s.flags, machine, osabi)],
    [col('Lk', 'right', 0.4), (s) => String(s.link), (s) => s.link],
    [col('Inf', 'right', 0.4), (s) => String(s.info), (s) => s.info],
    [col('Al', 'right', 0.4), (s) => String(s.addralign), (s) => s.addralign],
    [col('Compressed', 'left'), compressed],
  ]);
}

/** Program headers with the sections each holds. */
export function segmentTable(elf: ElfFile): TableSource {
  const machine = elf.header.machine;
  const mapping = orElse(() => elf.sectionToSegmentMapping(), []);
  return arrayTable('segments', elf.segments, [
    [col('Nr', 'right', 0.4), (p) => String(p.index), (p) => p.index],
    [col('Type', 'left', 1.2), (p) => segmentTypeName(p.type, machine)],
    [col('Offset', 'right'), (p) => hex(p.offset), (p) => p.offset],
    [col('VirtAddr', 'right', 1.4), (p) => hex(p.vaddr), (p) => p.vaddr],
    [col('PhysAddr', 'right', 1.4), (p) => hex(p.paddr), (p) => p.paddr],
    [col('FileSiz', 'right'), (p) => hex(p.filesz), (p) => p.filesz],
    [col('MemSiz', 'right'), (p) => hex(p.memsz), (p) => p.memsz],
    [col('Flg', 'left', 0.4), (p) => segmentFlagsString(p.flags).replace(/ /g, '')],
    [col('Align', 'right', 0.8), (p) => hex(p.align), (p) => p.align],
    [col('Sections', 'left', 4), (p) => (mapping[p.index] ?? []).map((i) => elf.sections[i]!.name).join(' ')],
  ]);
}

/**
 * A symbol table read entry by entry from its section (no object per
 * symbol until a row is shown): `.symtab` of a Go binary has ~50,000.
 */
export function symbolTable(elf: ElfFile, s: Section, id: string): TableSource {
  const columns = [col('Num', 'right', 0.5), col('Value', 'right', 1.3), col('Size', 'right', 0.6), col('Type', 'left', 0.6), col('Bind', 'left', 0.6), col('Vis', 'left', 0.7), col('Ndx', 'left', 0.5), col('Name', 'left', 5)];
  const entsize = s.entsize || (elf.bits === 64 ? 24 : 16);
  const compressed = (s.flags & C.SHF_COMPRESSED) !== 0;
  const count = s.type === C.SHT_NOBITS ? 0 : compressed ? elf.symbolTable(s).count : Math.floor(s.size / entsize);
  return lazyTable(id, columns, count, () => {
    const t = elf.symbolTable(s);
    const { machine, osabi } = elf.header;
    const shnum = elf.sections.length;
    const dynamic = s.type === C.SHT_DYNSYM;
    const name = (i: number) => {
      const type = t.info(i) & 0xf;
      return type === C.STT_SECTION || dynamic ? symbolDisplayName({ type, name: t.name(i), shndx: t.shndx(i), version: t.version(i) }, elf.sections) : t.name(i);
    };
    const cells: ((i: number) => string)[] = [
      (i) => String(i),
      (i) => hex(t.value(i)),
      (i) => String(t.size(i)),
      (i) => symbolTypeName(t.info(i) & 0xf, machine, osabi),
      (i) => symbolBindName(t.info(i) >> 4, osabi),
      (i) => symbolVisibilityName(t.other(i) & 3),
      (i) => symbolSectionIndexName(t.shndx(i), machine, shnum, t.rawShndx(i) === C.SHN_XINDEX),
      name,
    ];
    return {
      cell: (row, c) => cells[c]!(row),
      sortKey: (row, c) => (c === 0 ? row : c === 1 ? t.value(row) : c === 2 ? t.size(row) : cells[c]!(row)),
      searchText: (row) => name(row) + ' ' + t.value(row).toString(16),
    };
  });
}

function noteText(c: NoteContent): string {
  switch (c.kind) {
    case 'gnu-build-id':
    case 'go-build-id':
      return c.buildId;
    case 'gnu-abi-tag':
      return `${c.os}, ABI ${c.abi}`;
    case 'gnu-properties':
      return c.properties.map((p) => p.text).join('; ');
    case 'gnu-gold-version':
      return c.version;
    case 'package':
      return c.text;
    default:
      return '';
  }
}

/** Every note with what elfkit decodes of it. */
export function noteTable(elf: ElfFile): TableSource {
  let note: string | undefined;
  let notes: ReturnType<ElfFile['notes']> = [];
  try {
    notes = elf.notes();
  } catch (e) {
    note = messageOf(e);
  }
  return arrayTable(
    'notes',
    notes,
    [
      [col('Where', 'left', 1.3), (n) => n.section ?? `segment ${n.segment}`],
      [col('Offset', 'right', 0.7), (n) => hex(n.fileOffset), (n) => n.fileOffset],
      [col('Owner', 'left', 0.6), (n) => n.owner],
      [col('Type', 'left', 1.8), (n) => noteTypeName(n, elf.header.type)],
      [col('Size', 'right', 0.5), (n) => String(n.desc.length), (n) => n.desc.length],
      [col('Contents', 'left', 4), (n) => noteText(elf.decodeNote(n))],
    ],
    note,
  );
}

/** The dynamic section, readelf's columns. */
export function dynamicTable(elf: ElfFile): TableSource {
  const machine = elf.header.machine;
  let note: string | undefined;
  let entries: NonNullable<ReturnType<ElfFile['dynamic']>> = [];
  try {
    entries = elf.dynamic() ?? [];
    if (!entries.length) note = 'There is no dynamic section in this file.';
  } catch (e) {
    note = messageOf(e);
  }
  return arrayTable(
    'dynamic',
    entries,
    [
      [col('Tag', 'right', 0.8), (e) => hex(e.tag), (e) => e.tag],
      [col('Type', 'left', 1), (e) => dynamicTagName(e.tag, machine)],
      [col('Value', 'left', 3), (e) => dynamicValueText(e, machine)],
    ],
    note,
  );
}
