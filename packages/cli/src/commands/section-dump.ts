import { writeFileSync } from 'node:fs';
import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { CliError } from '../errors.js';
import { writeOut } from '../io/output.js';

export const sectionDumpCommand = defineCommand({
  command: 'dump <file> <name>',
  describe: "write a section's contents (decompressed) to stdout or a file",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file (- for standard input)' })
      .positional('name', { type: 'string', demandOption: true, describe: 'section name, or #N for the section at index N' })
      .option('o', { alias: 'output', type: 'string', describe: 'write to this file instead of stdout' })
      .option('raw', { type: 'boolean', default: false, describe: 'do not decompress SHF_COMPRESSED/.zdebug sections' })
      .example('$0 section dump ./app .comment', '')
      .example('$0 section dump ./app .debug_info -o info.bin', ''),
  handler: (a: { file: string; name: string; o?: string; raw: boolean }) =>
    withElf(a.file, ({ elf }) => {
      const m = /^#(\d+)$/.exec(a.name);
      const s = m ? elf.sections[Number(m[1])] : elf.section(a.name);
      if (!s) throw new CliError(`no section ${a.name}`);
      const data = a.raw ? elf.rawSectionData(s) : elf.sectionData(s);
      if (a.o) writeFileSync(a.o, data);
      else writeOut(data);
    }),
});
