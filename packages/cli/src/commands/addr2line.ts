import { defineCommand } from '../command.js';

/** `elfkit addr2line`: GNU addr2line's command line, parsed by symbolize/addr2line.ts (main() hands it the raw arguments). */
export const addr2lineCommand = defineCommand({
  command: 'addr2line [args..]',
  describe: 'addresses to functions, files and lines (a drop-in for GNU addr2line; --help for its options)',
  builder: (y) => y.positional('args', { type: 'string', array: true, describe: 'options and addresses, as GNU addr2line takes them' }),
  handler: async (a: { args?: string[] }) => {
    const { runAddr2line } = await import('../symbolize/addr2line.js');
    process.exitCode = await runAddr2line(a.args ?? []);
  },
});
