import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit go …`: Go metadata; each subcommand's module loads when it runs. */
export const goCommand = defineGroup({
  command: 'go <command>',
  describe: 'Go metadata: build info, pclntab functions, files, PC-to-line map and inline frames (also -s -w and section-less binaries); goroutines and threads of a core',
  subcommands: [
    lazyCommand(['info'], async () => (await import('./go-info.js')).goInfoCommand),
    lazyCommand(['buildinfo'], async () => (await import('./go-buildinfo.js')).goBuildinfoCommand),
    lazyCommand(['funcs'], async () => (await import('./go-funcs.js')).goFuncsCommand),
    lazyCommand(['files'], async () => (await import('./go-files.js')).goFilesCommand),
    lazyCommand(['lines'], async () => (await import('./go-lines.js')).goLinesCommand),
    lazyCommand(['frames'], async () => (await import('./go-frames.js')).goFramesCommand),
    lazyCommand(['goroutines'], async () => (await import('./go-goroutines.js')).goGoroutinesCommand),
    lazyCommand(['threads'], async () => (await import('./go-threads.js')).goThreadsCommand),
  ],
  examples: ['$0 go info ./app', '$0 go buildinfo ./app'],
});
