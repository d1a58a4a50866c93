import { parseArgs } from 'node:util';
import { reportError } from '../errors.js';
import { mark } from '../io/timing.js';
import { STAMP_OPTIONS, stampOptionsFrom } from './options.js';
import { runStamp } from './run.js';

/**
 * `elfkit stamp FILE …` without loading yargs (60 ms of start-up here):
 * parses the options with node:util from the same table as the yargs
 * command and runs the stamp. Returns undefined for anything it does not
 * handle — help, subcommands, an unknown or malformed option — so the
 * full CLI can answer it with its usual messages.
 */
export async function stampFastPath(argv: string[]): Promise<number | undefined> {
  mark('stamp fast path loaded');
  if (argv[0] !== 'stamp' || argv[1] === 'show' || argv[1] === 'verify') return undefined;
  if (argv.some((x) => x === '--help' || x === '-h' || x === '--version')) return undefined;
  let parsed;
  try {
    const options = Object.fromEntries(
      Object.entries(STAMP_OPTIONS).map(([k, o]) => [k, { type: o.type, ...('short' in o ? { short: o.short } : {}), ...('multiple' in o ? { multiple: true } : {}) }]),
    );
    parsed = parseArgs({ args: argv.slice(1), options: options as never, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length !== 1) return undefined;
  const file = parsed.positionals[0]!;
  try {
    await runStamp(stampOptionsFrom(file, parsed.values as Record<string, unknown>));
    return 0;
  } catch (e) {
    return reportError(file, e);
  }
}
