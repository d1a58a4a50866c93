import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Blob } from '../blob.js';
import type { DebugIndex } from '../debug-index.js';
import { DebugIndex as EmptyIndex } from '../debug-index.js';
import { Metrics } from '../metrics.js';
import { parseRequest, type DebuginfodRequest } from '../request.js';
import { scanRoots, type ScanResult } from './scan.js';
import { Upstreams, type UpstreamOptions } from './upstream.js';

/** Options for {@link DebuginfodServer.start}. */
export interface ServerOptions {
  /** Directories, ELF files, tar archives and images to serve. */
  readonly paths: readonly string[];
  /** Port (0: any free one). */
  readonly port: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Rescan every this many seconds (0: scan once). */
  readonly rescanSeconds?: number;
  /** Federation: upstream servers and the cache of their answers. */
  readonly upstream?: UpstreamOptions;
  /** Hops a request may have been forwarded before it is no longer forwarded (`X-Forwarded-Ttl`, default 8). */
  readonly forwardedTtlLimit?: number;
  /** Largest archive or image member read into memory to be indexed. */
  readonly memberLimit?: number;
  /** Time a client has to send its request headers (ms, default 20 s); slower ones get 408. */
  readonly headersTimeoutMs?: number;
  /** A connection idle this long — a client that stops reading — is dropped (ms, default 120 s). */
  readonly idleTimeoutMs?: number;
  /** A line of log (scans, refused upstream answers). */
  readonly log?: (line: string) => void;
}

type Wanted = Extract<DebuginfodRequest, { kind: 'buildid' }>;

/**
 * The debuginfod server over node:http: scans its paths in the background
 * (answering 404 until the first scan ends, as elfutils does), swaps each
 * new index in whole, serves files by streaming them with back-pressure,
 * forwards misses to upstream servers, and counts everything in /metrics.
 */
export class DebuginfodServer {
  readonly metrics = new Metrics();
  private index: DebugIndex = new EmptyIndex();
  private current?: ScanResult;
  private scanning?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private readonly upstreams?: Upstreams;
  private firstScan: Promise<void>;
  private resolveFirst!: () => void;

  private constructor(
    private readonly server: Server,
    private readonly options: ServerOptions,
  ) {
    this.firstScan = new Promise((r) => (this.resolveFirst = r));
    if (options.upstream && options.upstream.urls.length) this.upstreams = new Upstreams(options.upstream);
    this.metrics.set('thread_work_pending', { role: 'scan' }, 1);
  }

  /** Listens, then starts the first scan (see {@link ready}). */
  static async start(options: ServerOptions): Promise<DebuginfodServer> {
    const headersTimeout = options.headersTimeoutMs ?? 20_000;
    const server = createServer({ maxHeaderSize: 16 << 10, requestTimeout: Math.max(60_000, headersTimeout), headersTimeout, keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.min(30_000, Math.max(100, headersTimeout / 4)) });
    const self = new DebuginfodServer(server, options);
    server.on('request', (req, res) => self.handle(req, res));
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      self.metrics.inc('http_responses_total', { result: 'client-error' });
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    // A client that stops reading for this long is dropped (its file stream closed).
    server.setTimeout(options.idleTimeoutMs ?? 120_000, (socket) => socket.destroy());
    server.maxConnections = 4096;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    void self.rescan();
    const t = options.rescanSeconds ?? 0;
    if (t > 0) {
      self.timer = setInterval(() => void self.rescan(), t * 1000);
      self.timer.unref();
    }
    return self;
  }

  /** The address it listens on. */
  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** The index now served. */
  get served(): DebugIndex {
    return this.index;
  }

  /** Resolves when the first scan has ended. */
  ready(): Promise<void> {
    return this.firstScan;
  }

