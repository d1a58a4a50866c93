/**
 * The `elfkit` command as a library: `main(argv)` runs it and returns the
 * exit status; `commands` lists the registered commands; `goImage` adapts
 * an ELF file to the Go readers.
 * @packageDocumentation
 */
export { main, commands, buildParser } from './main.js';
export { loadAll, type Command, type LazyCommand } from './command.js';
export { fastParse, type FastParse } from './fast-args.js';
export { goImage } from './go/image.js';
