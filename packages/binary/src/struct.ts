import { Parser } from './parser.js';
import { ParseError } from './errors.js';

/**
 * A fixed-layout record decoder compiled by binary-parser, with its size.
 * Build one per (layout, byte order) and reuse it: compiling is the
 * expensive part.
 */
export interface StructLayout<T> {
  /** Name used in errors (`ELF section header`). */
  readonly name: string;
  /** Size in bytes of one record. */
  readonly size: number;
  /** Decodes one record at `offset`; throws {@link ParseError} when it does not fit. */
  read(bytes: Uint8Array, offset: number, section?: string, base?: number): T;
  /** Decodes `count` consecutive records starting at `offset` in one call. */
  readArray(bytes: Uint8Array, offset: number, count: number, section?: string, base?: number): T[];
}

/**
 * Wraps a compiled binary-parser `Parser` so that a record that does not fit
 * the data becomes a `truncated` {@link ParseError} with the section offset,
 * instead of the bare `RangeError` binary-parser throws, and its `any`
 * result gets the declared type `T`.
 */
export function structLayout<T>(name: string, parser: Parser): StructLayout<T> {
  const size = parser.sizeOf();
  // One compiled parser decodes a whole table: far cheaper than a call (and a DataView) per record.
  const table = new Parser().array('items', { type: parser, readUntil: 'eof' });
  const check = (bytes: Uint8Array, offset: number, n: number, section: string, base: number): void => checkRecords(name, size, bytes, offset, n, section, base);
  return {
    name,
    size,
    read(bytes, offset, section = 'file', base = 0) {
      check(bytes, offset, 1, section, base);
      return parser.parse(bytes.subarray(offset, offset + size)) as T;
    },
    readArray(bytes, offset, count, section = 'file', base = 0) {
      check(bytes, offset, count, section, base);
      if (count === 0) return [];
      return (table.parse(bytes.subarray(offset, offset + count * size)) as { items: T[] }).items;
    },
  };
}

/**
 * Throws a `truncated` {@link ParseError} (section offset `base + offset`)
 * unless `n` records of `size` bytes named `name` fit in `bytes` at `offset`:
 * the check every {@link StructLayout} makes before decoding.
 */
export function checkRecords(name: string, size: number, bytes: Uint8Array, offset: number, n: number, section: string, base: number): void {
  if (!(offset >= 0 && offset + n * size <= bytes.length)) {
    const left = Math.max(0, bytes.length - offset);
    throw new ParseError('truncated', `${name}${n === 1 ? '' : ` table of ${n}`} needs ${n * size} bytes, ${left} left`, section, base + offset);
  }
}
