import type { AddressAnswer, AddressFrame } from '../protocol.js';
import { h, replace } from './dom.js';
import type { WorkerClient } from './worker-client.js';

const SOURCE = { dwarf: 'DWARF', go: 'the Go pclntab', symtab: 'the symbol table' } as const;

/**
 * The address box in the page's header: addresses in, their frames out —
 * innermost first, inlined calls marked — from the symbolizer in the
 * worker. It waits, disabled, until a file is open.
 */
export class AddressView {
  readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly panel: HTMLElement;
  private readonly body: HTMLElement;
  /** Answers of an older request are dropped when a newer one is on its way. */
  private asked = 0;

  constructor(private readonly client: WorkerClient) {
    this.input = h('input', { id: 'address', type: 'text', 'aria-label': 'address to symbolize', spellcheck: 'false', autocomplete: 'off', disabled: true, placeholder: 'Open a file to symbolize addresses' });
    this.body = h('div', { class: 'addr-body' });
    this.panel = h(
      'div',
      { id: 'address-answer', role: 'status', hidden: true },
      h('button', { type: 'button', class: 'addr-close', title: 'Close (Esc)', 'aria-label': 'close', onclick: () => this.close() }, '×'),
      this.body,
    );
    this.form = h('form', { id: 'address-form', role: 'search' }, this.input, this.panel);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.lookup(this.input.value);
    });
    this.input.addEventListener('focus', () => {
      if (this.body.childElementCount) this.panel.hidden = false;
    });
    this.form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') this.close();
    });
    document.addEventListener('click', (ev) => {
      if (!this.form.contains(ev.target as Node)) this.panel.hidden = true;
    });
  }

  /** Ready for a newly opened file (`example`: an address of it for the placeholder, such as its entry point). */
  reset(example?: string): void {
    this.asked++;
    this.close();
    replace(this.body);
    this.input.value = '';
    this.input.disabled = example === undefined;
    this.input.placeholder = example === undefined ? 'Open a file to symbolize addresses' : `Symbolize an address, e.g. ${example}`;
    this.input.title = 'Hex addresses (0x optional), several separated by spaces; Enter looks them up';
  }

  /** Symbolizes the addresses in `text` and shows the answers under the box. */
  async lookup(text: string): Promise<void> {
    const n = ++this.asked;
    this.input.value = text;
    this.panel.hidden = false;
    this.panel.dataset.state = 'busy';
    replace(this.body, h('p', { class: 'muted' }, 'Looking up…'));
    try {
      const answers = await this.client.call('symbolize', { text });
      if (n !== this.asked) return;
      replace(this.body, ...answers.map(answerView));
    } catch (e) {
      if (n !== this.asked) return;
      replace(this.body, h('p', { class: 'error' }, (e as Error).message));
    }
    this.panel.dataset.state = 'done';
  }

  private close(): void {
    this.panel.hidden = true;
  }
}

function answerView(a: AddressAnswer): HTMLElement {
  const facts = [a.where && `in ${a.where}`, a.symbol && `symbol ${a.symbol}`, a.source && `from ${SOURCE[a.source]}`].filter(Boolean).join(' · ');
  return h(
    'section',
    { class: 'addr-answer', 'data-query': a.query, 'data-address': a.address ?? '', 'data-found': String(a.found), 'data-source': a.source ?? '' },
    h('p', { class: 'addr-head' }, h('strong', {}, a.address ?? a.query), facts ? h('span', { class: 'muted' }, ` ${facts}`) : null),
    a.found ? h('ol', { class: 'frames' }, ...a.frames.map(frameView)) : h('p', { class: 'addr-miss' }, `No frames: ${a.reason}.`),
    a.note ? h('p', { class: 'addr-note' }, a.note) : null,
  );
}

function frameView(f: AddressFrame): HTMLElement {
  const loc = f.file === undefined ? '??' : `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}`;
  return h(
    'li',
    { class: f.inlined ? 'frame inlined' : 'frame', 'data-function': f.function ?? '', 'data-file': f.file ?? '', 'data-line': String(f.line), 'data-column': String(f.column), 'data-inlined': String(f.inlined) },
    h('div', { class: 'fn' }, f.function ?? '??', f.inlined ? h('span', { class: 'badge', title: 'the compiler inlined this call into the next frame' }, 'inlined') : null),
    h('div', { class: 'loc', title: loc }, loc),
  );
}
