import { symbolDisplayName, symbolBindName, symbolSectionIndexName, symbolTypeName, symbolVisibilityName, type ElfFile, type Section } from '@elfkit/elf';
import { defineCommand, fileAndJson, withElf } from '../command.js';
import { toJson } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';

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

/** Streams one table as text: accessors read fields straight from the section, rows go out in 64 KiB chunks. */
function writeTableText(elf: ElfFile, t: Section, out: OutputBuffer): void {
  const { machine, osabi } = elf.header;
  const tab = elf.symbolTable(t);
  const n = tab.count;
  const w = elf.bits === 64 ? 16 : 8;
  const numW = Math.max(4, String(n - 1).length);
  out.write(`Symbol table '${t.name}' contains ${n} entries:\n`);
  out.write(`${'Num'.padStart(numW)}  ${'Value'.padEnd(w)}  ${'Size'.padStart(5)}  Type     Bind    Vis        Ndx  Name\n`);
  const shnum = elf.sections.length;
  // Few distinct st_info/st_other/st_shndx values: cache their columns.
  const infoCol = new Map<number, string>();
  const visCol = new Map<number, string>();
  const ndxCol = new Map<number, string>();
  const sections = elf.sections;
  for (let i = 0; i < n; i++) {
    const info = tab.info(i);
    let ic = infoCol.get(info);
    if (ic === undefined) {
      ic = `${symbolTypeName(info & 0xf, machine, osabi).padEnd(7)}  ${symbolBindName(info >> 4, osabi).padEnd(6)}`;
      infoCol.set(info, ic);
    }
    const vis = tab.other(i) & 3;
    let vc = visCol.get(vis);
    if (vc === undefined) {
      vc = symbolVisibilityName(vis).padEnd(9);
      visCol.set(vis, vc);
    }
    const raw = tab.rawShndx(i);
    const shndx = raw === 0xffff ? tab.shndx(i) : raw;
    let nc = raw === 0xffff ? undefined : ndxCol.get(raw);
    if (nc === undefined) {
      nc = symbolSectionIndexName(shndx, machine, shnum, raw === 0xffff).padStart(3);
      if (raw !== 0xffff) ndxCol.set(raw, nc);
    }
    const size = tab.sizeNumber(i);
    const sizeText = size >= 0 && size < 100000 ? String(size) : '0x' + tab.size(i).toString(16);
    const name = symbolDisplayName({ type: info & 0xf, name: tab.name(i), shndx, version: tab.version(i) }, sections);
    const row = `${String(i).padStart(numW)}  ${tab.valueHex(i)}  ${sizeText.padStart(5)}  ${ic}  ${vc}  ${nc}`;
    out.write(name ? `${row}  ${name}\n` : `${row}\n`);
  }
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
      const out = new OutputBuffer();
      tables.forEach((t, k) => {
        if (k > 0) out.write('\n');
        writeTableText(elf, t, out);
      });
      out.flush();
    }),
});
