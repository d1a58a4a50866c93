/**
 * The worker's entry: answers the page's requests (see protocol.ts) from
 * one {@link Session}, one request at a time, and reports progress between.
 */
import type { Request, Response } from './protocol.js';
import { Session } from './worker/session.js';

const post = (m: Response) => (self as unknown as { postMessage(m: Response): void }).postMessage(m);
const session = new Session((progress) => post({ progress }));

self.onmessage = (ev: MessageEvent<Request>) => {
  const { id, method, params } = ev.data;
  try {
    const f = (session as unknown as Record<string, (p: unknown) => unknown>)[method];
    if (typeof f !== 'function') throw new Error(`unknown request ${method}`);
    post({ id, result: f.call(session, params) });
  } catch (e) {
    post({ id, error: e instanceof Error ? e.message : String(e) });
    if (!(e instanceof Error) || e.name === 'RangeError' || e.name === 'TypeError') console.error(e);
  }
};
