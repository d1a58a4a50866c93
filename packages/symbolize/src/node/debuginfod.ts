import { readFileSync } from 'node:fs';
import { DebuginfodClient } from '../debuginfod/client.js';
import { debuginfodConfig, parseHeaderLines, type DebuginfodConfig } from '../debuginfod/config.js';
import type { FetchFunction } from '../debuginfod/transport.js';
import { defaultCachePath, FsCacheStore } from './debuginfod-store.js';
import { nodeHttpFetch } from './http-fetch.js';

/** Options of {@link nodeDebuginfod}. */
export interface NodeDebuginfodOptions {
  /** The environment to read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where progress and verbose lines go (default standard error). */
  readonly stderr?: {
    /** Writes a line (or a progress update). */
    write(text: string): unknown;
    readonly isTTY?: boolean;
  };
  /** The fetch to use (default Node's). */
  readonly fetch?: FetchFunction;
}

/**
 * The debuginfod client as elfutils' libdebuginfod sets itself up: servers,
 * limits and the cache from the environment (`DEBUGINFOD_URLS`,
 * `DEBUGINFOD_CACHE_PATH`, …), Node's fetch, the cache on disk, the
 * headers file's lines and a `User-Agent` naming the system, progress
 * (`DEBUGINFOD_PROGRESS`) and a trace (`DEBUGINFOD_VERBOSE`) on standard
 * error.
 */
export function nodeDebuginfod(options: NodeDebuginfodOptions = {}): DebuginfodClient {
  const env = options.env ?? process.env;
  const config = debuginfodConfig(env);
  // process.stderr is made on first use (a stream, a socket when it is a pipe): only where something is written.
  const err = options.stderr ?? lazyStderr;
  const log = config.verbose ? (line: string) => void err.write(`${line}\n`) : undefined;
  const headers: Record<string, string> = { 'User-Agent': userAgent() };
  if (config.headersFile) {
    try {
      for (const [k, v] of parseHeaderLines(readFileSync(config.headersFile, 'utf8'))) headers[k] = v;
    } catch (e) {
      log?.(`header file ${config.headersFile}: ${(e as Error).message}`);
    }
  }
  return new DebuginfodClient({
    config,
    fetch: options.fetch ?? nodeHttpFetch,
    store: new FsCacheStore(config.cachePath ?? defaultCachePath(env)),
    headers,
    onLog: log,
    onProgress: config.progress ? progressPrinter(err) : undefined,
  });
}

/** Standard error, made only when first written to or asked whether it is a terminal. */
const lazyStderr = {
  write: (text: string) => process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY;
  },
};

/** True when `DEBUGINFOD_URLS` names a server (the commands then use debuginfod unless told not to, as LLVM's tools do). */
export function debuginfodConfigured(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return debuginfodConfig(env).urls.length > 0;
}

export type { DebuginfodConfig };

/**
 * elfutils' default progress line, `Downloading from HOST N/TOTAL`, on
 * standard error. On a terminal it is redrawn in place (at most ten times
 * a second); elsewhere only the final count is written, so a log gets one
 * line per download rather than thousands of carriage returns.
 */
function progressPrinter(err: { write(text: string): unknown; readonly isTTY?: boolean }) {
  let last = 0;
  return (url: string, received: number, total: number | undefined) => {
    const host = url.includes('buildid/') ? url.slice(0, url.indexOf('buildid/')) : url;
    const text = `\rDownloading from ${host} ${received}${total !== undefined ? `/${total}` : ''}`;
    const finished = total !== undefined && received >= total;
    const now = Date.now();
    if (err.isTTY ? finished || now - last >= 100 : finished) {
      last = now;
      err.write(finished ? `${text}\n` : text);
    }
  };
}

let agent: string | undefined;

/** `elfkit/VERSION,Linux/x86_64,debian/12`, as elfutils' `elfutils/0.188,Linux/x86_64,debian/12`. */
function userAgent(): string {
  if (agent) return agent;
  let id = '';
  let version = '';
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const text = readFileSync(f, 'utf8');
      id = /^ID=["']?([^"'\n]*)/m.exec(text)?.[1] ?? '';
      version = /^VERSION_ID=["']?([^"'\n]*)/m.exec(text)?.[1] ?? '';
      break;
    } catch {
      // next
    }
  }
  // node:os here, when a request is first made: importing it costs every run that bundles this module ~0.15 ms.
  const { machine, type } = process.getBuiltinModule('node:os') as typeof import('node:os');
  agent = `elfkit/0.1.0,${type()}/${machine()},${id}/${version}`;
  return agent;
}
