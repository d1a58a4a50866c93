import { defineCommand } from '../command.js';

/**
 * `elfkit symbolize`: llvm-symbolizer's command line, parsed by
 * symbolize/options.ts (yargs cannot read `-demangle=false` or grouped
 * letters as LLVM does), so main() hands it the raw arguments; this entry
 * lists it in help.
 */
export const symbolizeCommand = defineCommand({
  command: 'symbolize [args..]',
  describe: 'addresses to functions, files and lines with inlined calls (a drop-in for llvm-symbolizer; --help for its options)',
  builder: (y) => y.positional('args', { type: 'string', array: true, describe: 'options and addresses, as llvm-symbolizer takes them' }),
  handler: async (a: { args?: string[] }) => {
    const { runSymbolize } = await import('../symbolize/run.js');
    process.exitCode = await runSymbolize(a.args ?? []);
  },
});
