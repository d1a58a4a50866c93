import { sectionFlagsString, sectionTypeName, type ElfFile, type Section } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { hx, toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { writeOut } from '../io/output.js';

/** JSON shape of one section (docs/json.md); a corrupt compression header shows as `corrupt` and goes to `onError`. */
export function sectionJson(elf: ElfFile, s: Section, onError?: (e: unknown) => void) {
  const { machine, osabi } = elf.header;
  let compression: { format: string; size: number; align: number } | null = null;
  try {
    const c = elf.compression(s);
    if (c) compression = { format: c.format, size: c.size, align: c.addralign };
  } catch (e) {
    onError?.(e);
    compression = { format: 'corrupt', size: 0, align: 0 };
  }
  return {
    index: s.index,
    name: s.name,
    type: sectionTypeName(s.type, machine),
    typeValue: s.type,
    flags: sectionFlagsString(s.flags, machine, osabi),
    flagsValue: s.flags,
    address: s.addr,
    offset: s.offset,
    size: s.size,
    entsize: s.entsize,
    link: s.link,
    info: s.info,
    align: s.addralign,
    compression,
  };
}

export const sectionsCommand = defineCommand({
  command: 'sections <file>',
  describe: 'list section headers (like readelf -S -W)',
  builder: (y) => fileAndJson(y, '$0 sections ./app --json'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const rows = elf.sections.map((s) => sectionJson(elf, s, damage.add));
      if (a.json) return writeOut(toJson({ file: a.file, sections: rows }) + '\n');
      // A table that could not be read is reported instead (the header names sections).
      if (rows.length === 0) return elf.tableErrors.sections ? undefined : writeOut('There are no sections in this file.\n');
      const w = elf.bits === 64 ? 16 : 8;
      writeOut(
        renderTable(
          [
            { title: '[Nr]', align: 'right' },
            { title: 'Name' },
            { title: 'Type' },
            { title: 'Address' },
            { title: 'Off' },
            { title: 'Size' },
            { title: 'ES' },
            { title: 'Flg' },
            { title: 'Lk', align: 'right' },
            { title: 'Inf', align: 'right' },
            { title: 'Al', align: 'right' },
            { title: 'Compressed' },
          ],
          rows.map((r) => [
            `[${r.index}]`,
            r.name,
            r.type,
            r.address.toString(16).padStart(w, '0'),
            r.offset.toString(16).padStart(6, '0'),
            r.size.toString(16).padStart(6, '0'),
            r.entsize.toString(16).padStart(2, '0'),
            r.flags,
            String(r.link),
            String(r.info),
            String(r.align),
            r.compression ? `${r.compression.format} ${hx(r.compression.size)}` : '',
          ]),
        ),
      );
    }),
});
