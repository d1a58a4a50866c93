import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit debuginfod …`: the debuginfod protocol; each subcommand's module loads when it runs. */
export const debuginfodCommand = defineGroup({
  command: 'debuginfod <command>',
  describe: 'debuginfod: serve executables, debug files, sections and sources by build id',
  subcommands: [lazyCommand(['serve'], async () => (await import('./debuginfod-serve.js')).debuginfodServeCommand)],
  examples: ['$0 debuginfod serve ./build --port 8002', '$0 debuginfod serve /usr/lib/debug app.tar ./oci-layout -t 60'],
});
