import type { ParseError } from '@elfkit/binary';
import type * as D from '@elfkit/dwarf';
import { errorSink as sink } from '@elfkit/symbolize';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';
import { hexw } from '../dwarf/describe.js';
import { attrText, formText, tagText } from '../dwarf/names.js';
import { errorJson } from '../format/error-json.js';
import { allUnits, common, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const abbrevCommand = defineCommand({
  command: 'abbrev <file>',
  describe: 'dump the abbreviation tables the units use',
  builder: (y) => common(y, '$0 dwarf abbrev ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const seen = new Set<number>();
      const tables: { offset: number; abbrevs: unknown[] }[] = [];
      const out = new OutputBuffer();
      if (!a.json) out.write('.debug_abbrev contents:\n');
      for (const t of abbrevTables(od.dwarf, errors)) {
        const off = t.offset;
        if (seen.has(off)) continue;
        seen.add(off);
        const list = [...t.all()];
        if (a.json) {
          tables.push({
            offset: off,
            abbrevs: list.map((x) => ({
              code: x.code,
              tag: tagText(x.tag),
              children: x.hasChildren,
              attributes: x.names.map((n, i) => ({ name: attrText(n), form: formText(x.forms[i]!), ...(x.implicitConst[i] !== undefined ? { value: x.implicitConst[i] } : {}) })),
            })),
          });
          continue;
        }
        out.write(`Abbrev table for offset: ${hexw(off, 8)}\n`);
        for (const x of list) {
          out.write(`[${x.code}] ${tagText(x.tag)}\tDW_CHILDREN_${x.hasChildren ? 'yes' : 'no'}\n`);
          x.names.forEach((n, i) => out.write(`\t${attrText(n)}\t${formText(x.forms[i]!)}${x.implicitConst[i] !== undefined ? '\t' + String(x.implicitConst[i]) : ''}\n`));
          out.write('\n');
        }
      }
      if (a.json) writeOut(toJson({ file: a.file, tables, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});

/**
 * The abbreviation tables the units use, in unit order; when no unit can
 * be read (a damaged `.debug_info`), every table in section order, as
 * llvm-dwarfdump --debug-abbrev walks them.
 */
function* abbrevTables(dwarf: D.Dwarf, errors: ParseError[]): Generator<D.AbbrevTable> {
  let units = 0;
  for (const u of allUnits(dwarf, errors)) {
    units++;
    try {
      yield u.abbrevs();
    } catch (e) {
      sink(errors)(e);
    }
  }
  if (units > 0 || errors.length === 0) return;
  let bytes: Uint8Array;
  try {
    bytes = dwarf.sections.bytes('abbrev');
  } catch (e) {
    return sink(errors)(e);
  }
  for (let at = 0; at < bytes.length; ) {
    let t: D.AbbrevTable;
    try {
      t = dwarf.abbrevTable(at);
    } catch (e) {
      return sink(errors)(e);
    }
    yield t;
    if (t.end <= at) return;
    at = t.end;
  }
}
