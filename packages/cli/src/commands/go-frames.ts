import { defineCommand } from '../command.js';
import { withElf } from '../with-elf.js';
import { UsageError } from '../errors.js';
import { toJson } from '../format/json.js';
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
    withElf(a.file, ({ elf }) => {
      const t = requireGoSymbols(elf).table;
      const pcs = a.pcs.map(address);
      const result = pcs.map((pc) => ({
        pc,
        frames: t.frames(pc).map((f) => ({
          pc: f.pc,
          function: f.function,
          file: f.file ?? null,
          line: f.line ?? null,
          inlined: f.inlined,
          entry: f.func.entry,
          ...(f.callSiteUnknown ? { callSiteUnknown: true } : {}),
        })),
      }));
      if (a.json) return writeOut(toJson({ file: a.file, pcs: result }) + '\n');
      let out = '';
      for (const r of result) {
        out += `0x${r.pc.toString(16)}\n`;
        if (r.frames.length === 0) out += '  ?? (no Go function)\n';
        for (const f of r.frames) out += `  ${f.function} ${f.file ?? '?'}:${f.line ?? 0}${f.inlined ? ' (inlined)' : ''}${f.callSiteUnknown ? ' (call site not recorded)' : ''}\n`;
      }
      writeOut(out);
    }),
});
