import type { TableInfo, TableWindow } from '../protocol.js';
import { h, replace } from './dom.js';
import type { WorkerClient } from './worker-client.js';

const ROW = 22;
const BLOCK = 200;
/** Browsers stop growing an element somewhere above 30 million pixels; longer tables scroll proportionally. */
const MAX_HEIGHT = 15_000_000;

/**
 * A table of any length: the worker filters and sorts, and the page asks it
 * for the 200-row blocks the viewport needs, so only the visible rows exist
 * in the DOM and in the page's memory.
 */
export class VirtualTable {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly count: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly header: HTMLElement;
  private filter = '';
  private sort = -1;
  private descending = false;
  private total: number;
  private generation = 0;
  private blocks = new Map<number, TableWindow | 'loading'>();
  private readonly template: string;
  private selected = -1;

  constructor(
    private readonly client: WorkerClient,
    private readonly info: TableInfo,
    private readonly onRow?: (row: number, cells: string[]) => void,
    placeholder = 'Search',
  ) {
    this.total = info.rows;
    const weights = info.columns.map((c) => c.width);
    this.template = weights.map((w) => `minmax(${Math.round(w * 40)}px, ${w}fr)`).join(' ');
    this.search = h('input', { type: 'search', class: 'vt-search', placeholder, 'aria-label': `search ${info.id}` });
    let timer = 0;
    this.search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = window.setTimeout(() => this.setQuery(this.search.value), 150);
    });
    this.count = h('span', { class: 'vt-count' });
    this.header = h('div', { class: 'vt-row vt-head', style: `grid-template-columns:${this.template}` });
    this.renderHeader();
    this.spacer = h('div', { class: 'vt-spacer' });
    this.body = h('div', { class: 'vt-body' });
    this.scroller = h('div', { class: 'vt-scroll', tabindex: '0' }, this.spacer, this.body);
    this.scroller.addEventListener('scroll', () => this.render());
    new ResizeObserver(() => this.render()).observe(this.scroller);
    this.element = h(
      'div',
      { class: 'vt', 'data-table': info.id },
      h('div', { class: 'vt-tools' }, this.search, this.count),
      info.note ? h('div', { class: 'vt-note' }, info.note) : null,
      h('div', { class: 'vt-frame' }, this.header, this.scroller),
    );
    this.resize();
  }

  private renderHeader(): void {
    replace(
      this.header,
      ...this.info.columns.map((c, i) =>
        h(
          'div',
          { class: `vt-cell ${c.align === 'right' ? 'num' : ''} ${this.sort === i ? 'sorted' : ''}`, title: `sort by ${c.title}`, onclick: () => this.setSort(i) },
          c.title + (this.sort === i ? (this.descending ? ' ▼' : ' ▲') : ''),
        ),
      ),
    );
  }

  private setSort(i: number): void {
    if (this.sort === i) {
      if (this.descending) this.sort = -1;
      this.descending = !this.descending;
    } else {
      this.sort = i;
      this.descending = false;
    }
    this.renderHeader();
    this.reset();
  }

  /** Shows only rows matching `text`. */
  setQuery(text: string): void {
    this.search.value = text;
    this.filter = text;
    this.reset();
  }

  private reset(): void {
    this.generation++;
    this.blocks = new Map();
    this.selected = -1;
    this.scroller.scrollTop = 0;
    this.fetch(0);
  }

  private resize(): void {
    this.spacer.style.height = `${Math.min(this.total * ROW, MAX_HEIGHT)}px`;
    this.count.textContent = this.filter ? `${this.total.toLocaleString('en-US')} of ${this.info.rows.toLocaleString('en-US')} rows` : `${this.info.rows.toLocaleString('en-US')} rows`;
    this.element.dataset.total = String(this.total);
  }

  private fetch(block: number): void {
    if (this.blocks.has(block)) return;
    this.blocks.set(block, 'loading');
    const gen = this.generation;
    this.client
      .call('table', { table: this.info.id, filter: this.filter, sort: this.sort, descending: this.descending, start: block * BLOCK, count: BLOCK })
      .then((w) => {
        if (gen !== this.generation) return;
        this.blocks.set(block, w);
        if (w.total !== this.total) {
          this.total = w.total;
          this.resize();
        }
        this.element.dataset.ready = 'true';
        // Tests wait for the answer to the query they typed.
        this.element.dataset.query = this.filter;
        this.render();
      })
      .catch((e: Error) => {
        if (gen === this.generation) replace(this.body, h('div', { class: 'vt-error' }, e.message));
      });
  }

  /** The first row in view: rows map to pixels one to one, or proportionally past MAX_HEIGHT. */
  private firstRow(): number {
    const view = this.scroller.clientHeight;
    const height = Math.min(this.total * ROW, MAX_HEIGHT);
    if (this.total * ROW <= MAX_HEIGHT) return Math.floor(this.scroller.scrollTop / ROW);
    const frac = this.scroller.scrollTop / Math.max(1, height - view);
    return Math.floor(frac * Math.max(0, this.total - Math.floor(view / ROW)));
  }

  private render(): void {
    const view = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.min(this.firstRow(), this.total - 1));
    const n = Math.ceil(view / ROW) + 2;
    const rows: HTMLElement[] = [];
    for (let i = first; i < Math.min(this.total, first + n); i++) {
      const b = Math.floor(i / BLOCK);
      const w = this.blocks.get(b);
      if (w === undefined) this.fetch(b);
      const cells = w && w !== 'loading' ? w.rows[i - w.start] : undefined;
      const index = w && w !== 'loading' ? w.index[i - w.start]! : -1;
      const row = h(
        'div',
        { class: `vt-row${index === this.selected && index >= 0 ? ' selected' : ''}`, style: `grid-template-columns:${this.template}`, 'data-row': index },
        ...(cells ?? this.info.columns.map(() => '…')).map((c, k) => h('div', { class: `vt-cell ${this.info.columns[k]!.align === 'right' ? 'num' : ''}`, title: c }, c)),
      );
      if (cells && this.onRow) {
        row.classList.add('clickable');
        row.addEventListener('click', () => {
          this.selected = index;
          this.render();
          this.onRow!(index, cells);
        });
      }
      rows.push(row);
    }
    // The body sits where the first row would be, inside the scrolled spacer.
    const top = this.total * ROW <= MAX_HEIGHT ? first * ROW : this.scroller.scrollTop;
    this.body.style.transform = `translateY(${top}px)`;
    replace(this.body, ...rows);
    if (this.total === 0) replace(this.body, h('div', { class: 'vt-empty' }, this.filter ? 'No rows match.' : 'No rows.'));
  }
}
