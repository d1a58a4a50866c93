import { dynamicTagName, dynamicValueText } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { writeOut } from '../io/output.js';

export const dynamicCommand = defineCommand({
  command: 'dynamic <file>',
  describe: 'list the dynamic section: NEEDED, SONAME, RPATH/RUNPATH, FLAGS, … (like readelf -d -W)',
  builder: (y) => fileAndJson(y, '$0 dynamic /bin/ls'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const entries = damage.attempt(() => elf.dynamic(damage.add), undefined);
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
