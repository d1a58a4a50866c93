/**
 * A fast path for the common case: argv that names a command with valid
 * options is parsed here, from the same yargs builder functions that define
 * the commands, without loading yargs — whose start-up costs about 35 ms, as
 * much as everything else `elfkit sections` does. Anything this parser does
 * not understand for certain (`--help`, `--version`, an unknown or malformed
 * option, a missing argument, a builder call it does not model) returns
 * undefined and yargs handles the whole command line, so help, validation
 * and error messages stay yargs'. A test checks both parsers agree.
 */

/** The subset of yargs option settings elfkit's commands use. */
interface Spec {
  type?: 'boolean' | 'string' | 'number';
  alias?: string | string[];
  default?: unknown;
  choices?: readonly unknown[];
  array?: boolean;
  demandOption?: boolean;
}

/** What {@link fastParse} needs of a command (a `Command` has it). */
export interface CommandLike {
  /** The yargs command string and its aliases. */
  command: string | readonly string[];
  /** Declares the options and positionals (replayed by the fast parser). */
  builder?: (y: never) => unknown;
  /** Runs the command. */
  handler: (args: never) => unknown;
  /** A group's subcommands. */
  subcommands?: readonly LazyLike[];
}

/** What {@link fastParse} needs of a lazy command (a `LazyCommand` has it). */
export interface LazyLike {
  /** The command word and its aliases. */
  readonly names: readonly string[];
  /** Imports the command's module. */
  load(): Promise<CommandLike>;
}

/** Option settings the fast path models; any other key (coerce, nargs, implies…) sends the command line to yargs. */
const MODELED = new Set(['type', 'alias', 'default', 'choices', 'array', 'demandOption', 'describe', 'description', 'requiresArg', 'hidden', 'group']);

class Unsupported extends Error {}

/** Records the builder's calls instead of configuring yargs. */
class Recorder {
  readonly positionals = new Map<string, Spec>();
  readonly optionSpecs = new Map<string, Spec>();
  readonly conflictPairs: [string, string][] = [];
  positional(name: string, spec: Spec) {
    this.positionals.set(name, checked(spec));
    return this;
  }
  option(name: string, spec: Spec) {
    this.optionSpecs.set(name, checked(spec));
    return this;
  }
  options(all: Record<string, Spec>) {
    for (const [k, v] of Object.entries(all)) this.optionSpecs.set(k, checked(v));
    return this;
  }
  example() {
    return this;
  }
  demandCommand() {
    return this;
  }
  /** Subcommands are walked through `Command.subcommands`, not the builder. */
  command() {
    return this;
  }
  conflicts(a: string, b: string) {
    this.conflictPairs.push([a, b]);
    return this;
  }
}

function checked(spec: Spec): Spec {
  for (const k of Object.keys(spec)) if (!MODELED.has(k)) throw new Unsupported(k);
  return spec;
}

/** Any builder call the recorder does not model makes the fast path give up. */
function recorder(): Recorder {
  return new Proxy(new Recorder(), {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (v === undefined && typeof prop === 'string') {
        return () => {
          throw new Unsupported(prop);
        };
      }
      return typeof v === 'function' ? v.bind(receiver) : v;
    },
  }) as Recorder;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const aliasesOf = (s: Spec) => (s.alias === undefined ? [] : Array.isArray(s.alias) ? s.alias : [s.alias as string]);

function words(c: CommandLike): { names: string[]; positionals: { name: string; required: boolean; variadic: boolean }[] } {
  const forms = typeof c.command === 'string' ? [c.command] : [...c.command];
  const parts = forms[0]!.trim().split(/\s+/);
  const names = forms.map((f) => f.trim().split(/\s+/)[0]!);
  const positionals = parts.slice(1).map((p) => {
    const required = p.startsWith('<');
    const inner = p.slice(1, -1);
    const variadic = inner.endsWith('..');
    return { name: inner.replace(/\.\.$/, ''), required, variadic };
  });
  return { names, positionals };
}

/** A parsed command line: the handler to call and its arguments, as yargs would build them. */
export interface FastParse {
  /** The command's handler. */
  handler: (args: Record<string, unknown>) => unknown;
  /** The arguments, shaped as yargs would pass them. */
  args: Record<string, unknown>;
}

/**
 * Parses `argv` for one of `commands`, loading only the command it names
 * (and, in a group, only the subcommand), or returns undefined to let
 * yargs do it.
 */
