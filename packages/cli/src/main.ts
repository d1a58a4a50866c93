import type { Argv } from 'yargs';
import { reportError, UsageError } from './errors.js';
import { fastParse } from './fast-args.js';
import { infoCommand } from './commands/info.js';
import { sectionsCommand } from './commands/sections.js';
import { segmentsCommand } from './commands/segments.js';
import { symbolsCommand } from './commands/symbols.js';
import { notesCommand } from './commands/notes.js';
import { dynamicCommand } from './commands/dynamic.js';
import { relocsCommand } from './commands/relocs.js';
import { sectionCommand } from './commands/section.js';
import { linesCommand } from './commands/lines.js';
import { dwarfCommand } from './commands/dwarf.js';
import { goCommand } from './commands/go.js';
import { stampCommand } from './commands/stamp.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { attestCommand } from './commands/attest.js';
import type { Command } from './command.js';
// Go registers its line source and info facts after the other areas, so
// `elfkit lines` tries DWARF first (keep this import after the DWARF one).
import './go/register.js';

/** Every top-level command; other modules append theirs. */
export const commands: (Command<any> | typeof sectionCommand | typeof dwarfCommand | typeof goCommand)[] = [
  infoCommand,
  sectionsCommand,
  segmentsCommand,
  symbolsCommand,
  notesCommand,
  dynamicCommand,
  relocsCommand,
  sectionCommand,
  linesCommand,
  dwarfCommand,
  goCommand,
  stampCommand,
  signCommand,
  verifyCommand,
  attestCommand,
];

/** The yargs parser for every command (loaded only when the fast path declines). */
export async function buildParser(argv: string[], onFile: (file: string) => void): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const y: Argv = yargs(argv)
    .scriptName('elfkit')
    .usage('$0 <command> [options]\n\nRead and rewrite ELF binaries, their DWARF and Go symbol tables.')
    .strict()
    .demandCommand(1, 'name a command (elfkit --help lists them)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .middleware((a) => {
      // yargs-parser reads a lone "-" positional as an empty string; "-" means standard input.
      if (a.file === '' && argv.includes('-')) a.file = '-';
      // Rewriting commands name the ELF file `elf` where `--file` names their input.
      if (typeof a.elf === 'string') onFile(a.elf);
      else if (typeof a.file === 'string') onFile(a.file);
    })
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const c of commands) y.command(c as never);
  return y;
}

/**
 * Runs the CLI with `argv` and returns the exit status: 0 success, 1 a
 * failure with the input (one line on stderr), 2 a usage error.
 */
export async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  try {
    const fast = fastParse(argv, commands as never);
    if (fast) {
      if (typeof fast.args.elf === 'string') file = fast.args.elf;
      else if (typeof fast.args.file === 'string') file = fast.args.file;
      await fast.handler(fast.args);
    } else {
      await (await buildParser(argv, (f) => (file = f))).parseAsync();
    }
  } catch (e) {
    return reportError(file, e);
  }
  return (process.exitCode as number | undefined) || 0;
}
