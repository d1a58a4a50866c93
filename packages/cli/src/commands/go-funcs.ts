import type { ParseError } from '@elfkit/binary';
import { ARGS_SIZE_UNKNOWN, type GoFunc } from '@elfkit/gosym';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { requireGoSymbols } from '../go/symbols.js';
import { funcsText } from '../go/funcs-text.js';
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
        else writeOut(funcsText(funcs, w));
        reportErrors(a.file, errors);
      }),
    ),
});
