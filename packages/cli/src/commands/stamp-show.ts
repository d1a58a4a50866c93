import { defineCommand } from '../command.js';
import { showStamps } from '../stamp/show.js';

/** `elfkit stamp show`: a module (and bundle) of its own, as `stamp verify` and the stamping itself are. */
export const showCommand = defineCommand({
  command: 'show <file>',
  describe: 'print the stamp, from any placement',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json-stamp.md)' })
      .example('$0 stamp show ./app', ''),
  handler: (a: { file: string; json: boolean }) => showStamps(a),
});
