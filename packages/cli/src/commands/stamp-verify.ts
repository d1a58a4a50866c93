import { defineCommand } from '../command.js';
import { verifyStamp } from '../stamp/show.js';

/** `elfkit stamp verify`: a module (and bundle) of its own, as `stamp show` and the stamping itself are. */
export const verifyCommand = defineCommand({
  command: 'verify <file>',
  describe: 'check the stamp names this commit (and a clean tree); exit 1 with the reason when not',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('commit', { type: 'string', demandOption: true, describe: 'expected commit (full id or a prefix of at least 4 hex digits)' })
      .option('clean', { type: 'boolean', default: false, describe: 'also require a clean work tree at build time' })
      .example('$0 stamp verify ./app --commit $(git rev-parse HEAD) --clean', ''),
  handler: (a: { file: string; commit: string; clean: boolean }) => verifyStamp(a),
});
