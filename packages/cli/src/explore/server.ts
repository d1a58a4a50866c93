import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Where the explorer's static files are: `dist/site/` in the CLI's own output (copied there by scripts/bundle.mjs). */
export function siteDir(): string {
  // This module runs from dist/explore/ (tsc) or dist/bundle/commands/ (the
  // per-command bundle): the site is dist/site/ from either.
  const candidates = ['../site/', '../../site/'].map((rel) => new URL(rel, import.meta.url).pathname.replace(/\/$/, ''));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`; null when unsatisfiable, undefined when absent. */
export function parseRange(header: string | undefined, size: number): [number, number] | null | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : null;
}

/**
 * An HTTP server for the explorer: the page's files (a fixed list, read
 * from the site folder at start) and one binary at `/file/<name>`, with
 * range requests so the page's worker reads only what it shows. Nothing
 * else is served, so no path can reach outside those.
 */
export function exploreServer(file: string, site = siteDir()): { server: Server; filePath: string } {
  const assets = new Map<string, string>();
  for (const f of readdirSync(site)) if (TYPES[extname(f)]) assets.set('/' + f, join(site, f));
  assets.set('/', join(site, 'index.html'));
  const filePath = `/file/${encodeURIComponent(basename(file))}`;
  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    }
  });
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const common = {
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      // The page talks to this server only: nothing it reads can be sent elsewhere. (binary-parser,
      // under the ELF reader, compiles its record decoders with new Function, hence unsafe-eval.)
      'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    };
    if (path === filePath) {
      const size = statSync(file).size;
      const range = parseRange(req.headers.range, size);
      if (range === null) {
        res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      const [start, end] = range ?? [0, size - 1];
      const headers = { ...common, 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Content-Length': String(size === 0 ? 0 : end - start + 1) };
      if (range) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
      else res.writeHead(200, headers);
      if (req.method === 'HEAD' || size === 0) res.end();
      else createReadStream(file, { start, end, highWaterMark: 1 << 20 }).on('error', () => res.destroy()).pipe(res);
      return;
    }
    const asset = assets.get(path);
    if (!asset || !existsSync(asset)) {
      res.writeHead(404, { ...common, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const size = statSync(asset).size;
    res.writeHead(200, { ...common, 'Content-Type': TYPES[extname(asset)]!, 'Content-Length': String(size) });
    if (req.method === 'HEAD') res.end();
    else createReadStream(asset).pipe(res);
  };
  return { server, filePath };
}
