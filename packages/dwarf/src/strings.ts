import { ParseError, decodeUtf8 } from '@elfkit/binary';

/**
 * NUL-terminated strings of one section (`.debug_str`, `.debug_line_str`,
 * a supplementary file's `.debug_str`), decoded on demand and cached by
 * offset: type and member names repeat across thousands of DIEs.
 */
export class StringSection {
  private readonly cache = new Map<number, string>();
  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
  ) {}

  /** The string at `offset`; throws ParseError when the offset is outside or the string unterminated. */
  at(offset: number): string {
    let s = this.cache.get(offset);
    if (s !== undefined) return s;
    const b = this.bytes;
    if (!(offset >= 0 && offset < b.length)) {
      throw new ParseError('out-of-range', `string offset 0x${offset.toString(16)} is outside ${this.name} (0x${b.length.toString(16)} bytes)`, this.name, offset);
    }
    const nul = b.indexOf(0, offset);
    if (nul < 0) throw new ParseError('truncated', 'unterminated string', this.name, offset);
    s = decodeUtf8(b, offset, nul);
    this.cache.set(offset, s);
    return s;
  }
}
