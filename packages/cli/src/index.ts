/**
 * The `elfkit` command as a library: `main(argv)` runs it and returns the
 * exit status; `commands` lists the registered commands. What a library
 * user needs (debug-file lookup, `goImage`) is in `@elfkit/symbolize`.
 * @packageDocumentation
 */
export { main, commands, buildParser } from './main.js';
export { loadAll, type Command, type LazyCommand } from './command.js';
export { fastParse, type FastParse } from './fast-args.js';
