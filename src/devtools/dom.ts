/**
 * Building DOM from data without ever parsing HTML: every string becomes a text node or an
 * attribute value set with setAttribute. All of the panel's views are built with `h`, so no
 * page-supplied text can become markup.
 */
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
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Text with `code` spans, as the rule catalog writes it: backticks become <code>, all as text. */
export function prose(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
