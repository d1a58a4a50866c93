/**
 * The explorer page: opens a dropped, picked or preloaded binary in the
 * parsing worker and shows its views. Nothing is uploaded: a local file is
 * read by the worker slice by slice; a preloaded one (`?file=URL`, as
 * `elfkit explore` serves it) is read with HTTP range requests.
 */
import type { Details, FileInput, Overview, Progress, TableInfo } from '../protocol.js';
import { AddressView } from './address-view.js';
import { dwarfView } from './dwarf-view.js';
import { h, replace } from './dom.js';
import { treemapView } from './treemap-view.js';
import { goView, layoutPictures, overviewView, tableView } from './views.js';
import { WorkerClient } from './worker-client.js';

interface ViewDef {
  id: string;
  title: string;
  make(): HTMLElement;
}

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const main = $('#main');
const nav = $('#nav');
const status = $('#status');
const bar = $<HTMLProgressElement>('#progress');
const picker = $<HTMLInputElement>('#file-input');

const client = new WorkerClient(new URL('worker.js', import.meta.url).href, showProgress);
const address = new AddressView(client);
picker.closest('label')!.after(address.form);
let overview: Overview | undefined;
let details: Details | undefined;
let views: ViewDef[] = [];
let active = 'overview';
const built = new Map<string, HTMLElement>();

/** What the status line says when the worker is idle. */
let idle = '';

function showProgress(p: Progress): void {
  bar.hidden = p.done >= p.total;
  bar.max = p.total;
  // A phase that cannot count its work shows a moving bar.
  if (p.done === 0) bar.removeAttribute('value');
  else bar.value = p.done;
  status.textContent = p.done < p.total ? `${p.phase}…` : idle;
}

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  idle = text;
  status.textContent = text;
  status.className = kind;
}

function tableNamed(id: string): TableInfo | undefined {
  return overview?.tables.find((t) => t.id === id);
}

function viewList(): ViewDef[] {
  const o = overview!;
  const list: ViewDef[] = [
    { id: 'overview', title: 'Overview', make: () => overviewView(o, details) },
    { id: 'layout', title: 'Layout', make: () => layoutPictures(o) },
  ];
  const tab = (id: string, title: string, placeholder?: string) => {
    const t = tableNamed(id);
    if (t) list.push({ id, title: `${title} (${t.rows.toLocaleString('en-US')})`, make: () => tableView(client, t, placeholder) });
  };
  tab('sections', 'Sections', 'Search sections');
  tab('segments', 'Segments', 'Search segments');
  tab('symbols', 'Symbols', 'Search symbols by name or address');
  tab('dynsym', 'Dynamic symbols', 'Search dynamic symbols');
  tab('notes', 'Notes');
  tab('dynamic', 'Dynamic');
  if (o.hasDwarf) list.push({ id: 'dwarf', title: 'DWARF', make: () => (details?.units ? dwarfView(client, details.units) : pending('Reading the DWARF units…')) });
  if (o.hasGo || details?.go) list.push({ id: 'go', title: 'Go', make: () => (details?.go ? goView(client, details.go, details.goTables) : pending(details ? 'No Go metadata found.' : 'Reading the Go metadata…')) });
  list.push({ id: 'size', title: 'Size treemap', make: () => sizeView() });
  return list;
}

/** The treemap, once the worker says which breakdowns this file has. */
function sizeView(): HTMLElement {
  const holder = h('div', { class: 'size-holder' }, pending('Reading the size model…'));
  client
    .call('sizeChoices', {})
    .then((choices) => replace(holder, treemapView(client, choices)))
    .catch((e: Error) => replace(holder, h('p', { class: 'error' }, e.message)));
  return holder;
}

function pending(text: string): HTMLElement {
  return h('p', { class: 'muted' }, text);
}

function renderNav(): void {
  replace(
    nav,
    ...views.map((v) =>
      h('button', { class: v.id === active ? 'active' : '', 'data-view': v.id, onclick: () => show(v.id) }, v.title),
    ),
  );
}

