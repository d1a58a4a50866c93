import { ARGS_SIZE_UNKNOWN, type GoFunc } from '@elfkit/gosym';
import { blanks } from '../format/table.js';
import type { Damage } from '../damage.js';
import { salvageTableFields } from './func-fields.js';

/** Lowercase hex digits of a non-negative integer below 2^53. */
function hexDigitCount(v: number): number {
  let n = 1;
  while (v >= 16) {
    v = Math.floor(v / 16);
    n++;
  }
  return n;
}

/**
 * `elfkit go funcs`' table, the text renderTable would make of the same
 * cells (columns as wide as their widest cell, two blanks between them,
 * Frame, Args and Line right-aligned, no trailing blanks), built a line at
 * a time from each function's fields: a row array and two hex strings kept
 * per function, and renderTable's walk over every cell, cost a small
 * binary's run (1,600 functions, all of it cold code) more than reading the
 * functions did, and kept the young generation full enough for a third
 * scavenge. `w`: hex digits of an address (16 on 64-bit targets, 8 on
 * 32-bit). Tests compare it with renderTable. With `damage`, a function
 * whose pcvalue or file tables are damaged prints `?` for its frame size
 * and file (`-` for its line) where they cannot be read, the damage
 * recorded; without it, the first ParseError is thrown.
 */
export function funcsText(funcs: readonly GoFunc[], w: number, damage?: Damage): string {
  const n = funcs.length;
  const names: string[] = new Array(n);
  const files: string[] = new Array(n);
  const frames: string[] = new Array(n);
  const args: string[] = new Array(n);
  const lines: string[] = new Array(n);
  const entries: number[] = new Array(n);
  const ends: number[] = new Array(n);
  let maxEntry = 0;
  let maxEnd = 0;
  let wFrame = 5; // 'Frame'
  let wArgs = 4; // 'Args'
  let wLine = 4; // 'Line'
  let wName = 4; // 'Name'
  for (let i = 0; i < n; i++) {
    const f = funcs[i]!;
    const entry = f.entryPc;
    const end = f.endPc;
    if (entry > maxEntry) maxEntry = entry;
    if (end > maxEnd) maxEnd = end;
    entries[i] = entry;
    ends[i] = end;
    const name = f.name;
    names[i] = name;
    if (name.length > wName) wName = name.length;
    let file: string | undefined;
    let frameSize: number | undefined;
    let startLine: number | undefined;
    try {
      const t = f.entryFields();
      file = t.file;
      frameSize = t.frameSize;
      startLine = t.line;
    } catch (e) {
      if (!damage) throw e;
      // Damaged tables: what reads prints, '?' (or '-') for the rest.
      damage.add(e);
      const t = salvageTableFields(f, damage);
      file = t.file;
      frameSize = t.frameSize;
      startLine = f.startLine ?? t.entryLine;
    }
    files[i] = file ?? '?';
    const frame = frameSize === undefined ? '?' : String(frameSize);
    frames[i] = frame;
    if (frame.length > wFrame) wFrame = frame.length;
    const a = f.args === ARGS_SIZE_UNKNOWN ? '?' : String(f.args);
    args[i] = a;
    if (a.length > wArgs) wArgs = a.length;
    const line = String(startLine ?? '-');
    lines[i] = line;
    if (line.length > wLine) wLine = line.length;
  }
  // An address has at least `w` digits (and '0x'); the address columns are as wide as their largest or their titles.
  const wEntry = n === 0 ? 5 : Math.max(5, 2 + Math.max(w, hexDigitCount(maxEntry)));
  const wEnd = n === 0 ? 3 : Math.max(3, 2 + Math.max(w, hexDigitCount(maxEnd)));
  const hex = (v: number) => '0x' + v.toString(16).padStart(w, '0');
  const out: string[] = new Array(n + 2);
  out[0] = finish('Entry' + blanks(wEntry - 5 + 2) + 'End' + blanks(wEnd - 3 + 2 + wFrame - 5) + 'Frame  ' + blanks(wArgs - 4) + 'Args  ' + blanks(wLine - 4) + 'Line  ', 'Name', wName, 'File');
  let z = '';
  for (let i = 0; i < n; i++) {
    // A function's entry is nearly always the previous one's end: its digits are made once.
    const e = i > 0 && entries[i] === ends[i - 1] ? z : hex(entries[i]!);
    z = hex(ends[i]!);
    const frame = frames[i]!;
    const a = args[i]!;
    const line = lines[i]!;
    out[i + 1] = finish(
      e + blanks(wEntry - e.length + 2) + z + blanks(wEnd - z.length + 2 + wFrame - frame.length) + frame + blanks(2 + wArgs - a.length) + a + blanks(2 + wLine - line.length) + line + '  ',
      names[i]!,
      wName,
      files[i]!,
    );
  }
  out[n + 1] = '';
  return out.join('\n');
}

/**
 * A line from the part up to the Name column (ending in its two blanks),
 * the name and the file: blanks owed before a cell are written only when
 * text follows, and a line whose last cell ends in white space is trimmed
 * (as renderTable does).
 */
function finish(head: string, name: string, width: number, file: string): string {
  let s: string;
  if (file.length > 0) s = name.length > 0 ? head + name + blanks(width - name.length + 2) + file : head + blanks(width + 2) + file;
  else s = name.length > 0 ? head + name : head.trimEnd();
  const c = s.charCodeAt(s.length - 1);
  return (c <= 0x20 || c >= 0x80) && /\s$/.test(s) ? s.trimEnd() : s;
}
