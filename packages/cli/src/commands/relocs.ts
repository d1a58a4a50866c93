import { sectionTypeName, symbolDisplayName, type ElfFile, type RelocationTable } from '@elfkit/elf';
import { relocTypeName, unrecognizedRelocType } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import type { Damage } from '../damage.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';

function typeName(machine: number, t: number): string {
  return relocTypeName(machine, t) ?? unrecognizedRelocType(t).trimEnd();
}

function tableJson(elf: ElfFile, t: RelocationTable, damage: Damage) {
  const { machine } = elf.header;
  // Relocations whose symbol table cannot be read still print, without symbols.
  const syms = t.symbolTable ? damage.attempt(() => elf.symbolsOf(t.symbolTable!), undefined) : undefined;
  return {
    section: t.section.name,
    kind: t.kind,
    offset: t.section.offset,
    entries: t.rawCount,
    symbolTable: t.symbolTable?.name ?? null,
    relocations: t.relocations.map((r) => {
      const s = r.symbolIndex !== 0 ? syms?.[r.symbolIndex] : undefined;
      return {
        offset: r.offset,
        info: r.info,
        type: r.type,
        typeName: typeName(machine, r.type),
        ...(r.type2 || r.type3 ? { type2: typeName(machine, r.type2), type3: typeName(machine, r.type3), ssym: r.ssym } : {}),
        symbol: r.symbolIndex === 0 ? null : { index: r.symbolIndex, name: s ? symbolDisplayName(s, elf.sections, 'relocation') : null, value: s?.value ?? null },
        addend: r.addend ?? null,
      };
    }),
  };
}

export const relocsCommand = defineCommand({
  command: 'relocs <file>',
  describe: 'list relocations of REL, RELA and RELR sections (like readelf -r -W)',
  builder: (y) => fileAndJson(y, '$0 relocs ./app.o'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const tables = elf.relocationTables(damage.add).map((t) => tableJson(elf, t, damage));
      if (a.json) return writeOut(toJson({ file: a.file, tables }) + '\n');
      if (tables.length === 0) return writeOut('There are no relocations in this file.\n');
      const w = elf.bits === 64 ? 16 : 8;
      const out: string[] = [];
      // Like readelf, the text skips empty sections (JSON lists them all).
      for (const t of tables.filter((x) => x.relocations.length > 0 || x.entries > 0)) {
        const sec = elf.section(t.section)!;
        out.push(`Relocation section '${t.section}' (${sectionTypeName(sec.type, elf.header.machine)}) at offset 0x${t.offset.toString(16)} contains ${t.relocations.length} entries:`);
        const typeW = Math.max(4, ...t.relocations.map((r) => r.typeName.length));
        out.push(`${'Offset'.padEnd(w)}  ${'Info'.padEnd(w)}  ${'Type'.padEnd(typeW)}  ${'Sym. Value'.padEnd(w)}  Sym. Name + Addend`);
        for (const r of t.relocations) {
          const sym = r.symbol ? `${r.symbol.value !== null ? r.symbol.value.toString(16).padStart(w, '0') : '?'.padStart(w)}  ${r.symbol.name ?? '?'}` : ''.padEnd(w) + ' ';
          const add = r.addend === null ? '' : r.addend < 0n ? ` - ${(-r.addend).toString(16)}` : r.symbol ? ` + ${r.addend.toString(16)}` : ` ${r.addend.toString(16)}`;
          out.push(`${r.offset.toString(16).padStart(w, '0')}  ${r.info.toString(16).padStart(w, '0')}  ${r.typeName.padEnd(typeW)}  ${sym}${add}`.trimEnd());
        }
        out.push('');
      }
      writeOut(out.join('\n'));
    }),
});
