import type { ParseError } from '@elfkit/binary';
import { ARGS_SIZE_UNKNOWN, type GoFunc } from '@elfkit/gosym';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { requireGoSymbols } from '../go/symbols.js';
import { writeOut } from '../io/output.js';
import { reportErrors } from '../go/errors.js';
import { withLateOptimization } from '../late-optimization.js';

function funcJson(f: GoFunc) {
  return {
    index: f.index,
    name: f.name,
    entry: f.entry,
    end: f.end,
    file: f.file ?? null,
    startLine: f.startLine ?? null,
    entryLine: f.entryLine ?? null,
    frameSize: f.frameSize,
    args: f.args === ARGS_SIZE_UNKNOWN ? null : f.args,
    deferreturn: f.deferreturn,
    funcID: f.funcID,
    flag: f.flag,
    npcdata: f.npcdata,
    nfuncdata: f.nfuncdata,
  };
}

export const goFuncsCommand = defineCommand({
  command: 'funcs <file>',
  describe: 'functions of the Go pclntab: entry, end, frame size, args, start line, name, file',
  builder: (y) =>
    fileAndJson(y, '$0 go funcs ./app | grep main\\.').option('match', { type: 'string', describe: 'only functions whose name contains this text' }),
  handler: (a: { file: string; json: boolean; match?: string }) =>
    withLateOptimization(() =>
      withElf(a.file, ({ elf }) => {
        const t = requireGoSymbols(elf).table;
        const errors: ParseError[] = [];
        const funcs = [...t.funcs(errors)].filter((f) => !a.match || f.name.includes(a.match));
        const w = elf.bits === 64 ? 16 : 8;
        if (a.json) writeOut(toJson({ file: a.file, funcs: funcs.map(funcJson) }) + '\n');
        else {
          // The table's PCs are numbers already (f.entry is BigInt(f.entryPc)): no BigInt per cell.
          const hex = (v: number) => '0x' + v.toString(16).padStart(w, '0');
          writeOut(
            renderTable(
              [
                { title: 'Entry' },
                { title: 'End' },
                { title: 'Frame', align: 'right' },
                { title: 'Args', align: 'right' },
                { title: 'Line', align: 'right' },
                { title: 'Name' },
                { title: 'File' },
              ],
              funcs.map((f) => [
                hex(f.entryPc),
                hex(f.endPc),
                String(f.frameSize),
                f.args === ARGS_SIZE_UNKNOWN ? '?' : String(f.args),
                String(f.startLine ?? f.entryLine ?? '-'),
                f.name,
                f.file ?? '?',
              ]),
            ),
          );
        }
        reportErrors(a.file, errors);
      }),
    ),
});
