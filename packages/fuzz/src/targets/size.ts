// The size analyzer reading a damaged binary: every data source it offers
// (sections, segments, symbols, DWARF units and lines, Go packages and
// functions from the pclntab), as `elfkit size` runs them.
import { DATA_SOURCES, SizeError, SizeModel, sizeRows } from '@elfkit/size';
import { elfTarget } from '../elf-target.js';

export const sizeModel = elfTarget({
  name: 'size',
  describe: 'the size analyzer (bloaty model) over a damaged file: every data source, nested, rows',
  fixtures: ['c/gcc-O2', 'c/gcc-m32', 'obj/s390x.o', 'c/gcc-zlib'],
  typedErrors: (e) => e instanceof SizeError,
  structure: (elf, f) => {
    const h = elf.header;
    f.fileHeader();
    f.table(elf.layouts.programHeader, h.phoff, h.phnum, h.phentsize);
    f.table(elf.layouts.sectionHeader, h.shoff, h.shnum, h.shentsize);
    for (const t of elf.symbolTables()) f.table(elf.layouts.symbol, t.offset, Math.floor(t.size / elf.layouts.symbol.size), elf.layouts.symbol.size, 64);
    return [
      [0, h.ehsize],
      [h.phoff, h.phoff + h.phnum * h.phentsize],
      [h.shoff, h.shoff + h.shnum * h.shentsize],
      ...elf.sections.filter((s) => s.name.startsWith('.debug_') || s.name === '.symtab').map((s) => f.range(s, 4096)),
    ];
  },
  read: (elf, p) => {
    const model = p.attempt(() => new SizeModel(elf));
    if (!model) return 0;
    let rows = 0;
    for (const { name } of DATA_SOURCES) {
      if (p.attempt(() => model.unavailable(name))) continue;
      rows += p.attempt(() => sizeRows(model.tree([name])).children.length) ?? 0;
    }
    rows += p.attempt(() => sizeRows(model.tree(['sections', 'symbols'])).children.length) ?? 0;
    return rows;
  },
});

/** The size analyzer's targets. */
export const sizeTargets = [sizeModel];
