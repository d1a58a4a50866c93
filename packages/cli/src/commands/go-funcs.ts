import type { ParseError } from '@elfkit/binary';
import { ARGS_SIZE_UNKNOWN, type GoFunc } from '@elfkit/gosym';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { requireGoSymbols } from '../go/symbols.js';
import { funcsText } from '../go/funcs-text.js';
import { salvageTableFields, type TableFields } from '../go/func-fields.js';
import type { Damage } from '../damage.js';
import { writeOut } from '../io/output.js';
import { withLateOptimization } from '../late-optimization.js';

function funcJson(f: GoFunc, damage: Damage) {
  let t: TableFields;
  try {
    t = { file: f.file, frameSize: f.frameSize, entryLine: f.entryLine };
  } catch (e) {
    // Damaged tables: null for what they hold, the rest as read.
    damage.add(e);
    t = salvageTableFields(f, damage);
  }
  return {
    index: f.index,
    name: f.name,
    entry: f.entry,
    end: f.end,
    file: t.file ?? null,
    startLine: f.startLine ?? null,
    entryLine: t.entryLine ?? null,
    frameSize: t.frameSize ?? null,
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
      withElf(a.file, ({ elf, damage }) => {
        const t = requireGoSymbols(elf).table;
        // A function whose record, name or entry is damaged is left out; one whose tables are, printed as far as they read.
        const errors: ParseError[] = [];
        const funcs = [...t.funcs(errors)].filter((f) => !a.match || f.name.includes(a.match));
        for (const e of errors) damage.add(e);
        const w = elf.bits === 64 ? 16 : 8;
        if (a.json) writeOut(toJson({ file: a.file, funcs: funcs.map((f) => funcJson(f, damage)) }) + '\n');
        else writeOut(funcsText(funcs, w, damage));
      }),
      // Sparkplug's batches small: the listing's per-function reads run mostly in baseline code, sooner out of the
      // interpreter (callgrind on go1.27-arm64-sw, 1,614 functions: 228.9 -> 221.6M instructions).
      { earlyBaseline: true },
    ),
});
