import type { ParseError } from '@elfkit/binary';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { requireGoSymbols } from '../go/symbols.js';
import { writeOut } from '../io/output.js';

export const goFilesCommand = defineCommand({
  command: 'files <file>',
  describe: 'source files named by the Go pclntab, in table order',
  builder: (y) => fileAndJson(y, '$0 go files ./app | grep main.go'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      // A name that cannot be read is left out (and reported), the others listed.
      const errors: ParseError[] = [];
      const files = requireGoSymbols(elf).table.files(errors);
      for (const e of errors) damage.add(e);
      writeOut(a.json ? toJson({ file: a.file, files }) + '\n' : files.map((f) => f + '\n').join(''));
    }),
});
