/**
 * The "Context variables" view: the work stream's variables for the inspected site's origin,
 * edited one by one or pasted as a list, saved to storage.local as they change.
 */
import { h, byId, setText, tableHead } from './dom.js';
import { loadVariables, saveVariables } from './settings.js';
import {
  parseContextVariableList,
  parseContextVariables,
  ContextVariablesError,
  type ContextVariable,
} from '../analysis/index.js';

export class VariablesView {
  private origin: string | null = null;
  private drawn = false;
  private rows: ContextVariable[] = [];
  /** The last save's outcome, kept across re-renders (a save re-renders through storage.onChanged). */
  private message: { text: string; problem: boolean } | null = null;

  constructor(private readonly root: HTMLElement) {}

  /** Shows the variables of `origin` (reloaded when it changes or when told to). */
  async show(origin: string | null, { reload = false } = {}): Promise<void> {
    // Drawn once at least, even with no page to speak of (else the tab stays blank).
    if (origin === this.origin && !reload && this.drawn) return;
    if (origin !== this.origin) this.message = null;
    const sameOrigin = origin === this.origin && this.drawn;
    this.drawn = true;
    this.origin = origin;
    const stored = (await loadVariables(origin)) ?? [];
    // Our own save coming back through storage.onChanged: keep the rows (and the focus) as they are.
    if (sameOrigin && JSON.stringify(stored) === JSON.stringify(this.rows.filter(r => r.name !== ''))) return;
    this.rows = [...stored];
    this.render();
  }

  private render() {
    const origin = this.origin;
    if (!origin) {
      this.root.replaceChildren(
        h(
          'p',
          { class: 'empty' },
          'Context variables are kept per site, and nothing is recorded for this tab yet: once the page (http or ' +
            'https) is recorded, its variables can be entered here. To check a token against a list now, use ' +
            'Paste a token.',
        ),
      );
      return;
    }
    const list = h('tbody', null, ...this.rows.map((row, index) => this.row(row, index)));
    const paste = h('textarea', {
      attrs: {
        id: 'variables-paste',
        rows: 5,
        'aria-label': 'Paste a list of context variables',
        placeholder: 'msdyn_cartvalue\tNumber\nmsdyn_isvip\tText',
      },
    });
    this.root.replaceChildren(
      h(
        'p',
        null,
        "The work stream's context variables for ",
        h('b', { data: { origin: '' } }, origin),
        '. Every analysis of this site compares lwicontexts with them; without any, names are not ' +
          "checked. Kept in this browser's extension settings, never with tokens.",
      ),
      h(
        'table',
        { class: 'grid variables', attrs: { 'aria-label': 'Context variables' } },
        tableHead('Name', 'Type', h('span', { class: 'visually-hidden' }, 'Actions')),
        list,
      ),
      h(
        'p',
        null,
        h(
          'button',
          {
            attrs: { type: 'button', id: 'variables-add' },
            on: {
              click: () => {
                this.rows.push({ name: '', type: 'text' });
                this.render();
                this.focusLast();
              },
            },
          },
          'Add variable',
        ),
      ),
      h('h3', null, 'Paste a list'),
      h(
        'p',
        { class: 'hint' },
        'One per line: a name, then Text or Number (tab, comma or space between), as copied from the work ' +
          'stream; or a JSON array.',
      ),
      paste,
      h(
        'p',
        null,
        h(
          'button',
          {
            attrs: { type: 'button', id: 'variables-replace' },
            on: {
              click: () => {
                void this.replace(paste.value);
              },
            },
          },
          'Replace the list with these',
        ),
      ),
      h(
        'p',
        {
          attrs: { id: 'variables-status', role: this.message?.problem ? 'alert' : 'status', 'aria-live': 'polite' },
          class: this.message?.problem ? 'problem' : '',
        },
        this.message?.text,
      ),
    );
  }

  private row(row: ContextVariable, index: number): HTMLElement {
    const name = h('input', {
      attrs: { type: 'text', value: row.name, 'aria-label': `Name of variable ${index + 1}`, spellcheck: 'false' },
    });
    name.addEventListener('change', () => {
      this.rows[index] = { ...this.rows[index]!, name: name.value.trim() };
      void this.save();
    });
    const type = h(
      'select',
      { attrs: { 'aria-label': `Type of variable ${index + 1}` } },
      h('option', { attrs: { value: 'text', selected: row.type === 'text' } }, 'Text'),
      h('option', { attrs: { value: 'number', selected: row.type === 'number' } }, 'Number'),
    );
    type.addEventListener('change', () => {
      this.rows[index] = { ...this.rows[index]!, type: type.value as ContextVariable['type'] };
      void this.save();
    });
    const remove = h(
      'button',
      {
        attrs: {
          type: 'button',
          'aria-label': `Remove variable ${index + 1}${row.name ? ` (${row.name})` : ''}`,
          title: 'Remove',
        },
        on: {
          click: () => {
            this.rows.splice(index, 1);
            this.render();
            void this.save();
          },
        },
      },
      '✕',
    );
    return h('tr', null, h('td', null, name), h('td', null, type), h('td', null, remove));
  }

  private focusLast() {
    this.root.querySelector<HTMLInputElement>('tbody tr:last-child input')?.focus();
  }

  private async replace(text: string) {
    try {
      this.rows = parseContextVariableList(text);
    } catch (error) {
      this.say(error instanceof ContextVariablesError ? error.message : String(error), true);
      return;
    }
    this.render();
    await this.save();
  }

  private async save() {
    if (!this.origin) return;
    const named = this.rows.filter(r => r.name !== '');
    let checked: ContextVariable[];
    try {
      checked = parseContextVariables(named);
    } catch (error) {
      this.say(`Not saved: ${(error as Error).message}`, true);
      return;
    }
    await saveVariables(this.origin, checked);
    this.say(`Saved ${checked.length} variable${checked.length === 1 ? '' : 's'} for ${this.origin}.`, false);
  }

  private say(text: string, problem: boolean) {
    this.message = { text, problem };
    const status = byId('variables-status');
    setText(status, text);
    status.className = problem ? 'problem' : '';
    status.setAttribute('role', problem ? 'alert' : 'status');
  }
}
