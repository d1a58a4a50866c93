import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElfImage } from '@elfkit/elf/rewrite';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { FileSource } from '@elfkit/symbolize/node';
import { writeOut } from '../io/output.js';
import { cosignReason, runOffline } from '../sign/cosign.js';
import { findStamps } from '../stamp/find.js';
import { STAMP_PREDICATE_TYPE } from '../sign/predicate-type.js';


export const attestCommand = defineCommand({
  command: 'attest <file>',
  describe: "attest the binary's stamp with cosign, offline: an in-toto statement whose predicate is the stamp",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'stamped ELF file' })
      .option('key', { type: 'string', demandOption: true, describe: 'cosign private key; its password from COSIGN_PASSWORD or a prompt' })
      .option('bundle', { type: 'string', describe: 'where to write the bundle (default: <file>.att.sigstore.json)' })
      .option('type', { type: 'string', default: STAMP_PREDICATE_TYPE, describe: 'predicate type' })
      .example('$0 attest ./app --key cosign.key', ''),
  handler: async (a: { file: string; key: string; bundle?: string; type: string }) => {
    const source = new FileSource(a.file);
    let stamps;
    try {
      stamps = findStamps(readElfImage(source));
    } finally {
      source.close();
    }
    if (stamps.length === 0) throw new CliError('no elfkit stamp to attest (run elfkit stamp first)');
    if (!existsSync(a.key)) throw new CliError(`no such key file: ${a.key}`);
    const bundle = a.bundle ?? `${a.file}.att.sigstore.json`;
    const dir = mkdtempSync(join(tmpdir(), 'elfkit-attest-'));
    try {
      const predicate = join(dir, 'stamp.json');
      writeFileSync(predicate, stamps[0]!.text);
      const r = await runOffline('attest-blob', ['--key', a.key, '--predicate', predicate, '--type', a.type, '--bundle', bundle, '-y', a.file]);
      if (r.exitCode !== 0) throw new CliError(`attestation failed: ${cosignReason(r)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    writeOut(`attested ${a.file}: predicate ${a.type}, bundle ${bundle} (offline: nothing uploaded to a transparency log)\n`);
  },
});
