import type { DieNode, TableInfo } from '../protocol.js';
import { h, replace } from './dom.js';
import { VirtualTable } from './virtual-table.js';
import type { WorkerClient } from './worker-client.js';

const PAGE = 300;
const hex = (v: number) => '0x' + v.toString(16);

/**
 * DWARF: the unit list; for the chosen unit its DIE tree, expanded one
 * level at a time as clicked (a DIE's attributes show beside it), and its
 * line table.
 */
export function dwarfView(client: WorkerClient, units: TableInfo): HTMLElement {
  const tree = h('div', { class: 'die-tree', role: 'tree' });
  const attrs = h('div', { class: 'die-attrs' }, h('p', { class: 'muted' }, 'Choose a DIE to see its attributes.'));
  const lines = h('div', { class: 'line-table' });
  const unitTitle = h('h3', {}, 'Choose a unit above.');
  let current = -1;
  const tabs = h('div', { class: 'subtabs' });
  const treePane = h('div', { class: 'die-split' }, tree, attrs);
  const panes = h('div', { class: 'unit-panes' }, treePane);
  const show = (which: 'tree' | 'lines') => {
    for (const b of tabs.querySelectorAll('button')) b.classList.toggle('active', b.dataset.sub === which);
    replace(panes, which === 'tree' ? treePane : lines);
    if (which === 'lines' && current >= 0 && !lines.dataset.unit) loadLines(current);
  };
  tabs.append(h('button', { 'data-sub': 'tree', class: 'active', onclick: () => show('tree') }, 'DIE tree'), h('button', { 'data-sub': 'lines', onclick: () => show('lines') }, 'Line table'));

  const selectDie = async (n: DieNode, row: HTMLElement) => {
    for (const r of tree.querySelectorAll('.die.selected')) r.classList.remove('selected');
    row.classList.add('selected');
    replace(attrs, h('p', { class: 'muted' }, 'Reading…'));
    try {
      const list = await client.call('dieAttributes', { die: n.offset });
      replace(
        attrs,
        h('h4', {}, `${n.tag} at ${hex(n.offset)}`),
        h(
          'table',
          { class: 'attr-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Attribute'), h('th', {}, 'Form'), h('th', {}, 'Value'))),
          h(
            'tbody',
            {},
            ...list.map((a) =>
              h(
                'tr',
                {},
                h('td', {}, a.name),
                h('td', { class: 'muted' }, a.form),
                h('td', {}, a.ref !== undefined ? h('a', { href: '#', onclick: (ev: Event) => (ev.preventDefault(), reveal(a.ref!)) }, a.value) : a.value),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      replace(attrs, h('p', { class: 'error' }, (e as Error).message));
    }
  };

  /** Shows the attributes of a referenced DIE (it may be in a part of the tree not yet expanded). */
  const reveal = (offset: number) => {
    const row = tree.querySelector<HTMLElement>(`.die[data-offset="${offset}"]`);
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
      row.click();
    } else void selectDie({ offset, tag: 'DIE', name: '', hasChildren: false }, h('div'));
  };

  const nodeElement = (n: DieNode): HTMLElement => {
    const kids = h('div', { class: 'die-children', role: 'group', hidden: true });
    const toggle = h('span', { class: 'die-toggle' }, n.hasChildren ? '▸' : '');
    const row = h('div', { class: 'die', role: 'treeitem', 'data-offset': n.offset, 'data-tag': n.tag }, toggle, h('span', { class: 'die-tag' }, n.tag.replace(/^DW_TAG_/, '')), ' ', h('span', { class: 'die-name' }, n.name), h('span', { class: 'die-off' }, hex(n.offset)));
    let loaded = false;
    row.addEventListener('click', () => {
      void selectDie(n, row);
      if (!n.hasChildren) return;
      kids.hidden = !kids.hidden;
      toggle.textContent = kids.hidden ? '▸' : '▾';
      if (!loaded) {
        loaded = true;
        void loadChildren(n.offset, 0, kids);
      }
    });
    return h('div', { class: 'die-node' }, row, kids);
  };

  const loadChildren = async (die: number, from: number, into: HTMLElement) => {
    const wait = h('div', { class: 'muted die-more' }, 'Reading…');
    into.append(wait);
    try {
      const page = await client.call('dieChildren', { unit: current, die, from, count: PAGE });
      wait.remove();
      for (const n of page.nodes) into.append(nodeElement(n));
      if (page.more >= 0) {
        const more = h('button', { class: 'die-more' }, `more children…`);
        more.addEventListener('click', () => {
          more.remove();
          void loadChildren(die, page.more, into);
        });
        into.append(more);
      }
    } catch (e) {
      replace(wait, h('span', { class: 'error' }, (e as Error).message));
    }
  };

  const loadLines = async (unit: number) => {
    lines.dataset.unit = String(unit);
    replace(lines, h('p', { class: 'muted' }, 'Running the line program…'));
    try {
      const info = await client.call('lineTable', { unit });
      if (current !== unit) return;
      replace(lines, new VirtualTable(client, info, undefined, 'Search address, file or file:line').element);
    } catch (e) {
      replace(lines, h('p', { class: 'error' }, (e as Error).message));
    }
  };

  const table = new VirtualTable(client, units, (row, cells) => {
    current = parseInt(cells[0]!, 16);
    unitTitle.textContent = `Unit at ${cells[0]}: ${cells[3] || '(no name)'}`;
    delete lines.dataset.unit;
    replace(lines);
    replace(tree);
    replace(attrs, h('p', { class: 'muted' }, 'Choose a DIE to see its attributes.'));
    void (async () => {
      const root = await client.call('dieChildren', { unit: current, die: current, from: 0, count: 1 });
      for (const n of root.nodes) tree.append(nodeElement(n));
      tree.querySelector<HTMLElement>('.die')?.click();
      if (tabs.querySelector('.active')?.getAttribute('data-sub') === 'lines') void loadLines(current);
    })();
    void row;
  }, 'Search units by name, producer, language');
  table.element.classList.add('units-table');
  return h('div', { class: 'dwarf-view' }, table.element, h('div', { class: 'unit-detail' }, unitTitle, tabs, panes));
}
