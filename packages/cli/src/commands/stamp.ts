import type { Argv } from 'yargs';
import { defineCommand, lazyCommand } from '../command.js';
import { abandonCopy, rewriteTarget, startCopy } from '../io/rewrite-target.js';
import { STAMP_OPTIONS, stampOptionsFrom } from '../stamp/options.js';

// Each subcommand, and the stamping itself (stamp-file.ts), is a module with a bundle and code cache of its own:
// sharing this one, the cache was made by whichever ran first, and the others compiled their code on every run.
const subcommands = [lazyCommand(['show'], async () => (await import('./stamp-show.js')).showCommand), lazyCommand(['verify'], async () => (await import('./stamp-verify.js')).verifyCommand)];

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
  subcommands,
  describe: 'stamp a binary with where it came from (git, CI, build time); stamp show, stamp verify',
  builder: (y) =>
    // yargs gets the subcommands loaded (loadAll, for help and errors); the fast path walks `subcommands` itself.
    stampOptions(subcommands.reduce((q, s) => (s.loaded ? q.command(s.loaded as never) : q), y))
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
      await (await import('./stamp-file.js')).stampFile(options, started);
    } catch (e) {
      await abandonCopy(started);
      throw e;
    }
  },
});
