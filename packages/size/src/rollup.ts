import type { LabelMaps, Translator } from './map-builder.js';
import type { RangeMap } from './range-map.js';

/**
 * A labelled size: the bytes of the file and of the address space charged
 * to `label`, with a breakdown by the next source when sources are nested.
 * Plain data (numbers and strings), so it crosses a worker boundary as is.
 */
export interface SizeNode {
  readonly label: string;
  readonly vmSize: number;
  readonly fileSize: number;
  /** Sorted by the larger of the two sizes, descending, then by label. */
  readonly children?: readonly SizeNode[];
}

/** Bytes that no label covers (cannot happen once a source ends with its catch-alls). */
export const NO_LABEL = '[None]';

interface Tally {
  vm: number;
  file: number;
  kids?: Map<number, Tally>;
}

/** Sizes by label id of one level (the top level is tallied in arrays, not maps). */
class Totals {
  vm: Float64Array;
  file: Float64Array;
  constructor(n: number) {
    this.vm = new Float64Array(n + 1);
    this.file = new Float64Array(n + 1);
  }
}

/**
 * Tallies the base ranges (every file byte, every loaded address) by the
 * labels `maps[0]`, `maps[1]`, … give them: a tree `maps.length` levels
 * deep under a `TOTAL` root (bloaty's Rollup). Only bytes inside the base
 * count, so ranges a source places outside the image are ignored.
 */
export function rollup(base: Translator, maps: readonly LabelMaps[]): SizeNode {
  const root: Tally = { vm: 0, file: 0, kids: new Map() };
  const path: number[] = new Array(maps.length);
  const top = new Totals(maps.length ? maps[0]!.labels.length : 0);
  const child = (id: number): Tally => {
    let c = root.kids!.get(id);
    if (!c) root.kids!.set(id, (c = { vm: 0, file: 0 }));
    return c;
  };
  const tally = (which: 'vm' | 'file', baseMap: RangeMap, levels: RangeMap[]) => {
    const ptr = new Array<number>(levels.length).fill(0);
    for (let b = 0; b < baseMap.length; b++) {
      let pos = baseMap.starts[b]!;
      const end = baseMap.ends[b]!;
      for (let k = 0; k < levels.length; k++) ptr[k] = levels[k]!.firstEndingAfter(pos);
      while (pos < end) {
        let next = end;
        for (let k = 0; k < levels.length; k++) {
          const m = levels[k]!;
          let i = ptr[k]!;
          while (i < m.length && m.ends[i]! <= pos) i++;
          ptr[k] = i;
          if (i < m.length && m.starts[i]! <= pos) {
            path[k] = m.labels[i]!;
            if (m.ends[i]! < next) next = m.ends[i]!;
          } else {
            path[k] = -1;
            if (i < m.length && m.starts[i]! < next) next = m.starts[i]!;
          }
        }
        const size = next - pos;
        let t = root;
        t[which] += size;
        // Index 0 is "no label" (-1).
        if (levels.length > 0) top[which][path[0]! + 1] += size;
        for (let k = 1; k < levels.length; k++) {
          if (k === 1) t = child(path[0]!);
          const kids = (t.kids ??= new Map());
          let c = kids.get(path[k]!);
          if (!c) kids.set(path[k]!, (c = { vm: 0, file: 0 }));
          c[which] += size;
          t = c;
        }
        pos = next;
      }
    }
  };
  tally(
    'vm',
    base.vm,
    maps.map((m) => m.vm),
  );
  tally(
    'file',
    base.file,
    maps.map((m) => m.file),
  );
  if (maps.length === 1) {
    // One level: the nodes straight from the arrays (no tally object and map entry per label: the symbols of a large binary are 100,000 labels).
    const names = maps[0]!.labels;
    const children: SizeNode[] = [];
    for (let i = 0; i < top.vm.length; i++) {
      if (top.vm[i] === 0 && top.file[i] === 0) continue;
      children.push({ label: i === 0 ? NO_LABEL : names[i - 1]!, vmSize: top.vm[i]!, fileSize: top.file[i]! });
    }
    children.sort(bySize);
    return { label: 'TOTAL', vmSize: root.vm, fileSize: root.file, children };
  }
  if (maps.length > 0) {
    // Fold the top level's arrays into the tree.
    for (let i = 0; i < top.vm.length; i++) {
      if (top.vm[i] === 0 && top.file[i] === 0) continue;
      const c = child(i - 1);
      c.vm = top.vm[i]!;
      c.file = top.file[i]!;
    }
  } else delete root.kids;
  const toNode = (label: string, t: Tally, level: number): SizeNode => {
    if (!t.kids) return { label, vmSize: t.vm, fileSize: t.file };
    const names = maps[level]!.labels;
    const children = [...t.kids].map(([id, c]) => toNode(id < 0 ? NO_LABEL : names[id]!, c, level + 1));
    children.sort(bySize);
    return { label, vmSize: t.vm, fileSize: t.file, children };
  };
  return toNode('TOTAL', root, 0);
}

/** Larger of the two sizes first, then label order. */
export function bySize(a: SizeNode, b: SizeNode): number {
  const ka = Math.max(Math.abs(a.vmSize), Math.abs(a.fileSize));
  const kb = Math.max(Math.abs(b.vmSize), Math.abs(b.fileSize));
  return kb - ka || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}
