import type { Details, Fact, GoSummary, Overview, TableInfo } from '../protocol.js';
import { h, replace } from './dom.js';
import { layoutView } from './layout-view.js';
import { VirtualTable } from './virtual-table.js';
import type { WorkerClient } from './worker-client.js';

/** A definition list of facts; each value is findable by its label (`dd[data-label="Sections"]`). */
export function factList(facts: Fact[]): HTMLElement {
  return h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-label': k }, v)]));
}

/** The header facts, the warnings, and (when the worker has them) the DWARF and Go facts. */
export function overviewView(o: Overview, details: Details | undefined): HTMLElement {
  // Details complete facts of the same label (DWARF: its versions) and add the rest.
  const facts = o.facts.map(([k, v]): Fact => [k, details?.facts.find((f) => f[0] === k)?.[1] ?? v]);
  for (const f of details?.facts ?? []) if (!facts.some((x) => x[0] === f[0])) facts.push(f);
  // A damaged table fails several readers with one message: list it once.
  const warnings: string[] = [];
  for (const w of details ? [...o.warnings, ...details.warnings] : o.warnings) {
    const m = w.slice(w.indexOf(': ') + 2);
    if (!warnings.some((x) => x.endsWith(m))) warnings.push(w);
  }
  return h(
    'div',
    { class: 'overview' },
    factList(facts),
    details ? null : h('p', { class: 'muted', id: 'details-pending' }, 'Reading the DWARF and Go metadata…'),
    warnings.length ? h('div', { class: 'warnings' }, h('h3', {}, 'Problems found'), h('ul', {}, ...warnings.map((w) => h('li', {}, w)))) : null,
  );
}

export function layoutPictures(o: Overview): HTMLElement {
  return h('div', { class: 'layouts' }, ...o.layout.map(layoutView), h('p', { class: 'muted' }, 'Upper lanes: headers and segments (nested segments stack); lower lanes: sections. Everything is to scale; slivers are at least one pixel wide.'));
}

export function tableView(client: WorkerClient, t: TableInfo, placeholder?: string): HTMLElement {
  return new VirtualTable(client, t, undefined, placeholder).element;
}

/** Why there is no `go version -m` text: no build info, or a Go version whose module info cannot be read. */
function noBuildInfo(g: GoSummary): string {
  return g.facts.some(([k]) => k === 'Go version')
    ? 'The module info cannot be read (the problem is below); go version -m prints nothing for this file.'
    : 'No build info (go version -m has nothing to print).';
}

/** Go: build info and pclntab facts, `go version -m`, and the function and file tables. */
export function goView(client: WorkerClient, g: GoSummary, tables: TableInfo[]): HTMLElement {
  const holder = h('div', { class: 'go-table' });
  const tabs = h('div', { class: 'subtabs' });
  const show = (t: TableInfo) => {
    for (const b of tabs.querySelectorAll('button')) b.classList.toggle('active', b.dataset.sub === t.id);
    replace(holder, tableView(client, t, t.id === 'go-funcs' ? 'Search functions by name or entry' : 'Search files'));
  };
  for (const t of tables) tabs.append(h('button', { 'data-sub': t.id, onclick: () => show(t) }, t.id === 'go-funcs' ? `Functions (${t.rows})` : `Files (${t.rows})`));
  if (tables[0]) show(tables[0]);
  return h(
    'div',
    { class: 'go-view' },
    h('div', { class: 'go-top' }, factList(g.facts), g.buildInfo ? h('pre', { class: 'buildinfo' }, g.buildInfo) : h('p', { class: 'muted' }, noBuildInfo(g))),
    g.errors.length ? h('ul', { class: 'warnings' }, ...g.errors.map((e) => h('li', {}, e))) : null,
    tabs,
    holder,
  );
}
