import { constants as C, dynamicFlagNames, dynamicFlags1Names, dynamicTagName, type DynamicEntry } from '@elfkit/elf';
import { defineCommand, fileAndJson, withElf } from '../command.js';
import { toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { writeOut } from '../io/output.js';

const BYTES = new Set([2, 8, 9, 10, 11, 18, 19, 27, 28, 33, 35, 37, 0x6ffffdf9, 0x6ffffdfa, 0x6ffffdfb, 0x6ffffdfe, 0x6ffffdff, 0x6ffffdf6, 0x6ffffdf7]);
const COUNTS = new Set([0x6ffffffd, 0x6ffffff9, 0x6ffffffa, 0x6fffffff]);
const LABELS: Record<number, string> = {
  [C.DT_NEEDED]: 'Shared library',
  [C.DT_SONAME]: 'Library soname',
  [C.DT_RPATH]: 'Library rpath',
  [C.DT_RUNPATH]: 'Library runpath',
  [C.DT_AUXILIARY]: 'Auxiliary library',
  [C.DT_FILTER]: 'Filter library',
  0x6ffffefa: 'Configuration file',
  0x6ffffefb: 'Dependency audit library',
  0x6ffffefc: 'Audit library',
  0x7ffffffe: 'Not needed object',
};

/** The value column of `readelf -d` for one entry. */
export function dynamicValueText(e: DynamicEntry, machine: number): string {
  const tag = e.tag >= 0n && e.tag <= 0xffffffffn ? Number(e.tag) : -1;
  if (e.string !== undefined && LABELS[tag]) return `${LABELS[tag]}: [${e.string}]`;
  if (tag === C.DT_FLAGS) return dynamicFlagNames(e.value).join(' ');
  if (tag === C.DT_FLAGS_1) return ['Flags:', ...dynamicFlags1Names(e.value)].join(' ');
  if (tag === C.DT_PLTREL) return dynamicTagName(e.value, machine);
  if (BYTES.has(tag)) return `${e.value} (bytes)`;
  if (COUNTS.has(tag)) return `${e.value}`;
  return '0x' + e.value.toString(16);
}

export const dynamicCommand = defineCommand({
  command: 'dynamic <file>',
  describe: 'list the dynamic section: NEEDED, SONAME, RPATH/RUNPATH, FLAGS, … (like readelf -d -W)',
  builder: (y) => fileAndJson(y, '$0 dynamic /bin/ls'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf }) => {
      const entries = elf.dynamic();
      const { machine } = elf.header;
      const rows = (entries ?? []).map((e) => ({
        tag: e.tag,
        name: dynamicTagName(e.tag, machine),
        value: e.value,
        string: e.string ?? null,
        text: dynamicValueText(e, machine),
      }));
      if (a.json) return writeOut(toJson({ file: a.file, dynamic: entries ? rows : null }) + '\n');
      if (!entries) return writeOut('There is no dynamic section in this file.\n');
      const w = elf.bits === 64 ? 16 : 8;
      writeOut(
        `Dynamic section contains ${rows.length} entries:\n` +
          renderTable(
            [{ title: 'Tag' }, { title: 'Type' }, { title: 'Name/Value' }],
            rows.map((r) => ['0x' + BigInt.asUintN(elf.bits, r.tag).toString(16).padStart(w, '0'), `(${r.name})`, r.text]),
          ),
      );
    }),
});
