import type { IncomingMessage } from 'node:http';
import type { FetchFunction, FetchResponse } from '../debuginfod/transport.js';

/** Redirects followed before giving up (curl's default is unlimited; elfutils allows them). */
const MAX_REDIRECTS = 8;

/**
 * The client's fetch over node:http and node:https, without connection
 * reuse: a command that fetches one file exits as soon as it has it (Node's
 * global fetch keeps the socket alive and the process waiting for a second
 * or more), and loading undici is avoided too.
 */
export const nodeHttpFetch: FetchFunction = async (url, init) => {
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    const res = await get(current, init.headers, init.signal);
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && hops < MAX_REDIRECTS) {
      res.resume();
      current = new URL(location, current);
      if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error(`redirect to unsupported ${current.protocol}`);
      continue;
    }
    return response(res);
  }
};

// node:http and node:https are loaded on the first request: every command that can fetch (elfkit core) would otherwise load them, and net, tls and crypto with them, at start-up.
async function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? (await import('node:https')).request : url.protocol === 'http:' ? (await import('node:http')).request : undefined;
  if (!request) throw new Error(`unsupported URL scheme ${url.protocol}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'Accept-Encoding': 'identity', ...headers }, agent: false, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function response(res: IncomingMessage): FetchResponse {
  return {
    status: res.statusCode ?? 0,
    headers: {
      get(name: string) {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    body: res,
  };
}
