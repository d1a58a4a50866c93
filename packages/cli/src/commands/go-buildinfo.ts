import { isParseError } from '@elfkit/binary';
import { formatVersionM, ModInfoError, readRawBuildInfo, parseModInfo } from '@elfkit/gosym';
import { defineCommand, withElf } from '../command.js';
import { toJson } from '../format/json.js';
import { imageOf } from '../go/symbols.js';
import { writeOut } from '../io/output.js';
import { CliError, describeError } from '../errors.js';

/** The build info of one file as JSON (docs/json-go.md). */
function buildInfoJson(file: string, elf: Parameters<typeof imageOf>[0]) {
  const raw = readRawBuildInfo(imageOf(elf));
  if (!raw) return undefined;
  const bi = parseModInfo(raw.modinfo, raw.goVersion);
  return { file, ...bi, blob: { address: raw.address, source: raw.source, format: raw.format } };
}

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
    const docs: unknown[] = [];
    let text = '';
    for (const file of a.files) {
      try {
        withElf(file, ({ elf }) => {
          if (a.json) {
            const doc = buildInfoJson(file, elf);
            if (!doc) throw new CliError('not a Go executable (no Go build info)');
            docs.push(doc);
            return;
          }
          const raw = readRawBuildInfo(imageOf(elf));
          if (!raw) throw new CliError('not a Go executable (no Go build info)');
          text += formatVersionM(file, parseModInfo(raw.modinfo, raw.goVersion));
        });
      } catch (e) {
        const errno = typeof (e as NodeJS.ErrnoException)?.code === 'string' && (e as NodeJS.ErrnoException).syscall;
        if (!(isParseError(e) || e instanceof ModInfoError || e instanceof CliError || errno)) throw e;
        process.stderr.write(describeError(file, e) + '\n');
        process.exitCode = 1;
      }
    }
    if (a.json) {
      if (docs.length) writeOut(toJson(a.files.length === 1 ? docs[0] : docs) + '\n');
    } else writeOut(text);
  },
});
