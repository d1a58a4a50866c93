/** Alignment of a column in a text table. */
export type Align = 'left' | 'right';

/** A column: heading and alignment. */
export interface Column {
  readonly title: string;
  readonly align?: Align;
}

/**
 * Renders rows as an aligned text table: each column as wide as its widest
 * cell, two spaces between columns, the last left-aligned column unpadded so
 * lines carry no trailing blanks.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c) => c.title.length);
  for (const r of rows) for (let i = 0; i < r.length; i++) if (r[i]!.length > widths[i]!) widths[i] = r[i]!.length;
  const line = (cells: readonly string[]) => {
    let s = '';
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      const w = widths[i]!;
      const last = i === cells.length - 1;
      if (i > 0) s += '  ';
      s += columns[i]!.align === 'right' ? c.padStart(w) : last ? c : c.padEnd(w);
    }
    return s.trimEnd();
  };
  const out: string[] = [line(columns.map((c) => c.title))];
  for (const r of rows) out.push(line(r));
  return out.join('\n') + '\n';
}
