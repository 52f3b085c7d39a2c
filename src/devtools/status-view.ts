/**
 * The panel's status facts: the widget, its configuration, the token route, how the provider was
 * registered, invocations counted by predicted error, widget errors, the page's findings. Words
 * from the engine (src/analysis/verdict.ts); this module only lays them out.
 */
import {
  countBy,
  jsonPreview,
  type PageView,
  DROP_REASONS,
  invocationCountKey,
  providerStatus,
  widgetKindText,
  authenticationName,
  configSwitches,
} from '../analysis/index.js';
import { h, type Child } from './dom.js';
import { findingItem } from './token-detail.js';
import type { LoadedSession } from './source.js';
import type { DropReason } from '../protocol/hook.js';

type Fact = [string, Child];

/** The facts list (dt/dd pairs), and the page's findings below it. */
export function statusFacts(session: LoadedSession, partial: boolean): HTMLElement[] {
  const page = session.assembly.page;
  const w = page.widget;
  const entries: Fact[] = [
    [
      'Widget',
      w.detected ? `found · ${widgetKindText(w) ?? 'version unknown'}${w.iframe ? ' · in an iframe' : ''}` : 'not seen',
    ],
    ...(w.orgId ? [['Org id', w.orgId] as Fact] : []),
    ...(w.appId ? [['App id', w.appId] as Fact] : []),
    ...(w.orgUrl ? [['Org URL', w.orgUrl] as Fact] : []),
    ...configFacts(page),
    ['Token route', page.route ?? (w.kind === 'custom' ? "the page's own calls, seen on the wire" : 'none seen')],
    // A HAR holds traffic only: how the page handed the token over is not in it.
    ['Provider', session.fromFile ? 'not in a HAR file (it holds the traffic only)' : providerStatus(page)],
    ['Invocations', h('span', { attrs: { id: 'invocation-count' } }, invocationCounts(session, partial))],
    [
      'Widget errors',
      page.widgetErrors.length === 0
        ? 'none'
        : countCodes(page.widgetErrors.map(e => (e.errorCode === null ? 'no code' : String(e.errorCode)))),
    ],
    ...widgetWords(page),
    ...contextFacts(page),
    ...droppedFacts(session.dropped, page.lostEvents),
    ...(session.fromFile ? [['Source', `HAR file ${session.fromFile}`] as Fact] : []),
  ];
  const rows = [...entries.map(([name, value]) => h('div', null, h('dt', null, name), h('dd', null, value)))];
  if (page.findings.length > 0)
    rows.push(
      h(
        'div',
        { class: 'page-findings' },
        h('dt', null, 'Page'),
        h('dd', null, h('ul', { class: 'findings compact' }, ...page.findings.map(findingItem))),
      ),
    );
  return rows;
}

/** What the widget's configuration says, when DevTools saw it load. */
function configFacts(page: PageView): Fact[] {
  const reading = page.config?.reading;
  if (!reading) return [];
  if (!reading.ok) return [['Configuration', 'not readable']];
  const c = reading.config;
  const type = `${authenticationName(c)}${c.authenticationType === 'oauth2' ? ' (no JWT checks)' : ''}`;
  const found =
    page.clientFunctionFound === null
      ? ''
      : page.clientFunctionFound
        ? ' (found on the page)'
        : ' (not found on the page)';
  const fn = c.clientFunction ? `${c.clientFunction}${found}` : null;
  return [
    ['Authentication', [type, ...configSwitches(c)].join(' · ')],
    ...(fn ? [['Client function', fn] as Fact] : []),
    ...(c.publicKeyUrl ? [['Public key URL', c.publicKeyUrl] as Fact] : []),
  ];
}

/**
 * What the widget said itself: its error panes (read in its frame), and where to read the rest. The
 * Console is not read: that would mean wrapping the page's console, which the page can observe.
 */
function widgetWords(page: PageView): Fact[] {
  const panes = [...new Set(page.panes.map(p => `"${p.title}" ${p.text}`))];
  const failed = page.panes.length > 0 || page.widgetErrors.length > 0;
  return [
    ...(panes.length ? [['Widget said', panes.join(' · ')] as Fact] : []),
    ...(failed && page.widget.kind !== 'v1'
      ? [
          [
            'Console',
            'not read by the extension: in the Console, pick the widget frame (chatv2.html) and look for ' +
              '"Authentication Setup Error:" and "Unexpected error while getting token"',
          ] as Fact,
        ]
      : []),
  ];
}

/** setContextProvider, when the page used it: how often the widget called it and what it returned last. */
function contextFacts(page: PageView): Fact[] {
  const context = page.context;
  if (!context) return [];
  const last = context.calls.at(-1);
  const answer = !last
    ? 'not called yet'
    : last.threw
      ? `threw ${last.threw.n}: ${last.threw.m}`
      : `returned ${jsonPreview(last.returned)}`;
  const calls = context.calls.length === 1 ? '1 call' : `${context.calls.length} calls`;
  return [['Context provider', `set · ${calls} · ${answer}`]];
}

/** "2, 3" for a few; "4 ×25" when they repeat. */
function countCodes(codes: string[]): string {
  return countBy(codes)
    .map(([code, n]) => (n === 1 ? code : `${code} ×${n}`))
    .join(', ');
}

/** "12" while judging, then "12 · error 4: 3, ok: 9". */
export function invocationCounts(session: LoadedSession, partial: boolean): string {
  const a = session.assembly;
  if (partial) return `reading ${session.count} recorded events…`;
  if (a.invocationCount === 0) return '0';
  const keys: string[] = [];
  for (let i = 0; i < a.invocationCount; i++) {
    const view = a.judgedInvocation(i);
    if (view) keys.push(invocationCountKey(view));
  }
  if (keys.length < a.invocationCount) return `${a.invocationCount} (judging…)`;
  return `${a.invocationCount} · ${countBy(keys)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ')}`;
}

/** Events the record does not hold, and why: "Dropped" facts, one per reason. */
function droppedFacts(oldest: number, lost: Record<DropReason, number>): Fact[] {
  const facts: Fact[] =
    oldest > 0
      ? [
          [
            'Dropped',
            `${oldest} events from the middle of the record, to stay within its bound (the first and newest are kept)`,
          ],
        ]
      : [];
  for (const why of ['flood', 'unsent'] as const)
    if (lost[why] > 0) facts.push(['Dropped', `${lost[why]} events: ${DROP_REASONS[why]}`]);
  return facts;
}
