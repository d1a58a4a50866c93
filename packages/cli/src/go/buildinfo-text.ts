import { formatVersionM, readBuildInfoParts } from '@elfkit/gosym/buildinfo';
import { isInputError } from './errors.js';
import { CliError, describeError } from '../errors.js';
import { writeOut } from '../io/output.js';
import { openElf } from '@elfkit/symbolize/node';
import { goImage } from '@elfkit/symbolize';

/**
 * `elfkit go buildinfo <files…>` in text: for each file what `go version -m`
 * prints, byte for byte; a line on stderr for a file that is not a Go
 * binary, damaged or missing (one whose module info alone is damaged
 * prints its Go version line, unlike `go version -m`). Returns the exit
 * status (1 if any file failed). Loads only the build info reader, so
 * that the fast path of bin.ts can run it without yargs.
 */
export function goBuildinfoText(files: readonly string[]): number {
  let text = '';
  let status = 0;
  for (const file of files) {
    try {
      const f = openElf(file, { lenient: true });
      try {
        const parts = readBuildInfoParts(goImage(f.elf));
        if (!parts) throw new CliError('not a Go executable (no Go build info)');
        // Damaged module info: the Go version line still prints (go version -m prints nothing for the file), the damage once below.
        text += parts.info ? formatVersionM(file, parts.info) : `${file}: ${parts.raw.goVersion}\n`;
        if (parts.error) {
          process.stderr.write(describeError(file, parts.error) + '\n');
          status = 1;
        }
        // Found despite damaged headers (read through the segments): said, and the status is 1.
        for (const w of f.elf.warnings) process.stderr.write(describeError(file, w) + '\n');
        if (f.elf.warnings.length) status = 1;
      } finally {
        f.close();
      }
    } catch (e) {
      if (!isInputError(e)) throw e;
      process.stderr.write(describeError(file, e) + '\n');
      status = 1;
    }
  }
  writeOut(text);
  return status;
}
