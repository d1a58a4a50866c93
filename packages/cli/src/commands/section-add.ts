import { defineCommand } from '../command.js';
import { applyEdits } from '../rewrite/apply.js';
import { outputOptions, parseAlign, parseSectionFlags, parseSectionType, payload, payloadOptions } from '../rewrite/options.js';

// The ELF positional is `<elf>`, not `<file>`: `--file` names the contents.
export const sectionAddCommand = defineCommand({
  command: 'add <elf> <name>',
  describe: 'add a section (like objcopy --add-section)',
  builder: (y) =>
    outputOptions(payloadOptions(y))
      .positional('elf', { type: 'string', demandOption: true, describe: 'ELF file' })
      .positional('name', { type: 'string', demandOption: true, describe: 'name of the new section' })
      .option('type', { type: 'string', describe: 'progbits or note (default: note for names starting .note, as objcopy)' })
      .option('flags', { type: 'string', describe: 'comma-separated: alloc, write, exec, merge, strings, exclude, retain, or a number (default: none)' })
      .option('align', { type: 'number', describe: 'sh_addralign (default: 1 as objcopy, 4 with --loadable)' })
      .option('loadable', { type: 'boolean', default: false, describe: 'load it: SHF_ALLOC note in a new PT_LOAD and PT_NOTE, readable at run time' })
      .example('$0 section add ./app .mydata --file data.bin -o ./app2', '')
      .example('$0 section add ./app .note.build --file note.bin --loadable --in-place', ''),
  handler: async (a: { elf: string; name: string; file?: string; string?: string; type?: string; flags?: string; align?: number; loadable: boolean; o?: string; inPlace?: boolean }) => {
    await applyEdits(a.elf, a, [
      { op: 'add', name: a.name, data: payload(a), type: parseSectionType(a.type), flags: parseSectionFlags(a.flags), align: parseAlign(a.align), loadable: a.loadable },
    ]);
  },
});
