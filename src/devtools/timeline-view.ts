/**
 * The timeline's rows and the detail of an entry that is not an invocation: what the panel shows
 * of each recorded fact, one fixed-height row each (the virtual list builds only those in view).
 */
import { type TimelineEntry, invocationBadge } from '../analysis/index.js';
import { factsTable, h, type Child } from './dom.js';
import type { LoadedSession } from './source.js';
import { clockTime, localTime, utcTime } from './time.js';

/** A row: an entry of a page session, or the line that marks a navigation between two. */
export type Row =
  { session: LoadedSession; entry: TimelineEntry; index: number } | { session: LoadedSession; navigation: true };

export const KIND_LABELS: Record<TimelineEntry['kind'], string> = {
  reg: 'Register',
  inv: 'Invoke',
  cb: 'Callback',
  end: 'Return',
  rej: 'Reject',
  timeout: 'Timeout',
  evt: 'Event',
  req: 'Ask',
  widget: 'Widget',
  cfg: 'Config',
  auth: 'Auth',
  wire: 'Wire',
  again: 'Again',
  drop: 'Dropped',
  got: 'Received',
  pane: 'Pane',
};

export function renderRow(row: Row): HTMLElement {
  if (!('entry' in row))
    return h(
      'div',
      { class: 'row navigation' },
      h('span', { class: 'time' }, clockTime(row.session.startedAt)),
      h('span', { class: 'text' }, `Navigated to ${row.session.url || 'a new page'}`),
    );
  const { entry, session } = row;
  let badge: Child = null;
  let tone = '';
  if (entry.kind === 'inv' && entry.invocation) {
    const index = session.assembly.indexOf(entry.invocation);
    const view = index >= 0 ? session.assembly.invocation(index) : undefined;
    if (view) {
      const shown = invocationBadge(view);
      tone = shown.tone;
      badge = h('span', { class: `badge ${tone}` }, shown.label);
    }
  } else if (entry.widgetError) {
    tone = 'error';
  }
  return h(
    'div',
    { class: `row kind-${entry.kind} ${tone}` },
    h('span', { class: 'time' }, clockTime(entry.at)),
    h('span', { class: 'kind' }, KIND_LABELS[entry.kind]),
    h('span', { class: 'text' }, entry.text),
    badge,
  );
}

/** A navigation row's detail. */
export function navigationDetail(session: LoadedSession): HTMLElement {
  return h(
    'article',
    { class: 'detail' },
    h('h2', null, 'Navigation'),
    h('p', null, `${localTime(session.startedAt)}: ${session.url}`),
  );
}

/** What an lcw:* event proves: the widget's host script raises them, and so can any script on the page. */
const PAGE_WORD =
  "The page's word: raised on window by a page script (the widget's host script re-dispatches its " +
  "iframe's messages, and any other script can raise the same event). Evidence, not proof.";

/** The detail of an entry that is not an invocation: what, when, in which frame. */
export function entryDetail(entry: TimelineEntry, session: LoadedSession): HTMLElement {
  return h(
    'article',
    { class: 'detail', attrs: { 'aria-label': 'Timeline entry' } },
    h('h2', null, KIND_LABELS[entry.kind]),
    h('p', { class: 'entry-text' }, entry.text),
    factsTable(
      [
        ['When', `${localTime(entry.at)} (${utcTime(entry.at)})`],
        ['Frame', session.frames[String(entry.frame)] ?? `frame ${entry.frame}`],
        ...(entry.kind === 'evt' ? [['Source', PAGE_WORD] as [string, string]] : []),
      ],
      'Entry facts',
    ),
  );
}
