import { existsSync } from 'node:fs';
import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { CliError } from '../errors.js';
import { writeOut } from '../io/output.js';
import { cosignReason, runOffline } from '../sign/cosign.js';

export const signCommand = defineCommand({
  command: 'sign <file>',
  describe: 'sign a binary with cosign, offline (key pair, no transparency log); writes a Sigstore bundle',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file to sign' })
      .option('key', { type: 'string', demandOption: true, describe: 'cosign private key (cosign generate-key-pair); its password from COSIGN_PASSWORD or a prompt' })
      .option('bundle', { type: 'string', describe: 'where to write the bundle (default: <file>.sigstore.json)' })
      .example('COSIGN_PASSWORD=… $0 sign ./app --key cosign.key', ''),
  handler: async (a: { file: string; key: string; bundle?: string }) => {
    withElf(a.file, () => {});
    if (!existsSync(a.key)) throw new CliError(`no such key file: ${a.key}`);
    const bundle = a.bundle ?? `${a.file}.sigstore.json`;
    const r = await runOffline('sign-blob', ['--key', a.key, '--bundle', bundle, '-y', a.file]);
    if (r.exitCode !== 0) throw new CliError(`signing failed: ${cosignReason(r)}`);
    writeOut(`signed ${a.file}: bundle ${bundle} (offline: nothing uploaded to a transparency log)\n`);
  },
});
