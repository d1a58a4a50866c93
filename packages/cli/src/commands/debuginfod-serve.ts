import { join } from 'node:path';
import { DebuginfodServer } from '@elfkit/debuginfod/node';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';

function defaultCacheDir(): string {
  const env = process.env;
  if (env.DEBUGINFOD_CACHE_PATH) return env.DEBUGINFOD_CACHE_PATH;
  // node:os only here, with an upstream to cache for: importing it costs every start ~0.15 ms.
  return join(env.XDG_CACHE_HOME || join(process.getBuiltinModule('node:os').homedir(), '.cache'), 'debuginfod_client');
}

export const debuginfodServeCommand = defineCommand({
  command: 'serve [paths..]',
  describe: 'serve the ELF files in directories, tar archives and container images by build id (GET /buildid/ID/{debuginfo,executable,source/PATH,section/NAME}, /metrics); misses go to DEBUGINFOD_URLS',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'directories, ELF files, tar archives, OCI layouts and image archives' })
      .option('port', { alias: 'p', type: 'number', default: 8002, describe: 'port to listen on (0: any free port)' })
      .option('listen', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (0.0.0.0 or :: for every interface)' })
      .option('rescan', { alias: 't', type: 'number', default: 300, describe: 'rescan every N seconds (0: scan once); SIGUSR1 rescans now' })
      .option('upstream', { type: 'string', array: true, describe: 'upstream server URLs for misses (default: DEBUGINFOD_URLS, space-separated)' })
      .option('cache', { type: 'string', describe: 'where upstream answers are cached (default: DEBUGINFOD_CACHE_PATH, else $XDG_CACHE_HOME/debuginfod_client)' })
      .option('upstream-timeout', { type: 'number', default: 30, describe: 'seconds an upstream may stay silent before it is given up' })
      .example('$0 debuginfod serve ./build --port 8002', '')
      .example('DEBUGINFOD_URLS=https://debuginfod.debian.net $0 debuginfod serve /srv/debug -t 60', ''),
  handler: async (a: { paths: string[]; port: number; listen: string; rescan: number; upstream?: string[]; cache?: string; 'upstream-timeout': number }) => {
    if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new CliError(`bad port: ${a.port}`);
    if (!(a.rescan >= 0)) throw new CliError(`bad rescan interval: ${a.rescan}`);
    const urls = (a.upstream ?? (process.env.DEBUGINFOD_URLS ?? '').split(/\s+/)).flatMap((u) => u.split(/\s+/)).filter(Boolean);
    const log = (line: string) => process.stderr.write(`elfkit debuginfod: ${line}\n`);
    // At once: until a listener is installed, Node answers SIGUSR1 by opening its inspector.
    let server: DebuginfodServer | undefined;
    let pending = false;
    process.on('SIGUSR1', () => {
      log('SIGUSR1: rescanning');
      if (server) void server.rescan();
      else pending = true;
    });
    try {
      server = await DebuginfodServer.start({
        paths: a.paths,
        port: a.port,
        host: a.listen,
        rescanSeconds: a.rescan,
        upstream: urls.length ? { urls, cacheDir: a.cache ?? defaultCacheDir(), timeoutMs: a['upstream-timeout'] * 1000 } : undefined,
        log,
      });
    } catch (e) {
      throw new CliError(`cannot listen on ${a.listen}:${a.port}: ${(e as Error).message}`);
    }
    const { address, port } = server.address;
    const host = address.includes(':') ? `[${address}]` : address;
    const running = server;
    // Ready for Ctrl-C or SIGTERM before the URL is out: whoever reads it may stop the server at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => void running.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    log(`listening on http://${host}:${port}${urls.length ? ` (upstream: ${urls.join(' ')})` : ''}`);
    if (pending) void server.rescan();
    await stopped;
  },
});
