// binary-parser ships typings, but its package.json `exports` map does not
// expose them under NodeNext resolution; this file is the one place that
// imports it, and gives it the narrow type elfkit uses.
// @ts-expect-error TS7016: no declaration file reachable through "exports".
import { Parser as BinaryParser } from 'binary-parser';

/** Options of a binary-parser `array` field. */
export interface ArrayOptions {
  type: Parser | string;
  length?: number | string;
  readUntil?: 'eof';
}

/**
 * The subset of binary-parser's fluent `Parser` builder elfkit uses to
 * declare fixed-layout records. Fields are read in declaration order; the
 * byte order set by `endianness` applies to every later field.
 */
export interface Parser {
  /** Sets the byte order of the fields declared after it. */
  endianness(order: 'little' | 'big'): Parser;
  /** An unsigned byte field `name`. */
  uint8(name: string): Parser;
  /** An unsigned 16-bit field `name`. */
  uint16(name: string): Parser;
  /** An unsigned 32-bit field `name`. */
  uint32(name: string): Parser;
  /** An unsigned 64-bit field `name` (decoded as a bigint). */
  uint64(name: string): Parser;
  /** A signed byte field `name`. */
  int8(name: string): Parser;
  /** A signed 16-bit field `name`. */
  int16(name: string): Parser;
  /** A signed 32-bit field `name`. */
  int32(name: string): Parser;
  /** A signed 64-bit field `name` (decoded as a bigint). */
  int64(name: string): Parser;
  /** Skips `bytes` bytes of padding or unused fields. */
  seek(bytes: number): Parser;
  /** An array field `name` of `options.type` records. */
  array(name: string, options: ArrayOptions): Parser;
  /** Size in bytes of one record. */
  sizeOf(): number;
  /** Decodes a record from the start of `bytes`. */
  parse(bytes: Uint8Array): unknown;
}

/** binary-parser's `Parser` constructor. */
export const Parser: new () => Parser = BinaryParser as new () => Parser;
