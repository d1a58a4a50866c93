// TextEncoder is a global in browsers, Node and Deno; reach it through
// globalThis so the parser packages need neither DOM nor Node typings.
const encoder = new (globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array } }).TextEncoder();

/** UTF-8 bytes of `s`. */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}
