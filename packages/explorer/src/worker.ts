/**
 * The worker's entry: answers the page's requests (see protocol.ts) from
 * one {@link Session}, and reports progress between. Most answers are
 * computed at once; the address box's answers wait for the demangler's WebAssembly
 * and the dropped debug files, so a promise is awaited before it is posted.
 */
import type { Request, Response } from './protocol.js';
import { Session } from './worker/session.js';

const post = (m: Response) => (self as unknown as { postMessage(m: Response): void }).postMessage(m);
const session = new Session((progress) => post({ progress }));

self.onmessage = async (ev: MessageEvent<Request>) => {
  const { id, method, params } = ev.data;
  try {
    const f = (session as unknown as Record<string, (p: unknown) => unknown>)[method];
    if (typeof f !== 'function') throw new Error(`unknown request ${method}`);
    const result = f.call(session, params);
    post({ id, result: result instanceof Promise ? await result : result });
  } catch (e) {
    post({ id, error: e instanceof Error ? e.message : String(e) });
    if (!(e instanceof Error) || e.name === 'RangeError' || e.name === 'TypeError') console.error(e);
  }
};
