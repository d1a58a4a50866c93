import { defineCommand } from '../command.js';
import { applyEdits } from '../rewrite/apply.js';
import { outputOptions, payload, payloadOptions } from '../rewrite/options.js';

export const sectionUpdateCommand = defineCommand({
  command: 'update <elf> <name>',
  describe: "replace a section's contents (like objcopy --update-section)",
  builder: (y) =>
    outputOptions(payloadOptions(y))
      .positional('elf', { type: 'string', demandOption: true, describe: 'ELF file' })
      .positional('name', { type: 'string', demandOption: true, describe: 'section to update' })
      .example('$0 section update ./app .comment --string "built by ci" --in-place', ''),
  handler: async (a: { elf: string; name: string; file?: string; string?: string; o?: string; inPlace?: boolean }) => {
    await applyEdits(a.elf, a, [{ op: 'update', name: a.name, data: payload(a) }]);
  },
});
