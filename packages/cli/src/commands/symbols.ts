import { symbolDisplayName, symbolBindName, symbolSectionIndexName, symbolTypeName, symbolVisibilityName, type ElfFile, type Section } from '@elfkit/elf';
import { defineCommand, fileAndJson, withElf } from '../command.js';
import { AsciiWriter } from '../io/ascii-writer.js';
import { writeOut } from '../io/output.js';

/**
 * Streams one table as JSON (the shape of docs/json-elf.md) row by row from
 * the table's accessors: a 46,000-symbol table never exists as objects.
 */
function writeTableJson(elf: ElfFile, t: Section, out: AsciiWriter): void {
  const { machine, osabi } = elf.header;
  const tab = elf.symbolTable(t);
  const shnum = elf.sections.length;
  const q = JSON.stringify;
  out.str(`{"section":${q(t.name)},"symbols":[`);
  for (let i = 0; i < tab.count; i++) {
    const info = tab.info(i);
    const raw = tab.rawShndx(i);
    const shndx = raw === 0xffff ? tab.shndx(i) : raw;
    const v = tab.version(i);
    const version = v ? `{"name":${q(v.name)},"index":${v.index},"hidden":${v.hidden},"needed":${v.needed},"file":${v.file === undefined ? 'null' : q(v.file)}}` : 'null';
    out.str(
      `${i ? ',' : ''}\n{"index":${i},"name":${q(tab.name(i))},"value":"0x${tab.value(i).toString(16)}","size":"0x${tab.size(i).toString(16)}",` +
        `"type":"${symbolTypeName(info & 0xf, machine, osabi)}","bind":"${symbolBindName(info >> 4, osabi)}","visibility":"${symbolVisibilityName(tab.other(i) & 3)}",` +
        `"section":${q(symbolSectionIndexName(shndx, machine, shnum, raw === 0xffff))},"shndx":${shndx},"version":${version}}`,
    );
  }
  out.str(']}');
}

/**
 * Writes one table as text straight into output bytes: fields come from the
 * section through the table's accessors and names are copied from the
 * string table undecoded, so 46,000 rows allocate next to nothing.
 */
function writeTableText(elf: ElfFile, t: Section, out: AsciiWriter): void {
  const { machine, osabi } = elf.header;
  const tab = elf.symbolTable(t);
  const n = tab.count;
  const is64 = elf.bits === 64;
  const numW = Math.max(4, String(n - 1).length);
  out.str(`Symbol table '${t.name}' contains ${n} entries:\n`);
  out.str(`${'Num'.padStart(numW)}  ${'Value'.padEnd(is64 ? 16 : 8)}  ${'Size'.padStart(5)}  Type     Bind    Vis        Ndx  Name\n`);
  const shnum = elf.sections.length;
  const sections = elf.sections;
  const enc = new TextEncoder();
  // Few distinct st_info/st_other/st_shndx values: encode their columns once.
  const infoCol: (Uint8Array | undefined)[] = new Array(256);
  const visCol: (Uint8Array | undefined)[] = new Array(4);
  const ndxCol: (Uint8Array | undefined)[] = new Array(0x10000);
  const strtab = tab.strtabBytes;
  const strtabBuf = Buffer.from(strtab.buffer, strtab.byteOffset, strtab.byteLength);
  const dynamic = t.type === 11; // SHT_DYNSYM: names may carry versions
  for (let i = 0; i < n; i++) {
    const info = tab.info(i);
    let ic = infoCol[info];
    if (ic === undefined) {
      ic = enc.encode(`${symbolTypeName(info & 0xf, machine, osabi).padEnd(7)}  ${symbolBindName(info >> 4, osabi).padEnd(6)}  `);
      infoCol[info] = ic;
    }
    const vis = tab.other(i) & 3;
    let vc = visCol[vis];
    if (vc === undefined) {
      vc = enc.encode(symbolVisibilityName(vis).padEnd(9) + '  ');
      visCol[vis] = vc;
    }
    const raw = tab.rawShndx(i);
    const shndx = raw === 0xffff ? tab.shndx(i) : raw;
    let nc = raw === 0xffff ? undefined : ndxCol[raw];
    if (nc === undefined) {
      nc = enc.encode(symbolSectionIndexName(shndx, machine, shnum, raw === 0xffff).padStart(3));
      if (raw !== 0xffff) ndxCol[raw] = nc;
    }
    out.dec(i, numW).spaces(2);
    if (is64) out.hex32(tab.valueHigh(i));
    out.hex32(tab.valueLow(i)).spaces(2);
    const size = tab.sizeNumber(i);
    if (size >= 0 && size < 100000) out.dec(size, 5);
    else out.str(('0x' + tab.size(i).toString(16)).padStart(5));
    out.spaces(2).raw(ic).raw(vc).raw(nc);
    const type = info & 0xf;
    const off = tab.nameOffset(i);
    if (off >= strtab.length) out.str('  <corrupt>');
    else if (type === 3 || dynamic) {
      // Section symbols take their section's name; dynamic ones may carry a version.
      const name = symbolDisplayName({ type, name: tab.name(i), shndx, version: tab.version(i) }, sections);
      if (name) out.spaces(2).str(name);
    } else {
      let end = strtab.indexOf(0, off);
      if (end < 0) end = strtab.length;
      if (end > off) out.spaces(2).copy(strtabBuf, off, end);
    }
    out.nl();
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
      if (a.json) {
        const out = new AsciiWriter();
        out.str(`{"file":${JSON.stringify(a.file)},"tables":[`);
        tables.forEach((t, k) => {
          if (k) out.str(',');
          writeTableJson(elf, t, out);
        });
        out.str(']}\n').flush();
        return;
      }
      if (tables.length === 0) return writeOut(`No ${a.dynamic ? 'dynamic ' : ''}symbol table in this file.\n`);
      const out = new AsciiWriter();
      tables.forEach((t, k) => {
        if (k > 0) out.nl();
        writeTableText(elf, t, out);
      });
      out.flush();
    }),
});
