import { segmentFlagsString, segmentTypeName } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { hx, toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { writeOut } from '../io/output.js';

export const segmentsCommand = defineCommand({
  command: 'segments <file>',
  describe: 'list program headers and the section-to-segment mapping (like readelf -l -W)',
  builder: (y) => fileAndJson(y, '$0 segments ./app'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const { machine } = elf.header;
      // With the section headers unreadable (reported), the program headers still list, without the mapping.
      const mapping = elf.sections.length > 0 ? elf.sectionToSegmentMapping() : elf.segments.map(() => []);
      const interp = damage.attempt(() => elf.interpreter(), undefined);
      const segs = elf.segments.map((p, i) => ({
        index: p.index,
        type: segmentTypeName(p.type, machine),
        typeValue: p.type,
        flags: segmentFlagsString(p.flags).replace(/ /g, ''),
        flagsValue: p.flags,
        offset: p.offset,
        vaddr: p.vaddr,
        paddr: p.paddr,
        filesz: p.filesz,
        memsz: p.memsz,
        align: p.align,
        sections: mapping[i]!.map((j) => elf.sections[j]!.name),
      }));
      if (a.json) return writeOut(toJson({ file: a.file, entry: elf.header.entry, interpreter: interp ?? null, segments: segs }) + '\n');
      if (segs.length === 0) return elf.tableErrors.segments ? undefined : writeOut('There are no program headers in this file.\n');
      const w = elf.bits === 64 ? 16 : 8;
      let out = `Entry point ${hx(elf.header.entry)}${interp ? `, interpreter ${interp}` : ''}\n\n`;
      out += renderTable(
        [
          { title: 'Nr', align: 'right' },
          { title: 'Type' },
          { title: 'Offset' },
          { title: 'VirtAddr' },
          { title: 'PhysAddr' },
          { title: 'FileSiz' },
          { title: 'MemSiz' },
          { title: 'Flg' },
          { title: 'Align' },
          { title: 'Sections' },
        ],
        segs.map((s) => [
          String(s.index),
          s.type,
          hx(s.offset, 6),
          hx(s.vaddr, w),
          hx(s.paddr, w),
          hx(s.filesz, 6),
          hx(s.memsz, 6),
          segmentFlagsString(s.flagsValue),
          hx(s.align),
          s.sections.join(' '),
        ]),
      );
      writeOut(out);
    }),
});
