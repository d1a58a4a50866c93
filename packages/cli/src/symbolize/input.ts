import { parseAddress } from './options.js';

/** One input line as llvm-symbolizer reads it: `[CODE|DATA|FRAME] [MODULE] ADDRESS`. */
export interface InputCommand {
  kind: 'CODE' | 'DATA' | 'FRAME';
  module: string;
  address?: bigint;
}

const DELIMS = ' \n\r';

/** `0x` and 1–16 hex digits, nothing else. */
const PLAIN_HEX = /^0[xX][0-9a-fA-F]{1,16}$/;

/**
 * Parses an input line as LLVM 14's `parseCommand`: an optional command
 * word, the module (unless `--obj` names it; `"quoted"` or `'quoted'`
 * names may hold spaces), then the address (C-style base; hexadecimal with
 * an optional 0x for addr2line). `address` is undefined when the line
 * cannot be parsed.
 */
export function parseInputLine(line: string, obj: string | undefined, addr2line = false): InputCommand {
  // A pipe's usual line with --obj: just "0x…" (up to 64 bits), taken as it is.
  if (obj !== undefined && PLAIN_HEX.test(line)) return { kind: 'CODE', module: obj, address: BigInt(line) };
  let s = line;
  let kind: InputCommand['kind'] = 'CODE';
  for (const k of ['CODE', 'DATA', 'FRAME'] as const) {
    if (s.startsWith(k + ' ')) {
      kind = k;
      s = s.slice(k.length + 1);
      break;
    }
  }
  let pos = 0;
  const skip = () => {
    while (pos < s.length && DELIMS.includes(s[pos]!)) pos++;
  };
  const token = () => {
    const start = pos;
    while (pos < s.length && !DELIMS.includes(s[pos]!)) pos++;
    return s.slice(start, pos);
  };
  let module = obj ?? '';
  if (obj === undefined) {
    skip();
    const q = s[pos];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, pos + 1);
      if (end < 0) return { kind, module: '' };
      module = s.slice(pos + 1, end);
      pos = end + 1;
    } else module = token();
  }
  skip();
  let offset = token();
  if (addr2line) offset = offset.replace(/^0[xX]/, '');
  return { kind, module, address: parseAddress(offset, addr2line ? 16 : 0) };
}
