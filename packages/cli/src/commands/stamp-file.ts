import type { StartedCopy } from '../io/rewrite-target.js';
import type { StampOptions } from '../stamp/run.js';
import { startGitFacts } from '../stamp/git.js';
import { runStamp } from '../stamp/run.js';

/**
 * `elfkit stamp <file>`'s work once the copy of the input is under way:
 * git starts first (its commands take longer than everything else a small
 * stamp does, so they overlap reading and planning), then the stamp is
 * planned and written. A module of its own, so its bundle and code cache
 * hold the reader, writer and git code that `stamp show` and `stamp verify`
 * never run (a cache made by one of them held none of it).
 */
export async function stampFile(options: StampOptions, started: StartedCopy): Promise<void> {
  const git = startGitFacts(options);
  await runStamp(options, process.env, started, git);
}