  /**
   * Scans again and swaps the new index in when done; a rescan asked for
   * while one runs runs once more after it (SIGUSR1, the interval).
   */
  rescan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.metrics.set('thread_work_pending', { role: 'scan' }, 1);
    this.metrics.set('thread_busy', { role: 'scan' }, 1);
    const started = Date.now();
    this.scanning = (async () => {
      try {
        const result = await scanRoots(this.options.paths, {
          memberLimit: this.options.memberLimit,
          previous: this.current,
          onScanned: (source, bytes) => {
            this.metrics.inc('scanned_files_total', { source });
            this.metrics.inc('scanned_bytes_total', { source }, bytes);
          },
        });
        const old = this.current;
        this.current = result;
        this.index = result.index;
        // Give streams still reading the old images a moment to finish.
        if (old) setTimeout(() => void old.close(), 60_000).unref();
        for (const p of result.problems) this.options.log?.(`scan: ${p}`);
        const c = result.index.counts;
        this.options.log?.(`indexed ${result.index.size} build ids (${c.elf} ELF files; ${c.files} files, ${c.archives} archives, ${c.images} images) in ${((Date.now() - started) / 1000).toFixed(2)} s`);
        this.metrics.set('indexed_buildids', {}, result.index.size);
        this.metrics.inc('thread_work_total', { role: 'scan' });
      } catch (e) {
        this.metrics.inc('error_count', { role: 'scan' });
        this.options.log?.(`scan failed: ${(e as Error).message}`);
      } finally {
        this.metrics.set('thread_busy', { role: 'scan' }, 0);
        this.scanning = undefined;
        if (this.again) {
          this.again = false;
          void this.rescan();
        } else {
          this.metrics.set('thread_work_pending', { role: 'scan' }, 0);
          this.resolveFirst();
        }
      }
    })();
    return this.scanning;
  }

  /** Stops listening, drops open connections and closes the images. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.scanning?.catch(() => {});
    await this.current?.close();
  }

  private reply(res: ServerResponse, status: number, message: string, type = 'error'): void {
    this.metrics.inc('http_responses_total', { result: String(status) });
    this.metrics.inc('http_responses_transfer_bytes_sum', { code: String(status), type }, message.length + 1);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) + 1, 'Cache-Control': 'no-store' });
    res.end(message + '\n');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    res.on('close', () => this.metrics.inc('http_responses_duration_milliseconds_sum', {}, Math.round(performance.now() - t0)));
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return this.reply(res, 405, `method ${req.method} not allowed`);
      }
      const r = parseRequest(req.url ?? '/');
      this.metrics.inc('http_requests_total', { type: r.kind === 'buildid' ? r.type : r.kind });
      if (r.kind === 'error') return this.reply(res, r.status, r.message);
      if (r.kind === 'metrics') {
        const body = this.metrics.text();
        this.metrics.inc('http_responses_total', { result: '200' });
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
        return void res.end(req.method === 'HEAD' ? undefined : body);
      }
      let blob = await this.lookup(r);
      if (!blob && this.upstreams) {
        const ttl = Number(req.headers['x-forwarded-ttl'] ?? 0) || 0;
        if (ttl < (this.options.forwardedTtlLimit ?? 8)) {
          this.metrics.inc('http_requests_total', { type: 'upstream' });
          blob = this.upstreams.cached(r) ?? (await this.upstreams.fetch(r, ttl));
          for (const why of this.upstreams.refused.splice(0)) {
            this.metrics.inc('error_count', { role: 'upstream' });
            this.options.log?.(`upstream answer refused: ${why}`);
          }
        }
      }
      if (!blob) return this.reply(res, 404, `not found: ${r.type} of build id ${r.buildId}`);
      // DEBUGINFOD_MAXSIZE, as the client sends it; elfutils answers 406 in these words.
      const max = Number(req.headers['x-debuginfod-maxsize'] ?? 0);
      if (max > 0 && blob.size > max) return this.reply(res, 406, `File too large, max size=${max}`);
      await this.send(req, res, blob, r.type);
    } catch (e) {
      this.metrics.inc('error_count', { role: 'http' });
      if (!res.headersSent) this.reply(res, 500, `internal error: ${(e as Error).message}`);
      else res.destroy();
    }
  }

  private async lookup(r: Wanted): Promise<Blob | undefined> {
    const index = this.index;
    if (r.type === 'debuginfo' || r.type === 'executable') return index.file(r.buildId, r.type);
    if (r.type === 'section') return index.section(r.buildId, r.section);
    if (r.type === 'source') return index.source(r.buildId, r.path);
    return undefined;
  }

  private async send(req: IncomingMessage, res: ServerResponse, blob: Blob, type: string): Promise<void> {
    // The first bytes are read before the status is sent: a file removed since the scan is a 404, not a broken 200.
    let it: AsyncIterator<Uint8Array> | undefined;
    let first: IteratorResult<Uint8Array> = { done: true, value: undefined };
    if (req.method !== 'HEAD' && blob.size > 0) {
      it = blob.chunks(0, blob.size)[Symbol.asyncIterator]();
      try {
        first = await it.next();
      } catch (e) {
        return this.reply(res, 404, `not found: ${blob.file} is no longer readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    // Spelled as elfutils spells them: LLVM 14's client finds Content-Length case-sensitively.
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': blob.size,
      'Cache-Control': 'public',
      'Last-Modified': new Date(blob.mtimeMs).toUTCString(),
      'X-DEBUGINFOD-SIZE': blob.size,
      'X-DEBUGINFOD-FILE': encodeHeader(blob.file),
    };
    if (blob.archive) headers['X-DEBUGINFOD-ARCHIVE'] = encodeHeader(blob.archive);
    if (!it) {
      res.writeHead(200, headers);
      this.metrics.inc('http_responses_total', { result: '200' });
      return void res.end();
    }
    const iterator = it;
    try {
      const second = first.done ? first : await iterator.next();
      if (second.done) {
        // The whole file came in one read (small files do): one write.
        const body = first.done ? new Uint8Array(0) : first.value;
        if (body.length !== blob.size) throw new Error(`${blob.file}: ${body.length} bytes read, ${blob.size} expected`);
        res.writeHead(200, headers);
        this.metrics.inc('http_responses_total', { result: '200' });
        res.end(body);
      } else {
        res.writeHead(200, headers);
        this.metrics.inc('http_responses_total', { result: '200' });
        const rest = (async function* () {
          yield first.value!;
          yield second.value;
          for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
        })();
        await pipeline(Readable.from(rest, { objectMode: false, highWaterMark: 1 }), res);
      }
      this.metrics.inc('http_responses_transfer_bytes_sum', { code: '200', type }, blob.size);
    } catch (e) {
      // The client went away (or the file became unreadable): its stream is closed, nothing else to do.
      await iterator.return?.().catch(() => {});
      if (!res.headersSent) return this.reply(res, 404, `not found: ${blob.file} is no longer readable (${(e as Error).message})`);
      this.metrics.inc('http_responses_total', { result: 'aborted' });
      res.destroy();
    }
  }
}

/** Header values are Latin-1: other characters are percent-escaped. */
function encodeHeader(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : encodeURI(s);
}
