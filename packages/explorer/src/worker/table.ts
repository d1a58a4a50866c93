import type { Column, TableInfo, TableQuery, TableWindow } from '../protocol.js';

/**
 * A table the worker serves a window at a time: the page never holds more
 * rows than it shows, so a 100,000-row symbol table costs it nothing.
 * Cells are made on demand from the underlying records.
 */
export interface TableSource {
  readonly id: string;
  readonly columns: Column[];
  readonly rows: number;
  /** The text of a cell. */
  cell(row: number, column: number): string;
  /** What sorts a column: numbers for numeric ones, else the cell text. */
  sortKey?(row: number, column: number): number | bigint | string;
  /** The text a filter matches (default: every cell). */
  searchText?(row: number): string;
  note?: string;
}

/** Shorthand for a column. */
export const col = (title: string, align: 'left' | 'right' = 'left', width = 1): Column => ({ title, align, width });

/** A table over an array of records, each cell a function of the record. */
export function arrayTable<T>(id: string, records: readonly T[], columns: [Column, (r: T) => string, ((r: T) => number | bigint | string)?][], note?: string): TableSource {
  return {
    id,
    note,
    columns: columns.map((c) => c[0]),
    rows: records.length,
    cell: (row, column) => columns[column]![1](records[row]!),
    sortKey: (row, column) => {
      const c = columns[column]!;
      return (c[2] ?? c[1])(records[row]!);
    },
  };
}

/** The part of a table that needs its records read. */
export type TableRows = Pick<TableSource, 'cell' | 'sortKey' | 'searchText'>;

/**
 * A table whose shape is known from headers alone (a symbol table's count
 * is its section size over the entry size) and whose records are read the
 * first time a row is asked for: the first view of a file does not wait
 * for a 3 MB string table it does not show.
 */
export function lazyTable(id: string, columns: Column[], rows: number, make: () => TableRows): TableSource {
  let made: TableRows | undefined;
  const get = () => (made ??= make());
  return {
    id,
    columns,
    rows,
    cell: (r, c) => get().cell(r, c),
    sortKey: (r, c) => {
      const m = get();
      return m.sortKey ? m.sortKey(r, c) : m.cell(r, c);
    },
    searchText: (r) => {
      const m = get();
      return m.searchText ? m.searchText(r) : columns.map((_, c) => m.cell(r, c)).join(' ');
    },
  };
}

export function tableInfo(t: TableSource): TableInfo {
  return { id: t.id, columns: t.columns, rows: t.rows, note: t.note };
}

/** Filters and sorts tables, keeping the last ordering of each so scrolling does not redo it. */
export class TableRegistry {
  private readonly tables = new Map<string, TableSource>();
  private readonly orders = new Map<string, { key: string; order: Int32Array | null }>();

  add(t: TableSource): TableInfo {
    this.tables.set(t.id, t);
    this.orders.delete(t.id);
    return tableInfo(t);
  }

  clear(): void {
    this.tables.clear();
    this.orders.clear();
  }

  query(q: TableQuery): TableWindow {
    const t = this.tables.get(q.table);
    if (!t) throw new Error(`no table ${q.table}`);
    const order = this.order(t, q);
    const total = order ? order.length : t.rows;
    const start = Math.max(0, Math.min(q.start, total));
    const end = Math.min(total, start + Math.max(0, Math.min(q.count, 1000)));
    const rows: string[][] = [];
    const index: number[] = [];
    for (let i = start; i < end; i++) {
      const r = order ? order[i]! : i;
      index.push(r);
      const cells: string[] = [];
      for (let c = 0; c < t.columns.length; c++) cells.push(t.cell(r, c));
      rows.push(cells);
    }
    return { total, start, rows, index };
  }

  /** The row numbers in display order, or null for the table's own order. */
  private order(t: TableSource, q: TableQuery): Int32Array | null {
    const filter = q.filter.trim().toLowerCase();
    const sort = q.sort >= 0 && q.sort < t.columns.length ? q.sort : -1;
    if (!filter && sort < 0) return null;
    const key = `${filter}\u0000${sort}\u0000${q.descending}`;
    const known = this.orders.get(t.id);
    if (known && known.key === key) return known.order;
    let rows: number[] = [];
    const text = t.searchText ?? ((r: number) => t.columns.map((_, c) => t.cell(r, c)).join(' '));
    for (let r = 0; r < t.rows; r++) if (!filter || text(r).toLowerCase().includes(filter)) rows.push(r);
    if (sort >= 0) {
      const keys = new Map<number, number | bigint | string>();
      const k = t.sortKey ?? ((r: number, c: number) => t.cell(r, c));
      for (const r of rows) keys.set(r, k(r, sort));
      const dir = q.descending ? -1 : 1;
      rows = rows.sort((a, b) => {
        const x = keys.get(a)!;
        const y = keys.get(b)!;
        return (x < y ? -1 : x > y ? 1 : a - b) * dir;
      });
    }
    const order = Int32Array.from(rows);
    this.orders.set(t.id, { key, order });
    return order;
  }
}
