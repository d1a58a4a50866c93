/**
 * What went wrong while decoding, as a stable machine-readable code.
 *
 * - `truncated`: the data ends before a structure does.
 * - `bad-magic`: the input is not the expected format at all.
 * - `out-of-range`: an offset, index or size points outside its table or section.
 * - `invalid`: a field has a value the format does not allow.
 * - `unsupported`: a valid value this reader does not handle (a new version, an unknown form).
 * - `too-large`: a count or size is larger than the data could possibly hold.
 */
export type ParseErrorCode = 'truncated' | 'bad-magic' | 'out-of-range' | 'invalid' | 'unsupported' | 'too-large';

/**
 * A decoding failure that says where: the section (or `file` for file-level
 * structures) and the byte offset inside it.
 *
 * Every parser in elfkit throws this, and only this, for bad input; a
 * `RangeError` or `TypeError` escaping a parser is a bug.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  /** Stable kind of failure. */
  readonly code: ParseErrorCode;
  /** Section name (`.debug_info`), or `file` for offsets from the start of the file. */
  readonly section: string;
  /** Byte offset inside `section` where the failing structure or field starts. */
  readonly offset: number;
  /** The description without the location. */
  readonly reason: string;

  constructor(code: ParseErrorCode, reason: string, section: string, offset: number) {
    super(`${reason} (at ${section}+0x${Math.max(0, offset).toString(16)})`);
    this.code = code;
    this.reason = reason;
    this.section = section;
    this.offset = offset;
  }
}

/** True when `e` is a {@link ParseError} (also across package copies). */
export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError || (e instanceof Error && e.name === 'ParseError' && typeof (e as ParseError).code === 'string');
}
