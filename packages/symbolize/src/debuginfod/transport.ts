/**
 * The part of WHATWG `fetch` the client uses, so that Node's `fetch`, a
 * browser's, or a test double can be passed as they are.
 */
export type FetchFunction = (url: string, init: { readonly headers: Record<string, string>; readonly signal: AbortSignal; readonly redirect?: 'follow' }) => Promise<FetchResponse>;

/** The part of a WHATWG `Response` the client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** A WHATWG stream (fetch), or any async iterable of chunks (a Node response, read without a stream adapter). */
  readonly body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}
