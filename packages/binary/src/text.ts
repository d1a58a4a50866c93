interface Utf8Decoder {
  decode(input: Uint8Array): string;
}

// TextDecoder is a global in browsers, Node and Deno; reach it through
// globalThis so the parser packages need neither DOM nor Node typings.
const utf8: Utf8Decoder = new (globalThis as unknown as { TextDecoder: new (label: string) => Utf8Decoder }).TextDecoder(
  'utf-8',
);

/**
 * Decodes `bytes[start, end)` as UTF-8. Short ASCII strings (symbol and
 * section names, the common case) skip TextDecoder, which costs more than
 * the copy for a dozen bytes.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    // One call makes one flat string; `s +=` per byte left a chain of cons
    // strings behind every cached name (13 MB of them in a Go binary's DWARF).
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(bytes.subarray(start, end));
}

/** Index of the first NUL at or after `start`, or -1 when there is none before `end`. */
export function findNul(bytes: Uint8Array, start: number, end = bytes.length): number {
  const i = bytes.indexOf(0, start);
  return i < 0 || i >= end ? -1 : i;
}
