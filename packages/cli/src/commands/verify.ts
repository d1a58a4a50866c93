import { existsSync } from 'node:fs';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { writeOut } from '../io/output.js';
import { cosignReason, runCosign } from '../sign/cosign.js';
import { STAMP_PREDICATE_TYPE } from '../sign/predicate-type.js';

export const verifyCommand = defineCommand({
  command: 'verify <file>',
  describe: 'verify a cosign signature (or, with --attestation, a stamp attestation) offline against a public key',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('key', { type: 'string', demandOption: true, describe: 'cosign public key (cosign.pub)' })
      .option('bundle', { type: 'string', describe: 'the bundle (default: <file>.sigstore.json, or <file>.att.sigstore.json with --attestation)' })
      .option('attestation', { type: 'boolean', default: false, describe: 'verify an in-toto attestation made by elfkit attest' })
      .option('type', { type: 'string', default: STAMP_PREDICATE_TYPE, describe: 'predicate type of the attestation' })
      .example('$0 verify ./app --key cosign.pub --bundle app.sigstore.json', ''),
  handler: async (a: { file: string; key: string; bundle?: string; attestation: boolean; type: string }) => {
    for (const f of [a.file, a.key]) if (!existsSync(f)) throw new CliError(`no such file: ${f}`);
    const bundle = a.bundle ?? `${a.file}${a.attestation ? '.att' : ''}.sigstore.json`;
    if (!existsSync(bundle)) throw new CliError(`no such bundle: ${bundle}`);
    // Offline: the transparency log is ignored explicitly, so no TUF root is fetched.
    const r = a.attestation
      ? await runCosign(['verify-blob-attestation', '--key', a.key, '--bundle', bundle, '--type', a.type, '--insecure-ignore-tlog', a.file])
      : await runCosign(['verify-blob', '--key', a.key, '--bundle', bundle, '--insecure-ignore-tlog', a.file]);
    if (r.exitCode !== 0) throw new CliError(`${a.attestation ? 'attestation' : 'signature'} verification failed: ${cosignReason(r)}`);
    writeOut(`verified ${a.file}${a.attestation ? ` (attestation ${a.type})` : ''} with ${a.key} (offline: the transparency log was not checked)\n`);
  },
});
