import type { Argv } from 'yargs';
import { reportError, UsageError } from './errors.js';
import { fastParse } from './fast-args.js';
import { lazyCommand, loadAll, type LazyCommand } from './command.js';

/**
 * Every top-level command by name; a run imports only the module of the
 * command it names (see LazyCommand), and yargs gets them all only for
 * help and usage errors.
 */
export const commands: readonly LazyCommand[] = [
  lazyCommand(['info'], async () => (await import('./commands/info.js')).infoCommand),
  lazyCommand(['sections'], async () => (await import('./commands/sections.js')).sectionsCommand),
  lazyCommand(['segments'], async () => (await import('./commands/segments.js')).segmentsCommand),
  lazyCommand(['symbols'], async () => (await import('./commands/symbols.js')).symbolsCommand),
  lazyCommand(['notes'], async () => (await import('./commands/notes.js')).notesCommand),
  lazyCommand(['dynamic'], async () => (await import('./commands/dynamic.js')).dynamicCommand),
  lazyCommand(['relocs'], async () => (await import('./commands/relocs.js')).relocsCommand),
  lazyCommand(['section'], async () => (await import('./commands/section.js')).sectionCommand),
  lazyCommand(['lines'], async () => (await import('./commands/lines.js')).linesCommand),
  lazyCommand(['dwarf'], async () => (await import('./commands/dwarf.js')).dwarfCommand),
  lazyCommand(['go'], async () => (await import('./commands/go.js')).goCommand),
  lazyCommand(['explore'], async () => (await import('./commands/explore.js')).exploreCommand),
  lazyCommand(['stamp'], async () => (await import('./commands/stamp.js')).stampCommand),
  lazyCommand(['sign'], async () => (await import('./commands/sign.js')).signCommand),
  lazyCommand(['verify'], async () => (await import('./commands/verify.js')).verifyCommand),
  lazyCommand(['attest'], async () => (await import('./commands/attest.js')).attestCommand),
  lazyCommand(['symbolize'], async () => (await import('./commands/symbolize.js')).symbolizeCommand),
  lazyCommand(['addr2line'], async () => (await import('./commands/addr2line.js')).addr2lineCommand),
  lazyCommand(['core'], async () => (await import('./commands/core.js')).coreCommand),
  lazyCommand(['uprobes'], async () => (await import('./commands/uprobes.js')).uprobesCommand),
  lazyCommand(['size'], async () => (await import('./commands/size.js')).sizeCommand),
  lazyCommand(['image'], async () => (await import('./commands/image.js')).imageCommand),
  lazyCommand(['debuginfod'], async () => (await import('./commands/debuginfod.js')).debuginfodCommand),
];

/**
 * Drop-ins for other tools take those tools' command lines verbatim
 * (llvm-symbolizer's `-demangle=false`, addr2line's `-fiCe file`), which
 * yargs would read differently: main() hands them their raw arguments.
 */
const RAW_COMMANDS: Record<string, () => Promise<(argv: readonly string[]) => Promise<number>>> = {
  symbolize: async () => (await import('./symbolize/run.js')).runSymbolize,
  addr2line: async () => (await import('./symbolize/addr2line.js')).runAddr2line,
};

/** The yargs parser for every command (loaded, with every command, only when the fast path declines). */
export async function buildParser(argv: string[], onFile: (file: string) => void): Promise<Argv> {
  const [{ default: yargs }, loaded] = await Promise.all([import('yargs'), loadAll(commands)]);
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
      else if (typeof a.image === 'string') onFile(a.image);
    })
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const c of loaded) y.command(c as never);
  return y;
}

/**
 * Runs the CLI with `argv` and returns the exit status: 0 success, 1 a
 * failure with the input (one line on stderr), 2 a usage error.
 */
export async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  try {
    const raw = argv[0] !== undefined ? RAW_COMMANDS[argv[0]] : undefined;
    if (raw) return await (await raw())(argv.slice(1));
    const fast = await fastParse(argv, commands);
    if (fast) {
      if (typeof fast.args.elf === 'string') file = fast.args.elf;
      else if (typeof fast.args.file === 'string') file = fast.args.file;
      else if (typeof fast.args.image === 'string') file = fast.args.image;
      await fast.handler(fast.args);
    } else {
      await (await buildParser(argv, (f) => (file = f))).parseAsync();
    }
  } catch (e) {
    return reportError(file, e);
  }
  return (process.exitCode as number | undefined) || 0;
}
