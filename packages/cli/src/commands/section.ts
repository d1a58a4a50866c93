import type { Argv } from 'yargs';
import { sectionDumpCommand } from './section-dump.js';
import type { Command } from '../command.js';

/** Subcommands of `elfkit section`; the rewriting ones register here too. */
export const sectionSubcommands: Command<any>[] = [sectionDumpCommand];

export const sectionCommand = {
  command: 'section <command>',
  describe: 'work with one section: dump (and add, update, remove, rename)',
  builder: (y: Argv) => {
    for (const c of sectionSubcommands) y.command(c as never);
    return y.demandCommand(1).example('$0 section dump ./app .comment', '');
  },
  handler: () => {},
};
