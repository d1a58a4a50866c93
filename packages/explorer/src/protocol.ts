/**
 * The messages between the page and the parsing worker. The page sends
 * requests `{id, method, params}`; the worker answers each with
 * `{id, result}` or `{id, error}`, and sends `{progress}` messages while
 * it works. Values are plain data (structured clone): addresses travel as
 * `0x…` strings so the page never does bigint arithmetic it does not need.
 */

/** A file picked or dropped together with the binary: its separate debug file, `.dwo` or `.dwp`. */
export interface DebugFileInput {
  name: string;
  blob: Blob;
}

/** Where the worker reads the binary from. */
export type FileInput =
  | { kind: 'blob'; name: string; blob: Blob; debugFiles?: DebugFileInput[] }
  | { kind: 'url'; name: string; url: string; size?: number };

/** A column of a table view. */
export interface Column {
  title: string;
  /** Numbers and addresses are right-aligned and sort numerically. */
  align: 'left' | 'right';
  /** Wider columns get more of the row. */
  width: number;
}

/** A table's shape, before any rows. */
export interface TableInfo {
  id: string;
  columns: Column[];
  rows: number;
  /** Why the table is empty or partial, when it is. */
  note?: string;
}

/** A window of a filtered, sorted table. */
export interface TableWindow {
  /** Rows that match the filter. */
  total: number;
  /** Index of the first row returned, within the matching rows. */
  start: number;
  rows: string[][];
  /** The row numbers in the underlying table (for row actions). */
  index: number[];
}

export interface TableQuery {
  table: string;
  filter: string;
  sort: number;
  descending: boolean;
  start: number;
  count: number;
}

/** One labelled fact in a summary list. */
export type Fact = [label: string, value: string];

/** A bar of the layout picture: a range of file offsets or addresses. */
export interface LayoutBar {
  label: string;
  kind: 'header' | 'segment' | 'section' | 'gap';
  /** Start and end (exclusive) as numbers: file offsets, or addresses minus the lowest one. */
  start: number;
  end: number;
  /** The row the bar is drawn in (0: segments, 1: sections). */
  lane: number;
  /** What the tooltip says. */
  detail: string;
}

export interface LayoutPicture {
  /** File offsets (`file`) or virtual addresses (`memory`). */
  space: 'file' | 'memory';
  /** The address that 0 stands for (memory), as `0x…`. */
  base: string;
  extent: number;
  bars: LayoutBar[];
  /** What each lane holds (`segments`, `sections`), by lane number. */
  lanes: string[];
}

/** The first answer for a file: what the page needs to show its views. */
export interface Overview {
  name: string;
  size: number;
  facts: Fact[];
  /** Problems that did not stop the parse. */
  warnings: string[];
  tables: TableInfo[];
  layout: LayoutPicture[];
  hasDwarf: boolean;
  hasGo: boolean;
  /** Milliseconds the worker spent. */
  parseMs: number;
  /** Bytes read from the file so far. */
  bytesRead: number;
}

/** A DWARF unit in the unit list. */
export interface UnitSummary {
  offset: number;
  name: string;
  version: number;
  kind: string;
}

/** A DIE in the tree, without its attributes. */
export interface DieNode {
  offset: number;
  tag: string;
  name: string;
  hasChildren: boolean;
}

/** Children of a DIE, a page at a time. */
export interface DieChildren {
  nodes: DieNode[];
  /** Offset to ask for the next page from, or -1 when there are no more. */
  more: number;
}

/** One attribute of a DIE, as text. */
export interface DieAttribute {
  name: string;
  form: string;
  value: string;
  /** The offset of the DIE a reference attribute points to. */
  ref?: number;
}

/** Go build information and pclntab facts. */
export interface GoSummary {
  facts: Fact[];
  /** `go version -m` text. */
  buildInfo: string | null;
  errors: string[];
}

/** The slower facts, and the views they open. */
export interface Details {
  facts: Fact[];
  warnings: string[];
  units: TableInfo | null;
  go: GoSummary | null;
  goTables: TableInfo[];
  bytesRead: number;
}

/** A breakdown the treemap offers, and whether this file has what it needs. */
export interface SizeChoice {
  id: string;
  title: string;
  sources: string[];
  available: boolean;
  reason?: string;
}

/** A node of the size tree (as `@elfkit/size`'s SizeRow: sizes in bytes, children largest first). */
export interface SizeBox {
  label: string;
  vmSize: number;
  fileSize: number;
  othersCount?: number;
  children: readonly SizeBox[];
}

export interface Treemap {
  id: string;
  sources: string[];
  domain: 'file' | 'vm';
  root: SizeBox;
  ms: number;
  errors: string[];
}

/** One frame at an address, innermost first (a call inlined into the next frame, or the function holding the code). */
export interface AddressFrame {
  /** Undefined when nothing names the function (shown as `??`). */
  function?: string;
  /** Undefined when nothing says where the code came from. */
  file?: string;
  /** 0 when unknown. */
  line: number;
  /** 0 when unknown. */
  column: number;
  inlined: boolean;
}

/** The address box's answer for one address. */
export interface AddressAnswer {
  /** What was typed. */
  query: string;
  /** The address as `0x…`; undefined when the text is not an address. */
  address?: string;
  found: boolean;
  /** Where the frames came from. */
  source?: 'dwarf' | 'go' | 'symtab';
  /** The allocated section holding the address, as `.text+0x126`. */
  where?: string;
  /** The symbol-table symbol holding the address, as `main+0x18` (demangled). */
  symbol?: string;
  /** Why there are no frames, in words. */
  reason?: string;
  /** Something the answer lacks, such as names left mangled because the demangler could not be loaded. */
  note?: string;
  frames: AddressFrame[];
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** The methods the worker answers, with their parameters and results. */
export interface WorkerApi {
  open: { params: FileInput; result: Overview };
  /** Facts that need the DWARF or Go readers: asked for after the first view is up. */
  details: { params: Record<string, never>; result: Details };
  table: { params: TableQuery; result: TableWindow };
  dieChildren: { params: { unit: number; die: number; from: number; count: number }; result: DieChildren };
  dieAttributes: { params: { die: number }; result: DieAttribute[] };
  lineTable: { params: { unit: number }; result: TableInfo };
  sizeChoices: { params: Record<string, never>; result: SizeChoice[] };
  treemap: { params: { id: string; domain: 'file' | 'vm'; maxRows: number }; result: Treemap };
  /** Addresses (hex, separated by spaces or commas) to frames with inlined calls: the address box. */
  symbolize: { params: { text: string }; result: AddressAnswer[] };
}

export type Method = keyof WorkerApi;

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  params: WorkerApi[M]['params'];
}

export type Response = { id: number; result: unknown } | { id: number; error: string } | { progress: Progress };
