import type { Argv } from 'yargs';
import { defineCommand, lazyCommand } from '../command.js';
import { abandonCopy, rewriteTarget, startCopy } from '../io/rewrite-target.js';
import { STAMP_OPTIONS, stampOptionsFrom } from '../stamp/options.js';

const showCommand = defineCommand({
  command: 'show <file>',
  describe: 'print the stamp, from any placement',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json-stamp.md)' })
      .example('$0 stamp show ./app', ''),
  handler: async (a: { file: string; json: boolean }) => (await import('../stamp/show.js')).showStamps(a),
});

const verifyCommand = defineCommand({
  command: 'verify <file>',
  describe: 'check the stamp names this commit (and a clean tree); exit 1 with the reason when not',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('commit', { type: 'string', demandOption: true, describe: 'expected commit (full id or a prefix of at least 4 hex digits)' })
      .option('clean', { type: 'boolean', default: false, describe: 'also require a clean work tree at build time' })
      .example('$0 stamp verify ./app --commit $(git rev-parse HEAD) --clean', ''),
  handler: async (a: { file: string; commit: string; clean: boolean }) => (await import('../stamp/show.js')).verifyStamp(a),
});

/** yargs options from the shared table. */
function stampOptions(y: Argv) {
  let q = y;
  for (const [name, o] of Object.entries(STAMP_OPTIONS)) {
    if (name === 'no-git') continue;
    q = q.option(name, {
      type: o.type,
      describe: o.describe,
      ...('short' in o ? { alias: o.short } : {}),
      ...('multiple' in o ? { array: true } : {}),
    });
  }
  return q.option('git', { type: 'boolean', default: true, describe: 'record git facts (--no-git: stamping outside a repository)' });
}

export const stampCommand = defineCommand({
  command: 'stamp <file>',
  subcommands: [lazyCommand(['show'], async () => showCommand as never), lazyCommand(['verify'], async () => verifyCommand as never)],
  describe: 'stamp a binary with where it came from (git, CI, build time); stamp show, stamp verify',
  builder: (y) =>
    stampOptions(y.command(showCommand as never).command(verifyCommand as never))
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file to stamp' })
      .example('$0 stamp ./app --in-place', '')
      .example('SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) $0 stamp ./app -o ./app.stamped --set release=1.2', '')
      .example('$0 stamp ./app --loadable --in-place', '') as unknown as Argv<Record<string, unknown>>,
  handler: async (a: Record<string, unknown>) => {
    // Start copying the input before loading the reader, writer and git
    // code, so the kernel copy overlaps that loading (a stamp of a 90 MB
    // binary is benchmarked against objcopy). git starts next, before the
    // input is read: its three commands take longer than everything else
    // a small stamp does, so they overlap the reading and planning.
    const options = stampOptionsFrom(a.file as string, a);
    const started = startCopy(rewriteTarget(options.file, options.o, options.inPlace));
    try {
      const git = (await import('../stamp/git.js')).startGitFacts(options);
      const { runStamp } = await import('../stamp/run.js');
      await runStamp(options, process.env, started, git);
    } catch (e) {
      await abandonCopy(started);
      throw e;
    }
  },
});
