import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit debuginfod …`: the debuginfod client and server; each subcommand's module loads when it runs. */
export const debuginfodCommand = defineGroup({
  command: 'debuginfod <command>',
  describe: 'debuginfod: fetch debug files, executables, sources and sections by build id (DEBUGINFOD_URLS, the elfutils cache), or serve them',
  subcommands: [
    lazyCommand(['find'], async () => (await import('./debuginfod-find.js')).debuginfodFindCommand),
    lazyCommand(['serve'], async () => (await import('./debuginfod-serve.js')).debuginfodServeCommand),
  ],
  examples: ['$0 debuginfod find ./app debuginfo', '$0 debuginfod find 8f3a…e2 source /src/app/main.c', '$0 debuginfod serve ./build --port 8002', '$0 debuginfod serve /usr/lib/debug app.tar ./oci-layout -t 60'],
});
