/**
 * The `elfkit` command as a library: `main(argv)` runs it and returns the
 * exit status; `commands` lists the registered commands.
 * @packageDocumentation
 */
export { main, commands, buildParser } from './main.js';
export { fastParse, type FastParse } from './fast-args.js';
