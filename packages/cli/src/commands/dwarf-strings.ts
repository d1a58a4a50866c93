import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import type { Unit } from '@elfkit/dwarf';
import { errorSink as sink } from '@elfkit/symbolize';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';
import { hexw } from '../dwarf/describe.js';
import { escapeString } from '../io/text-out.js';
import { errorJson } from '../format/error-json.js';
import { allUnits, common, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const stringsCommand = defineCommand({
  command: 'strings <file>',
  describe: 'dump the string sections (.debug_str, .debug_line_str) and the string offsets tables',
  builder: (y) => common(y, '$0 dwarf strings ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const s = od.dwarf.sections;
      const result: Record<string, unknown> = { file: a.file };
      const out = new OutputBuffer();
      for (const id of ['str', 'lineStr'] as const) {
        const b = s.get(id);
        if (!b) continue;
        const list: { offset: number; string: string }[] = [];
        if (!a.json) out.write(`${s.name(id)} contents:\n`);
        let off = 0;
        while (off < b.length) {
          const nul = b.indexOf(0, off);
          if (nul < 0) {
            errors.push(new ParseError('truncated', 'unterminated string', s.name(id), off));
            break;
          }
          const str = id === 'str' ? od.dwarf.str(off) : od.dwarf.lineStr(off);
          if (a.json) list.push({ offset: off, string: str });
          else out.write(`${hexw(off, 8)}: "${escapeString(str)}"\n`);
          off = nul + 1;
        }
        result[id === 'str' ? 'debugStr' : 'debugLineStr'] = list;
      }
      // String offsets tables, per unit that uses one.
      const tables: unknown[] = [];
      const seen = new Set<number>();
      if (s.has('strOffsets')) {
        if (!a.json) out.write(`${s.name('strOffsets')} contents:\n`);
        for (const u of allUnits(od.dwarf, errors)) {
          const base = u.strOffsetsBase;
          if (seen.has(base)) continue;
          seen.add(base);
          const entries: { index: number; offset: number; string: string | null }[] = [];
          try {
            const count = strOffsetsCount(u);
            for (let i = 0; i < count; i++) {
              let str: string | null = null;
              try {
                str = u.stringAtIndex(i);
              } catch (e) {
                sink(errors)(e);
              }
              entries.push({ index: i, offset: base + i * u.header.offsetSize, string: str });
            }
          } catch (e) {
            sink(errors)(e);
          }
          if (a.json) tables.push({ unit: u.offset, base, entries });
          else {
            out.write(`unit ${hexw(u.offset, 8)}, base ${hexw(base, 8)}:\n`);
            for (const e of entries) out.write(`${hexw(e.offset, 8)}: [${e.index}] ${e.string === null ? '<error>' : `"${escapeString(e.string)}"`}\n`);
          }
        }
      }
      if (a.json) writeOut(toJson({ ...result, strOffsets: tables, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});

/** The number of entries of a unit's string offsets table: from its DWARF 5 header, else up to the next table (GNU split DWARF has no header). */
function strOffsetsCount(u: Unit): number {
  const s = u.dwarf.sections;
  const bytes = s.bytes('strOffsets');
  const size = u.header.offsetSize;
  const base = u.strOffsetsBase;
  if (u.version >= 5 && base >= size * 2) {
    const r = s.reader('strOffsets');
    r.pos = base - (size === 8 ? 16 : 8);
    const il = D.readInitialLength(r, 'string offsets table');
    return Math.max(0, Math.floor((il.length - 4) / size));
  }
  const limit = u.contributions?.strOffsets ? u.contributions.strOffsets.offset + u.contributions.strOffsets.size : bytes.length;
  return Math.max(0, Math.floor((limit - base) / size));
}
