// Compiled on first use: Unicode property classes are slow to build, and
// most runs never quote a non-ASCII rune.
let PRINT: RegExp | undefined;
const HEX = '0123456789abcdef';

/** True for runes Go's `unicode.IsPrint` accepts: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  PRINT ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
  return PRINT.test(String.fromCodePoint(cp));
}

function hexDigits(v: number, n: number): string {
  let s = '';
  for (let i = n - 1; i >= 0; i--) s += HEX[(v >>> (4 * i)) & 15];
  return s;
}

/**
 * Go's `strconv.Quote`: a double-quoted string with Go escapes — `\"`,
 * `\\`, `\a\b\f\n\r\t\v`, `\xNN` for other control bytes, `\uNNNN` and
 * `\UNNNNNNNN` for non-printable runes; printable runes are kept as is.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (isPrint(cp)) {
      out += ch;
      continue;
    }
    switch (cp) {
      case 7:
        out += '\\a';
        continue;
      case 8:
        out += '\\b';
        continue;
      case 12:
        out += '\\f';
        continue;
      case 10:
        out += '\\n';
        continue;
      case 13:
        out += '\\r';
        continue;
      case 9:
        out += '\\t';
        continue;
      case 11:
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + hexDigits(cp, 2);
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd'; // a lone surrogate is not a valid rune
    else if (cp < 0x10000) out += '\\u' + hexDigits(cp, 4);
    else out += '\\U' + hexDigits(cp, 8);
  }
  return out + '"';
}

/**
 * Go's `strconv.Unquote` for the double-quoted and backquoted forms that
 * build settings use; undefined when `s` is not a valid quoted string.
 */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const q = s[0];
  if (q !== s[s.length - 1]) return undefined;
  const body = s.slice(1, -1);
  if (q === '`') return body.includes('`') ? undefined : body.replaceAll('\r', ''); // raw strings drop carriage returns
  if (q !== '"') return undefined;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e === undefined) return undefined;
    if (e in simple) {
      out += simple[e];
      continue;
    }
    const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : e >= '0' && e <= '7' ? 3 : 0;
    if (!digits) return undefined;
    const h = e >= '0' && e <= '7' ? body.slice(i, i + 3) : body.slice(i + 1, i + 1 + digits);
    if (h.length !== digits || !(e >= '0' && e <= '7' ? /^[0-7]{3}$/ : /^[0-9a-fA-F]+$/).test(h)) return undefined;
    const v = parseInt(h, e >= '0' && e <= '7' ? 8 : 16);
    if (e === 'u' || e === 'U') {
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
      out += String.fromCodePoint(v);
    } else {
      if (v > 255) return undefined;
      // \x and octal escapes are bytes; bytes above 0x7f are kept as the
      // Latin-1 character of the same value (a lossy stand-in for a raw byte).
      out += String.fromCharCode(v);
    }
    i += e >= '0' && e <= '7' ? 2 : digits;
  }
  return out;
}

/** Length of the quoted string at the start of `s` (Go's `strconv.QuotedPrefix`), or -1. */
export function quotedPrefixLength(s: string): number {
  const q = s[0];
  if (q === '`') {
    const end = s.indexOf('`', 1);
    return end < 0 ? -1 : end + 1;
  }
  if (q !== '"') return -1;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') return goUnquote(s.slice(0, i + 1)) === undefined ? -1 : i + 1;
    else if (c === '\n') return -1;
  }
  return -1;
}
