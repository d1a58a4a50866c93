import type { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { errorSink as sink, type OpenedDwarf } from '@elfkit/symbolize';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';
import { opViews } from './describe.js';
import { baseTypeWriter } from './info-text.js';
import { writeExpression } from './expr-text.js';
import { TextOut } from '../io/text-out.js';
import { listReferences } from './list-refs.js';
import { errorJson } from '../format/error-json.js';
import type { DwarfArgs } from './with-dwarf.js';

/** `dwarf ranges` and `dwarf locations`: every list the DIEs refer to, entry by entry (text or JSON). */
export function dumpLists(a: DwarfArgs, od: OpenedDwarf, errors: ParseError[], kind: 'ranges' | 'locations'): void {
  const refs = listReferences(od.dwarf, kind, sink(errors));
  const machine = od.elf.header.machine;
  const json: unknown[] = [];
  const out = new TextOut(1 << 20);
  let section = '';
  for (const r of refs) {
    const u = r.unit;
    const aw = u.header.addressSize * 2;
    if (!a.json && r.section !== section) {
      section = r.section;
      out.ascii(`${section} contents:\n`);
    }
    const entries: unknown[] = [];
    if (!a.json) out.hex(r.offset, 8).ascii(':\n');
    try {
      const list = kind === 'ranges' ? u.rangeListEntries(r.attribute) : u.locationListEntries(r.attribute);
      for (const e of list) {
        const kindName = kind === 'ranges' ? D.rleName(e.kind) : D.lleName(e.kind);
        const loc = e as D.LocationListEntry;
        let ops: D.Operation[] | undefined;
        let opError: string | undefined;
        if (loc.expression) {
          try {
            ops = u.expression(loc.expression, r.section, loc.expressionOffset);
          } catch (err) {
            opError = (err as Error).message;
          }
        }
        if (a.json) {
          entries.push({
            offset: e.offset,
            kind: kindName ?? e.kind,
            values: e.values,
            range: e.range ? [e.range.begin, e.range.end] : null,
            ...(loc.expression ? { expression: ops ? opViews(ops) : null, ...(opError ? { error: opError } : {}) } : {}),
          });
          continue;
        }
        const name = kindName ?? String(e.kind);
        out.ascii('  ').hex(e.offset, 8).ascii(': ').ascii(e.values.length || e.range || loc.expression ? name.padEnd(22) : name);
        if (e.values.length) {
          out.ascii(' (');
          e.values.forEach((v, i) => (i ? out.ascii(', ') : out).hex(v, 16));
          out.byte(0x29);
        }
        if (e.range) out.ascii('  => [').hex(e.range.begin, aw).ascii(', ').hex(e.range.end, aw).byte(0x29);
        if (loc.expression) {
          out.ascii(': ');
          if (ops) writeExpression(out, u.operations(loc.expression, r.section, loc.expressionOffset), machine, baseTypeWriter(u));
          else out.ascii('<error: ').escaped(opError ?? '').byte(0x3e);
        }
        out.byte(0x0a);
      }
    } catch (e) {
      sink(errors)(e);
    }
    if (a.json) json.push({ section: r.section, offset: r.offset, unit: u.offset, entries });
  }
  if (a.json) writeOut(toJson({ file: a.file, lists: json, errors: errors.map(errorJson) }) + '\n');
  else out.flush();
}
