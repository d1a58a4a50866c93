import type * as D from '@elfkit/dwarf';
import { errorSink as sink } from '@elfkit/symbolize';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';
import { hexw } from '../dwarf/describe.js';
import { errorJson } from '../format/error-json.js';
import { common, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const arangesCommand = defineCommand({
  command: 'aranges <file>',
  describe: 'dump .debug_aranges: the address ranges of each compilation unit',
  builder: (y) => common(y, '$0 dwarf aranges ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const sets: D.ArangeSet[] = [];
      try {
        for (const s of od.dwarf.aranges(sink(errors))) sets.push(s);
      } catch (e) {
        sink(errors)(e);
      }
      if (a.json) {
        writeOut(
          toJson({
            file: a.file,
            sets: sets.map((s) => ({
              offset: s.offset,
              length: s.length,
              format: `DWARF${s.offsetSize * 8}`,
              version: s.version,
              cuOffset: s.debugInfoOffset,
              addressSize: s.addressSize,
              segmentSelectorSize: s.segmentSelectorSize,
              ranges: s.entries.map((e) => ({ address: e.address, length: e.length, end: e.address + e.length })),
            })),
            errors: errors.map(errorJson),
          }) + '\n',
        );
        return;
      }
      const out = new OutputBuffer();
      out.write('.debug_aranges contents:\n');
      for (const s of sets) {
        out.write(
          `Address Range Header: length = ${hexw(s.length, s.offsetSize * 2)}, format = DWARF${s.offsetSize * 8}, version = ${hexw(s.version, 4)}, cu_offset = ${hexw(s.debugInfoOffset, s.offsetSize * 2)}, addr_size = ${hexw(s.addressSize, 2)}, seg_size = ${hexw(s.segmentSelectorSize, 2)}\n`,
        );
        for (const e of s.entries) out.write(`[${hexw(e.address, s.addressSize * 2)}, ${hexw(e.address + e.length, s.addressSize * 2)})\n`);
      }
      out.flush();
    }),
});