export async function fastParse(argv: readonly string[], commands: readonly LazyLike[]): Promise<FastParse | undefined> {
  try {
    return await parse(argv, commands);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

async function parse(argv: readonly string[], commands: readonly LazyLike[]): Promise<FastParse | undefined> {
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '--')) return undefined;
  const path: string[] = [];
  let list: readonly LazyLike[] | undefined = commands;
  let cmd: CommandLike | undefined;
  let i = 0;
  // Walk groups (`section dump`); a command with subcommands and positionals
  // of its own (`stamp <file>`, `stamp show`) runs itself when the next word
  // is not a subcommand.
  const parents: CommandLike[] = [];
  while (list) {
    const word = argv[i];
    const entry: LazyLike | undefined = list.find((c) => c.names.includes(word ?? ''));
    if (!entry) {
      if (cmd && words(cmd).positionals.length > 0) break;
      return undefined;
    }
    if (cmd) parents.push(cmd);
    cmd = await entry.load();
    path.push(word!);
    i++;
    list = cmd.subcommands;
  }
  if (!cmd) return undefined;
  const rec = recorder();
  cmd.builder?.(rec as never);
  // yargs applies the options a parent's builder declares (stamp's --git) to its subcommands too.
  for (const parent of parents) {
    const pr = recorder();
    parent.builder?.(pr as never);
    for (const [name, spec] of pr.optionSpecs) if (!rec.optionSpecs.has(name)) rec.optionSpecs.set(name, spec);
  }
  const { positionals } = words(cmd);
  for (const p of positionals) rec.positionals.set(p.name, rec.positionals.get(p.name) ?? {});
  // Option lookup by name, alias and camelCase.
  const byName = new Map<string, [string, Spec]>();
  for (const [name, spec] of rec.optionSpecs) {
    for (const n of [name, ...aliasesOf(spec)]) {
      byName.set(n, [name, spec]);
      byName.set(camel(n), [name, spec]);
    }
  }
  const values = new Map<string, unknown>();
  const given: string[] = [];
  const rest: string[] = [];
  const setValue = (name: string, spec: Spec, raw: string | boolean) => {
    let v: unknown = raw;
    if (spec.type === 'number') {
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(Number(raw))) throw new Unsupported('number');
      v = Number(raw);
    }
    if (spec.choices && !spec.choices.includes(v)) throw new Unsupported('choice');
    if (spec.array) values.set(name, [...((values.get(name) as unknown[]) ?? []), v]);
    else if (values.has(name)) throw new Unsupported('repeated option');
    else values.set(name, v);
    given.push(name);
  };
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      let key = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
      let negated = false;
      if (!byName.has(key) && key.startsWith('no-') && byName.get(key.slice(3))?.[1].type === 'boolean') {
        key = key.slice(3);
        negated = true;
      }
      const hit = byName.get(key);
      if (!hit) return undefined;
      const [name, spec] = hit;
      if (spec.type === 'boolean') {
        if (eq >= 0) {
          const v = tok.slice(eq + 1);
          if (v !== 'true' && v !== 'false') return undefined;
          setValue(name, spec, (v === 'true') !== negated);
        } else setValue(name, spec, !negated);
      } else {
        if (negated) return undefined;
        const v = eq >= 0 ? tok.slice(eq + 1) : argv[++i];
        if (v === undefined || (eq < 0 && v.startsWith('-') && v !== '-')) return undefined;
        setValue(name, spec, v);
        // Like yargs, an array option goes on taking words up to the next option.
        if (spec.array) while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) setValue(name, spec, argv[++i]!);
      }
    } else if (tok.startsWith('-') && tok !== '-') {
      const key = tok.slice(1);
      const hit = key.length === 1 ? byName.get(key) : undefined;
      if (!hit) return undefined;
      const [name, spec] = hit;
      if (spec.type === 'boolean') setValue(name, spec, true);
      else {
        const v = argv[++i];
        if (v === undefined || (v.startsWith('-') && v !== '-')) return undefined;
        setValue(name, spec, v);
        if (spec.array) while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) setValue(name, spec, argv[++i]!);
      }
    } else {
      rest.push(tok);
    }
  }
  // Positionals: in order; a variadic last one takes the rest.
  let k = 0;
  for (const p of positionals) {
    const spec = rec.positionals.get(p.name)!;
    if (spec.type !== 'string') return undefined; // yargs would coerce numbers
    if (p.variadic) {
      values.set(p.name, rest.slice(k));
      k = rest.length;
    } else if (k < rest.length) {
      if (spec.choices && !spec.choices.includes(rest[k])) return undefined;
      values.set(p.name, rest[k++]);
    } else if (p.required) return undefined;
  }
  if (k < rest.length) return undefined;
  for (const [a, b] of rec.conflictPairs) if (given.includes(a) && given.includes(b)) return undefined;
  for (const [name, spec] of rec.optionSpecs) {
    if (!values.has(name)) {
      if (spec.demandOption) return undefined;
      if (spec.default !== undefined) values.set(name, spec.default);
    }
  }
  const args: Record<string, unknown> = { _: path, $0: 'elfkit' };
  for (const [name, v] of values) {
    const spec = rec.optionSpecs.get(name) ?? rec.positionals.get(name) ?? {};
    for (const n of [name, ...aliasesOf(spec)]) {
      args[n] = v;
      if (camel(n) !== n) args[camel(n)] = v;
    }
  }
  return { handler: cmd.handler as FastParse['handler'], args };
}
