import { readBuildInfoParts } from '@elfkit/gosym/buildinfo';
import { isInputError } from '../go/errors.js';
import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { CliError, describeError } from '../errors.js';
import { toJson } from '../format/json.js';
import { goBuildinfoText } from '../go/buildinfo-text.js';
import { goImage } from '@elfkit/symbolize';
import { writeOut } from '../io/output.js';

export const goBuildinfoCommand = defineCommand({
  command: 'buildinfo <files..>',
  describe: 'Go version and module info, as `go version -m` prints them (text identical)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Go binaries' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-go.md)' })
      .example('$0 go buildinfo ./app', '')
      .example('$0 go buildinfo --json ./app | jq .settings', ''),
  handler: (a: { files: string[]; json: boolean }) => {
    if (!a.json) {
      process.exitCode = goBuildinfoText(a.files) || (process.exitCode as number | undefined);
      return;
    }
    const docs: unknown[] = [];
    for (const file of a.files) {
      try {
        withElf(file, ({ elf }) => {
          const parts = readBuildInfoParts(goImage(elf));
          if (!parts) throw new CliError('not a Go executable (no Go build info)');
          const { raw, info } = parts;
          // Damaged module info: the Go version, the module fields null (unknown, not empty), the damage reported once.
          const bi = info ?? { goVersion: raw.goVersion, path: null, main: null, deps: null, settings: null };
          docs.push({ file, ...bi, blob: { address: raw.address, source: raw.source, format: raw.format } });
          if (parts.error) {
            process.stderr.write(describeError(file, parts.error) + '\n');
            process.exitCode = 1;
          }
        });
      } catch (e) {
        if (!isInputError(e)) throw e;
        process.stderr.write(describeError(file, e) + '\n');
        process.exitCode = 1;
      }
    }
    if (docs.length) writeOut(toJson(a.files.length === 1 ? docs[0] : docs) + '\n');
  },
});
