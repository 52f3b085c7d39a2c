/**
 * Building DOM from data without ever parsing HTML: every string becomes a text node or an
 * attribute value set with setAttribute. All of the panel's views are built with `h`, so no
 * page-supplied text can become markup.
 */
import { visible } from '../analysis/index.js';

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  /** Space-separated class names. */
  class?: string;
  /** Attributes (role, aria-*, id, title, type, ...); `false`/`undefined` leaves one out. */
  attrs?: Record<string, string | number | boolean | undefined>;
  data?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props?.class) node.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, value] of Object.entries(props?.data ?? {})) node.dataset[name] = value;
  for (const [type, listener] of Object.entries(props?.on ?? {}))
    node.addEventListener(type, listener as EventListener);
  append(node, children);
  return node;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    // Every string shown goes through `visible`: page text cannot reorder or hide the panel's own.
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(visible(String(child))));
  }
}

/** Sets an element's text, as `h` would: page text cannot reorder or hide the panel's own. */
export function setText(node: Node, text: string): void {
  node.textContent = visible(text);
}

/** Text with `code` spans, as the rule catalog writes it: backticks become <code>, all as text. */
export function prose(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
}

/**
 * A message with the page's values in it, as the engine quotes them (JSON strings): each quoted
 * value in its own <bdi>, so right-to-left or mixed text in a value cannot reorder the words around it.
 */
export function quoted(text: string): Child[] {
  return text.split(/("(?:[^"\\]|\\.)*")/).map((part, i) => (i % 2 === 1 ? h('bdi', null, part) : part));
}

/** A table head: one row of column headers (a `false` title leaves its column out). */
export function tableHead(...titles: Child[]): HTMLElement {
  const cells = titles.filter(t => t !== false).map(t => h('th', { attrs: { scope: 'col' } }, t));
  return h('thead', null, h('tr', null, ...cells));
}

/** A two-column table of named facts, each name a row header. */
export function factsTable(rows: readonly [string, Child][], label: string): HTMLElement {
  const body = rows.map(([name, value]) =>
    h('tr', null, h('th', { attrs: { scope: 'row' } }, name), h('td', null, value)),
  );
  return h('table', { class: 'facts', attrs: { 'aria-label': label } }, h('tbody', null, ...body));
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Shows `text` in `node` for a few seconds (a notice that something was done). */
export function flash(node: HTMLElement, text: string, ms = 6000): void {
  setText(node, text);
  node.hidden = false;
  window.setTimeout(() => {
    if (node.textContent === text) node.hidden = true;
  }, ms);
}
