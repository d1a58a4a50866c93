import type { LayoutBar, LayoutPicture } from '../protocol.js';
import { h } from './dom.js';

const LANE = 26;
const AXIS = 22;
/** Room on the left for the lane names. */
const GUTTER = 70;
const COLORS: Record<LayoutBar['kind'], string[]> = {
  header: ['#8d6e63'],
  segment: ['#5c6bc0', '#7e57c2', '#26a69a', '#42a5f5', '#ab47bc'],
  section: ['#ef9a9a', '#ffcc80', '#fff59d', '#c5e1a5', '#80deea', '#b39ddb', '#f48fb1', '#a5d6a7', '#90caf9', '#ffab91'],
  gap: ['#eeeeee'],
};

function colorOf(b: LayoutBar): string {
  const list = COLORS[b.kind];
  let hash = 0;
  for (let i = 0; i < b.label.length; i++) hash = (hash * 31 + b.label.charCodeAt(i)) | 0;
  return list[Math.abs(hash) % list.length]!;
}

const hex = (v: number) => '0x' + Math.round(v).toString(16);

/**
 * One to-scale picture: segments and sections as bars over file offsets or
 * addresses. The wheel zooms about the pointer, dragging pans, a double
 * click shows everything again; hovering names a bar.
 */
export function layoutView(p: LayoutPicture): HTMLElement {
  const lanes = Math.max(1, ...p.bars.map((b) => b.lane + 1));
  const canvas = h('canvas', { class: 'layout-canvas', 'data-space': p.space });
  const tip = h('div', { class: 'layout-tip', hidden: true });
  const base = BigInt(p.base);
  const title =
    p.space === 'file'
      ? `File layout: ${p.extent.toLocaleString('en-US')} bytes, by file offset`
      : `Address space: ${hex(Number(base))}–0x${(base + BigInt(p.extent)).toString(16)} (${p.extent.toLocaleString('en-US')} bytes), by virtual address`;
  const wrap = h('figure', { class: 'layout' }, h('figcaption', {}, title, h('span', { class: 'hint' }, ' — wheel to zoom, drag to pan, double-click to reset')), h('div', { class: 'layout-box' }, canvas, tip));
  let lo = 0;
  let hi = Math.max(1, p.extent);
  const height = lanes * LANE + AXIS;

  const draw = () => {
    const dpr = window.devicePixelRatio || 1;
    const full = canvas.clientWidth || 800;
    const width = full - GUTTER;
    canvas.width = Math.round(full * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
    const g = canvas.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, full, height);
    // Lane names in the gutter: the first lane of each group.
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#6b7280';
    g.textBaseline = 'middle';
    p.lanes.forEach((name, i) => {
      if (i === 0 || p.lanes[i - 1] !== name) g.fillText(name, 4, i * LANE + LANE / 2);
    });
    g.translate(GUTTER, 0);
    g.fillStyle = '#fafafa';
    g.fillRect(0, 0, width, lanes * LANE);
    const x = (v: number) => ((v - lo) / (hi - lo)) * width;
    for (const b of p.bars) {
      if (b.end < lo || b.start > hi) continue;
      const x0 = Math.max(0, x(b.start));
      const x1 = Math.min(width, x(b.end));
      const w = Math.max(1, x1 - x0);
      const y = b.lane * LANE + 2;
      g.fillStyle = colorOf(b);
      g.fillRect(x0, y, w, LANE - 4);
      if (w > 6) {
        g.strokeStyle = 'rgba(0,0,0,0.25)';
        g.strokeRect(x0 + 0.5, y + 0.5, w - 1, LANE - 5);
      }
      const label = b.label;
      if (w > 24) {
        g.save();
        g.beginPath();
        g.rect(x0 + 2, y, w - 4, LANE - 4);
        g.clip();
        g.fillStyle = b.kind === 'segment' || b.kind === 'header' ? '#fff' : '#222';
        g.fillText(label, x0 + 4, y + (LANE - 4) / 2);
        g.restore();
      }
    }
    // The axis: five ticks with offsets (or addresses).
    g.fillStyle = '#555';
    g.strokeStyle = '#999';
    g.textBaseline = 'top';
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      const px = Math.min(width - 1, Math.max(0, (i / 4) * width));
      g.beginPath();
      g.moveTo(px + 0.5, lanes * LANE);
      g.lineTo(px + 0.5, lanes * LANE + 5);
      g.stroke();
      const text = p.space === 'file' ? hex(v) : '0x' + (base + BigInt(Math.round(v))).toString(16);
      const tw = g.measureText(text).width;
      g.fillText(text, Math.min(width - tw, Math.max(0, px - tw / 2)), lanes * LANE + 7);
    }
  };

  const valueAt = (clientX: number) => {
    const r = canvas.getBoundingClientRect();
    return lo + ((clientX - r.left - GUTTER) / (r.width - GUTTER)) * (hi - lo);
  };
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const at = valueAt(ev.clientX);
    const f = ev.deltaY < 0 ? 0.8 : 1.25;
    const span = Math.max(16, Math.min(p.extent, (hi - lo) * f));
    lo = Math.max(0, at - (at - lo) * (span / (hi - lo)));
    hi = Math.min(p.extent, lo + span);
    lo = Math.max(0, hi - span);
    draw();
  });
  let drag: { x: number; lo: number; hi: number } | undefined;
  canvas.addEventListener('mousedown', (ev) => (drag = { x: ev.clientX, lo, hi }));
  window.addEventListener('mouseup', () => (drag = undefined));
  canvas.addEventListener('dblclick', () => {
    lo = 0;
    hi = Math.max(1, p.extent);
    draw();
  });
  canvas.addEventListener('mousemove', (ev) => {
    const r = canvas.getBoundingClientRect();
    if (drag) {
      const d = ((ev.clientX - drag.x) / (r.width - GUTTER)) * (drag.hi - drag.lo);
      const span = drag.hi - drag.lo;
      lo = Math.max(0, Math.min(p.extent - span, drag.lo - d));
      hi = lo + span;
      draw();
      return;
    }
    const v = valueAt(ev.clientX);
    const lane = Math.floor((ev.clientY - r.top) / LANE);
    const slack = ((hi - lo) / (r.width - GUTTER)) * 2;
    const bar = p.bars.find((b) => b.lane === lane && v >= b.start - slack && v < b.end + slack);
    if (!bar) {
      tip.hidden = true;
      return;
    }
    tip.hidden = false;
    tip.textContent = bar.detail;
    tip.style.left = `${Math.min(r.width - 260, Math.max(0, ev.clientX - r.left + 12))}px`;
    tip.style.top = `${ev.clientY - r.top + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  new ResizeObserver(draw).observe(canvas);
  return wrap;
}
