import { symbolDisplayName, symbolBindName, symbolSectionIndexName, symbolTypeName, symbolVisibilityName, type ElfFile, type Section } from '@elfkit/elf';
import { defineCommand, fileAndJson, withElf } from '../command.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';

function tableJson(elf: ElfFile, t: Section) {
  const { machine, osabi } = elf.header;
  return {
    section: t.name,
    symbols: elf.symbolsOf(t).map((s) => ({
      index: s.index,
      name: s.name,
      value: s.value,
      size: s.size,
      type: symbolTypeName(s.type, machine, osabi),
      bind: symbolBindName(s.bind, osabi),
      visibility: symbolVisibilityName(s.visibility),
      section: symbolSectionIndexName(s.shndx, machine, elf.sections.length, s.rawShndx === 0xffff),
      shndx: s.shndx,
      version: s.version ? { name: s.version.name, index: s.version.index, hidden: s.version.hidden, needed: s.version.needed, file: s.version.file ?? null } : null,
    })),
  };
}

function tableText(elf: ElfFile, t: Section): string {
  const { machine, osabi } = elf.header;
  const syms = elf.symbolsOf(t);
  const w = elf.bits === 64 ? 16 : 8;
  const numW = Math.max(4, String(syms.length - 1).length);
  const lines: string[] = [`Symbol table '${t.name}' contains ${syms.length} entries:`];
  lines.push(`${'Num'.padStart(numW)}  ${'Value'.padEnd(w)}  ${'Size'.padStart(5)}  Type     Bind    Vis        Ndx  Name`);
  const shnum = elf.sections.length;
  for (const s of syms) {
    const size = s.size < 100000n ? s.size.toString() : '0x' + s.size.toString(16);
    lines.push(
      `${String(s.index).padStart(numW)}  ${s.value.toString(16).padStart(w, '0')}  ${size.padStart(5)}  ${symbolTypeName(s.type, machine, osabi).padEnd(7)}  ${symbolBindName(s.bind, osabi).padEnd(6)}  ${symbolVisibilityName(s.visibility).padEnd(9)}  ${symbolSectionIndexName(s.shndx, machine, shnum, s.rawShndx === 0xffff).padStart(3)}  ${symbolDisplayName(s, elf.sections)}`,
    );
  }
  return lines.join('\n') + '\n';
}

export const symbolsCommand = defineCommand({
  command: 'symbols <file>',
  describe: 'list symbols of .symtab, or .dynsym with --dynamic (like readelf -s -W)',
  builder: (y) =>
    fileAndJson(y, '$0 symbols --dynamic /bin/ls').option('dynamic', { alias: 'D', type: 'boolean', default: false, describe: 'the dynamic symbol table (.dynsym)' }),
  handler: (a: { file: string; json: boolean; dynamic: boolean }) =>
    withElf(a.file, ({ elf }) => {
      const tables = elf.symbolTables(a.dynamic ? 'dynsym' : 'symtab');
      if (a.json) return writeOut(toJson({ file: a.file, tables: tables.map((t) => tableJson(elf, t)) }) + '\n');
      if (tables.length === 0) return writeOut(`No ${a.dynamic ? 'dynamic ' : ''}symbol table in this file.\n`);
      writeOut(tables.map((t) => tableText(elf, t)).join('\n'));
    }),
});
