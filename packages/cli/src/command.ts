import type { Argv } from 'yargs';

/** A command: yargs registration plus its handler. */
export interface Command<A = Record<string, unknown>> {
  /** The yargs command string (`sections <file>`) and its aliases. */
  command: string | string[];
  /** One line for `elfkit --help`. */
  describe: string;
  /** Declares the options and positionals. */
  builder: (y: Argv) => Argv<A>;
  /** Runs the command with the parsed arguments. */
  handler: (args: A) => void | Promise<void>;
  /** Subcommands of a group (`go info`, `section add`), loaded on demand. */
  subcommands?: readonly LazyCommand[];
}

/**
 * A command known by name whose module is imported only when it runs (or
 * when yargs needs every command, for help): a run of `elfkit sections`
 * compiles the ELF reader and nothing of DWARF, Go or the rewriter.
 */
export interface LazyCommand {
  /** The command word and its aliases. */
  readonly names: readonly string[];
  /** Imports the module and returns the command (memoized). */
  load(): Promise<Command<any>>;
  /** The command once loaded. */
  readonly loaded?: Command<any>;
}

/** A {@link LazyCommand} for `names` whose module `load` imports. */
export function lazyCommand(names: readonly string[], load: () => Promise<Command<any>>): LazyCommand {
  const lc: { names: readonly string[]; loaded?: Command<any>; load(): Promise<Command<any>> } = {
    names,
    async load() {
      lc.loaded ??= await load();
      return lc.loaded;
    },
  };
  return lc;
}

/** Loads `list` and every subcommand below it (yargs wants them all for help and validation). */
export async function loadAll(list: readonly LazyCommand[]): Promise<Command<any>[]> {
  return Promise.all(
    list.map(async (l) => {
      const c = await l.load();
      if (c.subcommands) await loadAll(c.subcommands);
      return c;
    }),
  );
}

/** A group command (`go`, `section`, `dwarf`): yargs registers its loaded subcommands. */
export function defineGroup(spec: { command: string; describe: string; subcommands: readonly LazyCommand[]; examples: string[] }): Command<any> {
  return {
    command: spec.command,
    describe: spec.describe,
    subcommands: spec.subcommands,
    builder: (y: Argv) => {
      // yargs gets every subcommand loaded (loadAll); the fast path walks `subcommands` itself.
      for (const s of spec.subcommands) if (s.loaded) y.command(s.loaded as never);
      let q = y.demandCommand(1);
      for (const e of spec.examples) q = q.example(e, '');
      return q;
    },
    handler: () => {},
  };
}

/** Defines a command with typed arguments. */
export function defineCommand<A>(c: Command<A>): Command<A> {
  return c;
}

