import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit image …`: container images; each subcommand's module loads when it runs. */
export const imageCommand = defineGroup({
  command: 'image <command>',
  describe: 'container images (OCI layout, docker save): every ELF file with build id, Go modules, stamp and debug info; debug files out of and into the image',
  subcommands: [
    lazyCommand(['scan'], async () => (await import('./image-scan.js')).imageScanCommand),
    lazyCommand(['debug-split'], async () => (await import('./image-debug-split.js')).imageDebugSplitCommand),
    lazyCommand(['annotate'], async () => (await import('./image-annotate.js')).imageAnnotateCommand),
    lazyCommand(['attach-debug'], async () => (await import('./image-attach-debug.js')).imageAttachDebugCommand),
  ],
  examples: ['$0 image scan app.tar', '$0 image scan ./layout --platform linux/arm64 --json'],
});
