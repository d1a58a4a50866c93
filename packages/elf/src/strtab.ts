import { ParseError, decodeUtf8 } from '@elfkit/binary';

/** Names a table decodes one at a time before it decodes all of its text at once. */
const SINGLE_GETS = 256;

/**
 * A string table (`.strtab`, `.dynstr`, `.shstrtab`): NUL-terminated names
 * looked up by offset. Out-of-range offsets are reported, not guessed.
 *
 * An all-ASCII table (nearly every one) is decoded once into a JS string and
 * names are slices of it, which is far cheaper than decoding 46,000 names
 * one by one — once enough names are asked for: the first few hundred are
 * decoded alone, so a lookup of one symbol does not decode 3 MB of names.
 */
export class StringTable {
  private text: string | null | undefined;
  /** Names decoded one by one so far (the whole table is decoded after {@link SINGLE_GETS}). */
  private singles = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly section: string,
  ) {}

  private ascii(): string | null {
    if (this.text === undefined) {
      // Decoded natively and then checked: every byte of 0x80 or more either joins a multi-byte character
      // (fewer characters than bytes) or is replaced by U+FFFD, so equal lengths without U+FFFD mean ASCII.
      // (A loop over a Go binary's 3.4 MB of names in JavaScript costs several milliseconds more.)
      const b = this.bytes;
      const t = decodeUtf8(b);
      this.text = t.length === b.length && t.indexOf('\uFFFD') < 0 ? t : null;
    }
    return this.text;
  }

  /** The string at `offset`; throws ParseError when it is outside the table. An unterminated tail is returned as is (as readelf does). */
  get(offset: number): string {
    const b = this.bytes;
    if (offset >= b.length || offset < 0) {
      throw new ParseError('out-of-range', `string offset 0x${offset.toString(16)} is past the end of ${this.section} (0x${b.length.toString(16)} bytes)`, this.section, offset);
    }
    const t = this.singles < SINGLE_GETS ? (this.singles++, this.text ?? null) : this.ascii();
    if (t !== null) {
      const end = t.indexOf('\0', offset);
      return t.slice(offset, end < 0 ? t.length : end);
    }
    let end = b.indexOf(0, offset);
    if (end < 0) end = b.length;
    return decodeUtf8(b, offset, end);
  }

  /** Like {@link get}, but `<corrupt>` (readelf's word) instead of throwing. */
  tryGet(offset: number): string {
    return offset < this.bytes.length && offset >= 0 ? this.get(offset) : '<corrupt>';
  }
}
