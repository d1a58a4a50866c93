import { symbolDisplayName, symbolBindName, symbolSectionIndexName, symbolTypeName, symbolVisibilityName, type ElfFile, type Section } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import type { Damage } from '../damage.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { HEX_DIGITS, TextOut } from '../io/text-out.js';
import { writeOut } from '../io/output.js';

/**
 * Streams one table as JSON (the shape of docs/json-elf.md) row by row from
 * the table's accessors: a 46,000-symbol table never exists as objects.
 */
function writeTableJson(elf: ElfFile, t: Section, out: TextOut, damage: Damage): void {
  const { machine, osabi } = elf.header;
  const tab = elf.symbolTable(t);
  const shnum = elf.sections.length;
  const q = JSON.stringify;
  out.utf8(`{"section":${q(t.name)},"symbols":[`);
  for (let i = 0; i < tab.count; i++) {
    const info = tab.info(i);
    const raw = tab.rawShndx(i);
    const shndx = raw === 0xffff ? damage.attempt(() => tab.shndx(i), raw) : raw;
    const v = tab.version(i);
    const version = v ? `{"name":${q(v.name)},"index":${v.index},"hidden":${v.hidden},"needed":${v.needed},"file":${v.file === undefined ? 'null' : q(v.file)}}` : 'null';
    out.utf8(
      `${i ? ',' : ''}\n{"index":${i},"name":${q(tab.name(i))},"value":"0x${tab.value(i).toString(16)}","size":"0x${tab.size(i).toString(16)}",` +
        `"type":"${symbolTypeName(info & 0xf, machine, osabi)}","bind":"${symbolBindName(info >> 4, osabi)}","visibility":"${symbolVisibilityName(tab.other(i) & 3)}",` +
        `"section":${q(symbolSectionIndexName(shndx, machine, shnum, raw === 0xffff))},"shndx":${shndx},"version":${version}}`,
    );
  }
  out.utf8(']}');
}

/**
 * Writes one table as text straight into output bytes: fields come from the
 * section through the table's accessors and names are copied from the
 * string table undecoded, so 46,000 rows allocate next to nothing.
 */
function writeTableText(elf: ElfFile, t: Section, out: TextOut, damage: Damage): void {
  const { machine, osabi } = elf.header;
  const tab = elf.symbolTable(t);
  const n = tab.count;
  const is64 = elf.bits === 64;
  const numW = Math.max(4, String(n - 1).length);
  out.utf8(`Symbol table '${t.name}' contains ${n} entries:\n`);
  out.utf8(`${'Num'.padStart(numW)}  ${'Value'.padEnd(is64 ? 16 : 8)}  ${'Size'.padStart(5)}  Type     Bind    Vis        Ndx  Name\n`);
  const shnum = elf.sections.length;
  const sections = elf.sections;
  const enc = new TextEncoder();
  const strtab = tab.strtabBytes;
  const dynamic = t.type === 11; // SHT_DYNSYM: names may carry versions
  // The fixed columns (type, bind, visibility, section index) repeat: one
  // pre-encoded run per distinct (st_info, visibility, st_shndx).
  const fixed = new Map<number, Uint8Array>();
  const fixedColumns = (info: number, vis: number, raw: number, shndx: number): Uint8Array => {
    const key = info | (vis << 8) | (raw << 10);
    let f = raw === 0xffff ? undefined : fixed.get(key);
    if (f === undefined) {
      f = enc.encode(
        `  ${symbolTypeName(info & 0xf, machine, osabi).padEnd(7)}  ${symbolBindName(info >> 4, osabi).padEnd(6)}  ${symbolVisibilityName(vis).padEnd(9)}  ` +
          symbolSectionIndexName(shndx, machine, shnum, raw === 0xffff).padStart(3),
      );
      if (raw !== 0xffff) fixed.set(key, f);
    }
    return f;
  };
  const HEX = HEX_DIGITS;
  // The index column counts up: keep it as right-aligned ASCII and increment it in place.
  const index = new TextEncoder().encode('0'.padStart(numW));
  for (let i = 0; i < n; i++) {
    const info = tab.info(i);
    const raw = tab.rawShndx(i);
    const shndx = raw === 0xffff ? damage.attempt(() => tab.shndx(i), raw) : raw;
    const cols = fixedColumns(info, tab.other(i) & 3, raw, shndx);
    // Index and value straight into the output bytes.
    const buf = out.reserve(numW + 2 + 16 + 2);
    let p = out.position;
    for (let k = 0; k < numW; k++) buf[p++] = index[k]!;
    for (let k = numW - 1; k >= 0; k--) {
      const d = index[k]!;
      if (d === 0x39) index[k] = 0x30;
      else {
        index[k] = d === 0x20 ? 0x31 : d + 1;
        break;
      }
    }
    buf[p++] = 0x20;
    buf[p++] = 0x20;
    if (is64) {
      let hi = tab.valueHigh(i);
      for (let k = 7; k >= 0; k--, hi >>>= 4) buf[p + k] = HEX[hi & 15]!;
      p += 8;
    }
    let lo = tab.valueLow(i);
    for (let k = 7; k >= 0; k--, lo >>>= 4) buf[p + k] = HEX[lo & 15]!;
    p += 8;
    buf[p++] = 0x20;
    buf[p++] = 0x20;
    out.commit(p);
    const size = tab.sizeNumber(i);
    if (size >= 0 && size < 100000) out.dec(size, 5);
    else out.utf8(('0x' + tab.size(i).toString(16)).padStart(5));
    out.raw(cols);
    const type = info & 0xf;
    const off = tab.nameOffset(i);
    if (off >= strtab.length) out.utf8('  <corrupt>');
    else if (type === 3 || dynamic) {
      // Section symbols take their section's name; dynamic ones may carry a version.
      const name = symbolDisplayName({ type, name: tab.name(i), shndx, version: tab.version(i) }, sections);
      if (name) out.spaces(2).utf8(name);
    } else {
      let end = strtab.indexOf(0, off);
      if (end < 0) end = strtab.length;
      if (end > off) {
        const nb = out.reserve(end - off + 3);
        let q = out.position;
        nb[q++] = 0x20;
        nb[q++] = 0x20;
        // Go and C++ names run long: set() beats a byte loop past a few dozen bytes.
        if (end - off < 32) for (let k = off; k < end; k++) nb[q++] = strtab[k]!;
        else {
          nb.set(strtab.subarray(off, end), q);
          q += end - off;
        }
        out.commit(q);
      }
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
    withElf(a.file, ({ elf, damage }) => {
      // A table that cannot be read (its string table link, its entry size) is reported; the others print.
      const tables = elf.symbolTables(a.dynamic ? 'dynsym' : 'symtab').filter((t) => damage.attempt(() => !!elf.symbolTable(t), false));
      if (a.json) {
        const out = new TextOut();
        out.utf8(`{"file":${JSON.stringify(a.file)},"tables":[`);
        tables.forEach((t, k) => {
          if (k) out.utf8(',');
          writeTableJson(elf, t, out, damage);
        });
        out.utf8(']}\n').flush();
        return;
      }
      if (tables.length === 0) return !elf.tableErrors.sections ? writeOut(`No ${a.dynamic ? 'dynamic ' : ''}symbol table in this file.\n`) : undefined;
      const out = new TextOut();
      tables.forEach((t, k) => {
        if (k > 0) out.nl();
        writeTableText(elf, t, out, damage);
      });
      out.flush();
    }),
});
