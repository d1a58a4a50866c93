import type { Argv } from 'yargs';
import type { Command } from '../command.js';
import { goBuildinfoCommand } from './go-buildinfo.js';
import { goFilesCommand } from './go-files.js';
import { goFramesCommand } from './go-frames.js';
import { goFuncsCommand } from './go-funcs.js';
import { goInfoCommand } from './go-info.js';
import { goLinesCommand } from './go-lines.js';

/** Subcommands of `elfkit go`. */
export const goSubcommands: Command<any>[] = [goInfoCommand, goBuildinfoCommand, goFuncsCommand, goFilesCommand, goLinesCommand, goFramesCommand];

export const goCommand = {
  command: 'go <command>',
  describe: 'Go metadata: build info, pclntab functions, files, PC-to-line map and inline frames (also -s -w and section-less binaries)',
  builder: (y: Argv) => {
    for (const c of goSubcommands) y.command(c as never);
    return y.demandCommand(1).example('$0 go info ./app', '').example('$0 go buildinfo ./app', '');
  },
  handler: () => {},
};
