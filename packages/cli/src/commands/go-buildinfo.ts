import { parseModInfo, readRawBuildInfo } from '@elfkit/gosym/buildinfo';
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
          const raw = readRawBuildInfo(goImage(elf));
          if (!raw) throw new CliError('not a Go executable (no Go build info)');
          const bi = parseModInfo(raw.modinfo, raw.goVersion);
          docs.push({ file, ...bi, blob: { address: raw.address, source: raw.source, format: raw.format } });
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
