import { defineCommand } from '../command.js';
import { applyEdits } from '../rewrite/apply.js';
import { outputOptions } from '../rewrite/options.js';

export const sectionRemoveCommand = defineCommand({
  command: 'remove <file> <names..>',
  describe: 'remove sections (like objcopy --remove-section)',
  builder: (y) =>
    outputOptions(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'sections to remove' })
      .example('$0 section remove ./app .comment -o ./app2', ''),
  handler: async (a: { file: string; names: string[]; o?: string; inPlace?: boolean }) => {
    await applyEdits(a.file, a, a.names.map((name) => ({ op: 'remove', name })));
  },
});
