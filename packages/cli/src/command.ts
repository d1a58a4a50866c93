import type { Argv } from 'yargs';
import { openElf, type OpenedElf } from './open.js';

/** A command: yargs registration plus its handler. */
export interface Command<A = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv<A>;
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

/**
 * Runs `fn` with the ELF file at `path` open, closing it afterwards. Problems
 * the reader worked around (a section name out of range) are printed after
 * the output, one line each, and make the exit status 1.
 */
export function withElf<T>(path: string, fn: (f: OpenedElf) => T): T {
  const f = openElf(path);
  try {
    return fn(f);
  } finally {
    closeElf(path, f);
  }
}

/** {@link withElf} for a callback that awaits (loading a reader module on demand). */
export async function withElfAsync<T>(path: string, fn: (f: OpenedElf) => Promise<T>): Promise<T> {
  const f = openElf(path);
  try {
    return await fn(f);
  } finally {
    closeElf(path, f);
  }
}

function closeElf(path: string, f: OpenedElf): void {
  for (const w of f.elf.warnings) process.stderr.write(`elfkit: ${path}: ${w.message}\n`);
  if (f.elf.warnings.length) process.exitCode = 1;
  f.close();
}

/** The shared `<file>` positional and `--json` flag. */
export function fileAndJson(y: Argv, example: string, describe = 'ELF file to read (- for standard input)') {
  return y
    .positional('file', { type: 'string', describe, demandOption: true })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json.md)' })
    .example(example, '');
}
