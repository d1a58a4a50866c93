import type { SizeNode } from './rollup.js';

/** Which size orders rows: bloaty's `-s vm|file|both` (both: the larger of the two). */
export type SortBy = 'vm' | 'file' | 'both';

/** How {@link sizeRows} shapes a tree for display. */
export interface RowOptions {
  /** Rows kept per level before the rest collapse into `[N Others]`; 0 keeps all (default 20). */
  maxRows?: number;
  sortBy?: SortBy;
}

/**
 * A display row: sizes (deltas in a diff), the percentage of the parent
 * (in a diff: the change against the same label in the old file, NaN for
 * 0/0, ±Infinity for a new label), and the rows below it.
 */
export interface SizeRow {
  readonly label: string;
  readonly vmSize: number;
  readonly fileSize: number;
  readonly vmPercent: number;
  readonly filePercent: number;
  /** For `[N Others]`: how many rows it stands for. */
  readonly othersCount?: number;
  /** In a diff: the sizes in the old file. */
  readonly oldVmSize?: number;
  readonly oldFileSize?: number;
  readonly children: readonly SizeRow[];
}

/** A node of a diff: sizes are new − old; `old*` are the old sizes. */
export interface DiffNode extends SizeNode {
  readonly oldVmSize: number;
  readonly oldFileSize: number;
  readonly children?: readonly DiffNode[];
}

function percent(part: number, whole: number): number {
  if (whole === 0) return part === 0 ? NaN : part > 0 ? Infinity : -Infinity;
  return (part / whole) * 100;
}

function magnitude(n: SizeNode, by: SortBy): number {
  return by === 'vm' ? Math.abs(n.vmSize) : by === 'file' ? Math.abs(n.fileSize) : Math.max(Math.abs(n.vmSize), Math.abs(n.fileSize));
}

function signed(n: SizeNode, by: SortBy): number {
  if (by === 'vm') return n.vmSize;
  if (by === 'file') return n.fileSize;
  return Math.abs(n.vmSize) > Math.abs(n.fileSize) ? n.vmSize : n.fileSize;
}

function compare(key: (n: SizeNode) => number) {
  return (a: SizeNode, b: SizeNode) => key(b) - key(a) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * The rows bloaty prints for a tree: children sorted by size, all but the
 * largest `maxRows` collapsed into `[N Others]`, a lone `[None]` or
 * `[Unmapped]` child (below the top) or a lone child named as its parent
 * dropped. For a {@link DiffNode} tree percentages compare with the old
 * sizes; otherwise with the parent.
 */
export function sizeRows(root: SizeNode, options: RowOptions = {}): SizeRow {
  const max = options.maxRows === undefined ? 20 : options.maxRows <= 0 ? Infinity : options.maxRows;
  const by = options.sortBy ?? 'both';
  const isDiff = 'oldVmSize' in root;
  const build = (node: SizeNode, vmPercent: number, filePercent: number, top: boolean, othersCount?: number): SizeRow => {
    let kids = (node.children ?? []).filter((c) => c.vmSize !== 0 || c.fileSize !== 0);
    if (!top && kids.length === 1 && (kids[0]!.label === '[None]' || kids[0]!.label === '[Unmapped]')) kids = [];
    if (kids.length === 1 && kids[0]!.label === node.label) kids = [];
    kids.sort(compare((n) => magnitude(n, by)));
    if (kids.length > max) {
      const rest = kids.slice(max);
      kids = kids.slice(0, max);
      const sum = (f: (n: SizeNode) => number) => rest.reduce((s, n) => s + f(n), 0);
      const others = {
        label: `[${rest.length} Others]`,
        vmSize: sum((n) => n.vmSize),
        fileSize: sum((n) => n.fileSize),
        ...(isDiff ? { oldVmSize: sum((n) => (n as DiffNode).oldVmSize), oldFileSize: sum((n) => (n as DiffNode).oldFileSize) } : {}),
      };
      if (others.vmSize !== 0 || others.fileSize !== 0) kids.push({ ...others, othersCount: rest.length } as SizeNode);
    }
    kids.sort(compare((n) => signed(n, by)));
    const children = kids.map((c) => {
      const oc = (c as { othersCount?: number }).othersCount;
      const vp = isDiff ? percent(c.vmSize, (c as DiffNode).oldVmSize) : percent(c.vmSize, node.vmSize);
      const fp = isDiff ? percent(c.fileSize, (c as DiffNode).oldFileSize) : percent(c.fileSize, node.fileSize);
      return build(oc ? ({ label: c.label, vmSize: c.vmSize, fileSize: c.fileSize, ...(isDiff ? { oldVmSize: (c as DiffNode).oldVmSize, oldFileSize: (c as DiffNode).oldFileSize } : {}) } as SizeNode) : c, vp, fp, false, oc);
    });
    const old = isDiff ? { oldVmSize: (node as DiffNode).oldVmSize, oldFileSize: (node as DiffNode).oldFileSize } : {};
    return { label: node.label, vmSize: node.vmSize, fileSize: node.fileSize, vmPercent, filePercent, ...old, ...(othersCount ? { othersCount } : {}), children };
  };
  const d = root as DiffNode;
  return build(root, isDiff ? percent(d.vmSize, d.oldVmSize) : 100, isDiff ? percent(d.fileSize, d.oldFileSize) : 100, true);
}

/**
 * The difference `current − old`, label by label at every level (bloaty's
 * `NEW -- OLD`): sizes are deltas, with the old sizes kept for the
 * percentages. Labels whose sizes did not change are dropped, so the diff
 * of a file against itself has no children.
 */
export function diffTrees(current: SizeNode, old: SizeNode): DiffNode {
  const empty: SizeNode = { label: '', vmSize: 0, fileSize: 0 };
  const walk = (c: SizeNode, o: SizeNode): DiffNode => {
    const byLabel = new Map<string, [SizeNode | undefined, SizeNode | undefined]>();
    for (const k of c.children ?? []) byLabel.set(k.label, [k, undefined]);
    for (const k of o.children ?? []) {
      const e = byLabel.get(k.label);
      if (e) e[1] = k;
      else byLabel.set(k.label, [undefined, k]);
    }
    const children: DiffNode[] = [];
    for (const [label, [a, b]] of byLabel) {
      const n = walk(a ?? { ...empty, label }, b ?? { ...empty, label });
      if (n.vmSize !== 0 || n.fileSize !== 0) children.push(n);
    }
    children.sort(compare((n) => Math.max(Math.abs(n.vmSize), Math.abs(n.fileSize))));
    return {
      label: c.label || o.label,
      vmSize: c.vmSize - o.vmSize,
      fileSize: c.fileSize - o.fileSize,
      oldVmSize: o.vmSize,
      oldFileSize: o.fileSize,
      ...(children.length ? { children } : {}),
    };
  };
  return walk(current, old);
}
