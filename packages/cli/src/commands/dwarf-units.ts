import * as D from '@elfkit/dwarf';
import { SplitResolver } from '@elfkit/dwarf';
import { errorSink as sink } from '@elfkit/symbolize';
import { defineCommand } from '../command.js';
import { toJson, hx } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';
import { unitHeaderText } from '../dwarf/info-text.js';
import { escapeString } from '../io/text-out.js';
import { tagText } from '../dwarf/names.js';
import { errorJson } from '../format/error-json.js';
import { allUnits, common, unitJson, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const unitsCommand = defineCommand({
  command: 'units <file>',
  describe: 'list units: header, name, comp_dir, producer, language, line table, split-DWARF file',
  builder: (y) => common(y, '$0 dwarf units ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const rows: Record<string, unknown>[] = [];
      const out = new OutputBuffer();
      for (const u of allUnits(od.dwarf, errors)) {
        const j: Record<string, unknown> = unitJson(u);
        let root: D.UnitRoot | undefined;
        try {
          root = u.root();
        } catch (e) {
          sink(errors)(e);
        }
        j.tag = root ? tagText(root.tag) : null;
        j.name = root?.name ?? null;
        j.compDir = root?.compDir ?? null;
        j.producer = root?.producer ?? null;
        j.language = root?.language !== undefined ? (D.langName(root.language) ?? root.language) : null;
        j.stmtList = root?.stmtList ?? null;
        j.dwoName = root?.dwoName ?? null;
        j.split = null;
        if (SplitResolver.isSkeleton(u)) {
          try {
            const s = od.split.splitUnit(u);
            j.split = s ? { path: s.path, via: s.via, offset: s.unit.offset } : null;
          } catch (e) {
            sink(errors)(e);
          }
        }
        if (a.json) rows.push(j);
        else {
          out.write(unitHeaderText(u) + '\n');
          const facts = [
            j.name !== null ? `name = "${escapeString(String(j.name))}"` : '',
            j.compDir !== null ? `comp_dir = "${escapeString(String(j.compDir))}"` : '',
            j.language !== null ? `language = ${j.language}` : '',
            j.stmtList !== null ? `stmt_list = ${hx(j.stmtList as number)}` : '',
          ].filter(Boolean);
          if (facts.length) out.write('  ' + facts.join(', ') + '\n');
          if (j.producer !== null) out.write(`  producer = "${escapeString(String(j.producer))}"\n`);
          if (j.dwoName !== null) {
            const s = j.split as { path: string; via: string } | null;
            out.write(`  dwo_name = "${escapeString(String(j.dwoName))}": ${s ? `${s.path} (${s.via})` : 'split unit not found'}\n`);
          }
        }
      }
      if (a.json) writeOut(toJson({ file: a.file, source: od.source, sup: od.supPath ?? null, units: rows, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});