function show(id: string): void {
  if (!views.some((v) => v.id === id)) id = 'overview';
  active = id;
  if (location.hash !== `#${id}`) history.replaceState(null, '', `${location.search}#${id}`);
  renderNav();
  let e = built.get(id);
  if (!e) {
    e = views.find((v) => v.id === id)!.make();
    e.dataset.view = id;
    built.set(id, e);
  }
  replace(main, e);
}

async function open(input: FileInput): Promise<void> {
  client.restart();
  for (const k of ['firstView', 'parseMs', 'bytesRead', 'details', 'detailsBytesRead']) delete document.body.dataset[k];
  document.body.dataset.file = input.name;
  address.reset();
  replace(main, pending(`Opening ${input.name}…`));
  overview = undefined;
  details = undefined;
  built.clear();
  document.body.classList.add('busy');
  setStatus(`Opening ${input.name}…`);
  const t0 = performance.now();
  try {
    overview = await client.call('open', input);
  } catch (e) {
    document.body.classList.remove('busy');
    bar.hidden = true;
    views = [];
    renderNav();
    setStatus((e as Error).message, 'error');
    replace(main, h('div', { class: 'error-box', role: 'alert' }, h('h2', {}, 'Cannot open this file'), h('p', {}, (e as Error).message), h('p', {}, 'Pick or drop another file.')));
    return;
  }
  views = viewList();
  show(location.hash.slice(1) || 'overview');
  const entry = overview.facts.find((f) => f[0] === 'Entry')?.[1];
  address.reset(entry && entry !== '0x0' ? entry : '0x401126');
  const first = performance.now() - t0;
  document.body.dataset.firstView = String(Math.round(first));
  document.body.dataset.parseMs = String(Math.round(overview.parseMs));
  document.body.dataset.bytesRead = String(overview.bytesRead);
  setStatus(`${overview.name}: ${overview.size.toLocaleString('en-US')} bytes, first view in ${Math.round(first)} ms`);
  try {
    details = await client.call('details', {});
  } catch (e) {
    details = { facts: [], warnings: [`DWARF and Go: ${(e as Error).message}`], units: null, go: null, goTables: [], bytesRead: -1 };
  }
  document.body.dataset.detailsBytesRead = String(details.bytesRead);
  document.body.classList.remove('busy');
  bar.hidden = true;
  document.body.dataset.details = 'ready';
  setStatus(`${overview.name}: ${overview.size.toLocaleString('en-US')} bytes, first view in ${Math.round(first)} ms, everything in ${Math.round(performance.now() - t0)} ms`);
  // Views that waited for the details are made again.
  for (const id of ['overview', 'dwarf', 'go']) built.delete(id);
  views = viewList();
  show(active);
}

/**
 * Several files at once: the binary is the first that is not a debug file
 * (`.debug`, `.dwo`, `.dwp`) — or the first, when all are — and the rest
 * go with it to the symbolizer.
 */
function openFiles(list: FileList | null | undefined): void {
  const files = [...(list ?? [])];
  if (files.length === 0) return;
  const binary = files.find((f) => !/\.(debug|dwo|dwp)$/i.test(f.name)) ?? files[0]!;
  const debugFiles = files.filter((f) => f !== binary).map((f) => ({ name: f.name, blob: f as Blob }));
  void open({ kind: 'blob', name: binary.name, blob: binary, debugFiles });
}

picker.addEventListener('change', () => {
  openFiles(picker.files);
  picker.value = '';
});
document.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', (ev) => {
  if (ev.relatedTarget === null) document.body.classList.remove('dragging');
});
document.addEventListener('drop', (ev) => {
  ev.preventDefault();
  document.body.classList.remove('dragging');
  openFiles(ev.dataTransfer?.files);
});
window.addEventListener('hashchange', () => overview && show(location.hash.slice(1)));

const preload = new URLSearchParams(location.search).get('file');
if (preload) {
  const url = new URL(preload, location.href);
  void open({ kind: 'url', name: decodeURIComponent(url.pathname.split('/').pop() || url.href), url: url.href });
}
