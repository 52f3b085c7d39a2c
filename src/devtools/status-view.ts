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
  errorName,
  countName,
  NOT_IN_HAR,
  providerStatus,
  clientFunctionWords,
  viewVerdict,
  invocationLabel,
  type LossReason,
  widgetKindText,
  authenticationName,
  configSwitches,
} from '../analysis/index.js';
import { h, type Child } from './dom.js';
import { findingItem } from './token-detail.js';
import type { LoadedSession } from './source.js';

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
    // A HAR holds traffic only: how the page handed the token over, and what the widget raised, are not in it.
    [
      'Token route',
      session.fromFile
        ? NOT_IN_HAR
        : (page.route ?? (w.kind === 'custom' ? "the page's own calls, seen on the wire" : 'none seen')),
    ],
    ['Provider', session.fromFile ? `${NOT_IN_HAR} (it holds the traffic only)` : providerStatus(page)],
    ['Invocations', h('span', { attrs: { id: 'invocation-count' } }, invocationCounts(session, partial))],
    ...rerunFacts(session),
    ['Widget errors', session.fromFile ? NOT_IN_HAR : widgetErrorsText(page)],
    ...widgetWords(page),
    ...contextFacts(page),
    ...droppedFacts(page.lostEvents),
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
  const fn = c.clientFunction ? clientFunctionWords(c.clientFunction, page.askedFunctions) : null;
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

/** "error 3 (no token was provided)" for one; "error 4 (the token is invalid) ×25" when they repeat. */
function widgetErrorsText(page: PageView): string {
  if (page.widgetErrors.length === 0) return 'none';
  return countBy(page.widgetErrors.map(e => (e.errorCode === null ? 'no code' : errorName(e.errorCode))))
    .map(([code, n]) => (n === 1 ? code : `${code} ×${n}`))
    .join(', ');
}

/** The page's invocations ("Call provider again" aside) in start order. */
function pageIndices(session: LoadedSession): number[] {
  const a = session.assembly;
  const out: number[] = [];
  for (let i = 0; i < a.invocationCount; i++) if (!a.isRerun(i)) out.push(i);
  return out;
}

/** "12" while judging, then "12 · error 4: 3, no error: 9": the page's own, counted as the headline counts them. */
export function invocationCounts(session: LoadedSession, partial: boolean): string {
  const a = session.assembly;
  if (partial) return `reading ${session.count} recorded events…`;
  const own = pageIndices(session);
  if (own.length === 0) return '0';
  const keys: string[] = [];
  for (const i of own) {
    const view = a.judgedInvocation(i);
    if (view) keys.push(invocationCountKey(view));
  }
  if (keys.length < own.length) return `${own.length} (judging…)`;
  return `${own.length} · ${countBy(keys)
    .map(([k, n]) => `${countName(k)}: ${n}`)
    .join(', ')}`;
}

/** The panel's own calls ("Call provider again"): their own result, apart from the page's. */
function rerunFacts(session: LoadedSession): Fact[] {
  const a = session.assembly;
  const reruns: number[] = [];
  for (let i = 0; i < a.invocationCount; i++) if (a.isRerun(i)) reruns.push(i);
  const newest = reruns.at(-1);
  if (newest === undefined) return [];
  const view = a.invocation(newest);
  const label = reruns.length === 1 ? '1 call' : `${reruns.length} calls`;
  return [
    [
      'Called from this panel',
      `${label}, to nobody (not counted above) · newest, ${invocationLabel(view.key)}: ${viewVerdict(view).text}`,
    ],
  ];
}

/** Events the record does not hold, and why: "Dropped" facts, one per reason. */
function droppedFacts(lost: Record<LossReason, number>): Fact[] {
  const facts: Fact[] = [];
  for (const why of ['bounds', 'quota', 'flood', 'unsent'] as const)
    if (lost[why] > 0) facts.push(['Dropped', `${lost[why].toLocaleString('en-US')} events: ${DROP_REASONS[why]}`]);
  return facts;
}
