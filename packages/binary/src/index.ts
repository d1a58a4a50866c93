/**
 * The byte-level layer shared by every elfkit parser: a bounds-checked
 * {@link Reader}, random-access {@link ByteSource}s, fixed-layout record
 * decoding through binary-parser, and the typed {@link ParseError}.
 *
 * @packageDocumentation
 */
export { ParseError, isParseError, type ParseErrorCode } from './errors.js';
export { Reader, type ByteOrder, type ReaderOptions } from './reader.js';
export { type ByteSource, BytesSource, toByteSource, readRange } from './source.js';
export { type StructLayout, structLayout, checkRecords } from './struct.js';
export { Parser, type ArrayOptions } from './parser.js';
export { decodeUtf8, findNul } from './text.js';
export { hex, hexBytes, toSafeNumber } from './hex.js';
export { isoTime } from './iso-time.js';
