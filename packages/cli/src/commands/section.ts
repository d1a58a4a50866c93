import type { Argv } from 'yargs';
import { sectionDumpCommand } from './section-dump.js';
import { sectionAddCommand } from './section-add.js';
import { sectionUpdateCommand } from './section-update.js';
import { sectionRemoveCommand } from './section-remove.js';
import { sectionRenameCommand } from './section-rename.js';
import type { Command } from '../command.js';

/** Subcommands of `elfkit section`; the rewriting ones register here too. */
export const sectionSubcommands: Command<any>[] = [sectionDumpCommand, sectionAddCommand, sectionUpdateCommand, sectionRemoveCommand, sectionRenameCommand];

export const sectionCommand = {
  command: 'section <command>',
  describe: 'work with one section: dump, add, update, remove, rename',
  builder: (y: Argv) => {
    for (const c of sectionSubcommands) y.command(c as never);
    return y.demandCommand(1).example('$0 section dump ./app .comment', '');
  },
  handler: () => {},
};
