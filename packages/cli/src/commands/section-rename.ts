import { defineCommand } from '../command.js';
import { applyEdits } from '../rewrite/apply.js';
import { outputOptions } from '../rewrite/options.js';

export const sectionRenameCommand = defineCommand({
  command: 'rename <file> <name> <new-name>',
  describe: 'rename a section (like objcopy --rename-section)',
  builder: (y) =>
    outputOptions(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .positional('name', { type: 'string', demandOption: true, describe: 'section to rename' })
      .positional('new-name', { type: 'string', demandOption: true, describe: 'its new name' })
      .example('$0 section rename ./app .mydata .note.mydata --in-place', ''),
  handler: async (a: { file: string; name: string; 'new-name': string; o?: string; inPlace?: boolean }) => {
    await applyEdits(a.file, a, [{ op: 'rename', name: a.name, to: a['new-name'] }]);
  },
});
