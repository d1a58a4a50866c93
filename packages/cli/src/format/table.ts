/** Alignment of a column in a text table. */
export type Align = 'left' | 'right';

/** A column: heading and alignment. */
export interface Column {
  readonly title: string;
  readonly align?: Align;
}

/** Runs of blanks by length, made once each. */
const blankRuns: string[] = [];
export function blanks(n: number): string {
  return (blankRuns[n] ??= ' '.repeat(n));
}

/**
 * Renders rows as an aligned text table: each column as wide as its widest
 * cell, two spaces between columns, the last left-aligned column unpadded so
 * lines carry no trailing blanks.
 *
 * The table is made as a list of cells and runs of blanks joined once:
 * padding each cell (`padEnd`) and flattening each line cost a cold run
 * tens of milliseconds for a couple of thousand rows (`go funcs`).
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c) => c.title.length);
  for (const r of rows) for (let i = 0; i < r.length; i++) if (r[i]!.length > widths[i]!) widths[i] = r[i]!.length;
  const right = columns.map((c) => c.align === 'right');
  const parts: string[] = [];
  const line = (cells: readonly string[]) => {
    const first = parts.length;
    // Blanks owed before the next text: dropped at the end of the line.
    let owed = 0;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      if (i > 0) owed += 2;
      const room = widths[i]! - c.length;
      if (right[i]) owed += room;
      if (c.length > 0) {
        if (owed > 0) parts.push(blanks(owed));
        parts.push(c);
        owed = 0;
      }
      if (!right[i]) owed += room;
    }
    // A cell that itself ends in white space at the end of the line: trimmed with what precedes it, as a whole line.
    if (parts.length > first && /\s$/.test(parts[parts.length - 1]!)) parts.push(parts.splice(first).join('').trimEnd());
    parts.push('\n');
  };
  line(columns.map((c) => c.title));
  for (const r of rows) line(r);
  return parts.join('');
}
