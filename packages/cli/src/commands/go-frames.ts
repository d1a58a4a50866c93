import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { UsageError } from '../errors.js';
import { toJson } from '../format/json.js';
import { framesAt, framesText } from '../go/frames.js';
import { requireGoSymbols } from '../go/symbols.js';
import { writeOut } from '../io/output.js';

/** Parses `0x…` or decimal addresses. */
function address(s: string): bigint {
  if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(s)) throw new UsageError(`not an address: ${s}`);
  return BigInt(s);
}

export const goFramesCommand = defineCommand({
  command: 'frames <file> <pcs..>',
  describe: 'function, file and line at PCs, with inlined calls innermost first (as runtime.CallersFrames)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Go binary (- for standard input)' })
      .positional('pcs', { type: 'string', array: true, demandOption: true, describe: 'addresses (0x… or decimal): call sites, not return addresses' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-go.md)' })
      .example('$0 go frames ./app 0x4640c1', ''),
  handler: (a: { file: string; pcs: string[]; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const t = requireGoSymbols(elf).table;
      const pcs = a.pcs.map(address);
      // A PC whose frames cannot be read says so (and what holds it); the others print as usual.
      const result = pcs.map((pc) => framesAt(t, pc, damage));
      if (a.json) return writeOut(toJson({ file: a.file, pcs: result }) + '\n');
      writeOut(result.map(framesText).join(''));
    }),
});
