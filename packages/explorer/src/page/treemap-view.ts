import { hierarchy, treemap, treemapSquarify, type HierarchyRectangularNode } from 'd3-hierarchy';
import type { SizeBox, SizeChoice, Treemap } from '../protocol.js';
import { h, replace } from './dom.js';
import type { WorkerClient } from './worker-client.js';

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#5c6bc0', '#26a69a', '#ef6c00', '#8e24aa', '#43a047', '#e53935', '#00897b', '#3949ab', '#6d4c41', '#c0ca33', '#d81b60', '#1e88e5'];
/**
 * A box smaller than this share of the whole picture (a few pixels) joins
 * its parent's `[N others]`, as do all past the first MAX_BOXES of a parent.
 */
const MIN_SHARE = 0.0003;
const MAX_BOXES = 1000;

/** A box as drawn: the size node and the children shown inside it. */
interface Shown {
  box: SizeBox;
  kids: Shown[];
}

const fmt = (n: number) => {
  const a = Math.abs(n);
  if (a < 1024) return `${n} B`;
  if (a < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
};

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...kids: (Node | string)[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...kids);
  return e;
}

/** Lighter or darker shade of a `#rrggbb` colour. */
function shade(c: string, f: number): string {
  const n = parseInt(c.slice(1), 16);
  const ch = (v: number) => Math.round(f >= 0 ? v + (255 - v) * f : v * (1 + f));
  return `rgb(${ch(n >> 16)},${ch((n >> 8) & 255)},${ch(n & 255)})`;
}

/**
 * The size treemap: `@elfkit/size`'s tree, computed in the worker, laid
 * out by d3-hierarchy's squarified treemap and drawn as SVG, two levels
 * at a time. Clicking a box zooms into it; the path above goes back.
 * Items too small to see are folded into `[N others]` boxes (the worker
 * sends every row, as `elfkit size -n 0` prints them).
 */
