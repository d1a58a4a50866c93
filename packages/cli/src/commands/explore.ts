import { existsSync, statSync } from 'node:fs';
import { openElf } from '@elfkit/symbolize/node';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { exploreServer, siteDir } from '../explore/server.js';

export const exploreCommand = defineCommand({
  command: 'explore <file>',
  describe: 'open a binary in the browser explorer: serves the page on 127.0.0.1 with the file preloaded and prints the URL',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'the binary to show', demandOption: true })
      .option('port', { type: 'number', default: 0, describe: 'port on 127.0.0.1 (0: any free port)' })
      .example('$0 explore ./app', ''),
  handler: async (a: { file: string; port: number }) => {
    if (!statSync(a.file).isFile()) throw new CliError('not a regular file');
    // A file that is not ELF is refused here, in one line, rather than on the page.
    openElf(a.file).close();
    const site = siteDir();
    if (!existsSync(`${site}/index.html`)) throw new CliError(`the explorer page is not built (${site}); run the build first`);
    const { server, filePath } = exploreServer(a.file, site);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(a.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : a.port;
    // Ready for Ctrl-C or SIGTERM before the URL is out: whoever reads it may stop the server at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stdout.write(`elfkit explorer: http://127.0.0.1:${port}/?file=${filePath}\n(serving ${a.file}; press Ctrl-C to stop)\n`);
    await stopped;
  },
});