export function treemapView(client: WorkerClient, choices: SizeChoice[]): HTMLElement {
  const usable = choices.filter((c) => c.available);
  const select = h('select', { 'aria-label': 'breakdown' }, ...choices.map((c) => h('option', { value: c.id, disabled: !c.available, title: c.reason ?? '' }, c.title + (c.available ? '' : ` (${c.reason})`))));
  const domain = h('select', { 'aria-label': 'size domain' }, h('option', { value: 'file' }, 'File size'), h('option', { value: 'vm' }, 'VM size'));
  const crumbs = h('div', { class: 'tm-crumbs' });
  const box = h('div', { class: 'tm-box' });
  const caption = h('div', { class: 'tm-caption muted' });
  const element = h('div', { class: 'treemap-view' }, h('div', { class: 'tm-tools' }, select, domain, caption), crumbs, box);
  let data: Treemap | undefined;
  let path: SizeBox[] = [];

  const size = (b: SizeBox) => (data?.domain === 'vm' ? b.vmSize : b.fileSize);

  /** The boxes worth drawing of a sorted list, the rest as one `[N others]` box. */
  const fold = (kids: SizeBox[], total: number): SizeBox[] => {
    kids = [...kids].sort((a, b) => size(b) - size(a));
    const keep = kids.findIndex((k, i) => i >= MAX_BOXES || size(k) < total * MIN_SHARE);
    if (keep < 0 || kids.length - keep < 2) return kids;
    const rest = kids.slice(keep);
    const others: SizeBox = {
      label: `[${rest.length} others]`,
      vmSize: rest.reduce((s, k) => s + k.vmSize, 0),
      fileSize: rest.reduce((s, k) => s + k.fileSize, 0),
      othersCount: rest.length,
      children: [],
    };
    return [...kids.slice(0, keep), others];
  };

  const draw = () => {
    if (!data) return;
    const node = path[path.length - 1]!;
    replace(
      crumbs,
      ...path.flatMap((p, i) => [
        i ? h('span', { class: 'muted' }, ' › ') : null,
        i < path.length - 1 ? h('a', { href: '#', onclick: (ev: Event) => (ev.preventDefault(), (path = path.slice(0, i + 1)), draw()) }, p.label) : h('strong', {}, `${p.label} — ${fmt(size(p))}`),
      ]),
    );
    const width = box.clientWidth || 1000;
    const height = Math.max(360, box.clientHeight || 560);
    // Two levels are drawn: the boxes of this node and what each holds (a box's own
    // breakdown shows when it is zoomed into).
    const positive = (b: SizeBox) => fold(b.children.filter((c) => size(c) > 0), size(node));
    const trimmed: Shown = { box: node, kids: positive(node).map((c) => ({ box: c, kids: positive(c).map((k) => ({ box: k, kids: [] })) })) };
    const root = hierarchy<Shown>(trimmed, (d) => d.kids)
      .sum((d) => (d.kids.length ? 0 : Math.max(0, size(d.box))))
      // Largest first, `[N others]` last (bottom right).
      .sort((a, b) => Number(!!a.data.box.othersCount) - Number(!!b.data.box.othersCount) || (b.value ?? 0) - (a.value ?? 0));
    const laid = treemap<Shown>().tile(treemapSquarify).size([width, height]).paddingOuter(2).paddingTop((n) => (n.depth === 1 ? 18 : 2)).paddingInner(1).round(true)(root);
    const g = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'tm-svg', role: 'img', 'aria-label': `treemap of ${node.label}` });
    const top = laid.children ?? [];
    // Boxes that hold others get a colour each; a level of plain items (a package's
    // functions) shares one colour in alternating shades, so it reads as one thing.
    const flat = top.every((c) => !c.children);
    const base = PALETTE[(path.length - 1) % PALETTE.length]!;
    top.forEach((c, i) => {
      const color = c.data.box.othersCount ? '#9e9e9e' : flat ? shade(base, [0, 0.2, 0.35][i % 3]!) : PALETTE[i % PALETTE.length]!;
      drawBox(g, c, color, true);
      for (const k of c.children ?? []) drawBox(g, k, k.data.box.othersCount ? '#bdbdbd' : shade(color, 0.45), false, c.data.box);
    });
    replace(box, g);
    box.dataset.labels = String(top.length);
  };

  /** Draws one box; a click zooms into it, or (a box with nothing inside) into `parent`. */
  const drawBox = (g: SVGSVGElement, n: HierarchyRectangularNode<Shown>, color: string, group: boolean, parent?: SizeBox) => {
    const w = n.x1 - n.x0;
    const hgt = n.y1 - n.y0;
    if (w < 1 || hgt < 1) return;
    const d = n.data.box;
    const title = `${d.label}\nfile ${fmt(d.fileSize)} (${d.fileSize} bytes), VM ${fmt(d.vmSize)} (${d.vmSize} bytes)${d.othersCount ? `\n${d.othersCount} smaller items` : ''}`;
    const r = svg('rect', { x: n.x0, y: n.y0, width: w, height: hgt, fill: color, stroke: group ? shade(color, -0.3) : 'rgba(255,255,255,0.6)', 'data-label': d.label, 'data-size': size(d) }, svg('title', {}, title));
    const target = d.children.some((c) => size(c) > 0) ? d : parent;
    const zoomable = target !== undefined;
    const zoom = () => {
      path.push(target!);
      draw();
    };
    if (zoomable) {
      r.classList.add('zoomable');
      r.addEventListener('click', zoom);
    }
    g.append(r);
    const text = group ? `${d.label} ${fmt(size(d))}` : d.label;
    if (w > 40 && hgt > 13) {
      const clip = `c${Math.random().toString(36).slice(2)}`;
      g.append(svg('clipPath', { id: clip }, svg('rect', { x: n.x0, y: n.y0, width: w - 3, height: hgt })));
      const t = svg('text', { x: n.x0 + 4, y: n.y0 + 13, 'clip-path': `url(#${clip})`, class: group ? 'tm-group' : 'tm-leaf', fill: group ? '#fff' : '#1d2330' }, text);
      g.append(t);
    }
  };

  const load = async () => {
    caption.textContent = 'Computing sizes in the worker…';
    replace(box, h('p', { class: 'muted' }, 'Computing sizes in the worker…'));
    try {
      data = await client.call('treemap', { id: select.value, domain: domain.value as 'file' | 'vm', maxRows: 0 });
      path = [data.root];
      const total = size(data.root);
      element.dataset.total = String(total);
      element.dataset.source = data.id;
      element.dataset.domain = data.domain;
      caption.textContent = `${data.domain === 'vm' ? 'VM' : 'File'} total ${total.toLocaleString('en-US')} bytes (${fmt(total)}), by ${data.sources.join(' → ')}; computed in ${Math.round(data.ms)} ms. Click a box to zoom in.`;
      draw();
    } catch (e) {
      replace(box, h('p', { class: 'error' }, (e as Error).message));
    }
  };
  select.value = usable.some((c) => c.id === 'go-packages') ? 'go-packages' : (usable[0]?.id ?? 'sections');
  select.addEventListener('change', load);
  domain.addEventListener('change', load);
  new ResizeObserver(() => draw()).observe(box);
  void load();
  return element;
}
