/**
 * The detail views: one invocation (what the provider did, and its token), and a token alone
 * (the paste view). Both show the same token sections. Everything here is built with `h`.
 */
import { factsTable, h, prose, quoted, tableHead, type Child } from './dom.js';
import { localTime, utcTime, relativeTime, shortDuration } from './time.js';
import {
  RULES,
  bySeverity,
  type Finding,
  type TokenAnalysis,
  describeHanded,
  OUTCOME_WORDS,
  tokenVerdict,
  viewVerdict,
  type Verdict,
  type AuthCallView,
  type InvocationView,
  type WidgetErrorView,
  valueText,
} from '../analysis/index.js';
import { isCutString } from '../protocol/hook.js';
import { CALLBACK_LIMIT_MS } from '../protocol/limits.js';
import { verifySection, type VerifyContext } from './verify.js';

/** What the "Verify signature" section needs beyond the token: where to look for the key. */
export type VerifySettings = Omit<VerifyContext, 'raw' | 'now'>;

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

export function invocationDetail(
  invocation: InvocationView,
  widgetErrors: readonly WidgetErrorView[],
  calls: readonly AuthCallView[],
  frameUrl: string | undefined,
  nowMs: number,
  verify: VerifySettings,
): HTMLElement {
  const title =
    invocation.route === 'clientFunction'
      ? `Client function ${invocation.functionName ?? ''}`
      : invocation.route === 'wire'
        ? 'token seen on the wire (no provider call recorded)'
        : `${invocation.route} provider`;
  const raised = widgetErrors.filter(e => e.errorCode !== null);
  return h(
    'article',
    { class: 'detail', attrs: { 'aria-label': `Invocation ${invocation.key}` } },
    h(
      'h2',
      null,
      `Invocation #${invocation.key.split(':')[1]} · ${title}` +
        (invocation.rerun ? ' · called again from this panel' : ''),
    ),
    verdictLine(viewVerdict(invocation)),
    facts(
      [
        ...(invocation.route === 'wire' ? wireFacts(invocation, nowMs) : providerFacts(invocation, nowMs)),
        ['Predicted error', invocation.errorCode === null ? 'none' : `error ${invocation.errorCode}`],
        [
          'Service answered',
          calls.length === 0 ? 'no /auth/ call seen with this token' : calls.map(serviceAnswer).join('; '),
        ],
        [
          'Widget raised',
          raised.length === 0
            ? widgetErrors.length
              ? widgetErrors.map(e => e.description).join('; ')
              : 'no lcw:error'
            : raised.map(e => `error ${e.errorCode} (${e.description})`).join('; '),
        ],
        ...(invocation.route === 'wire' ? [] : [['Frame', frameUrl ?? `frame ${invocation.frame}`] as Fact]),
      ],
      'Invocation facts',
    ),
    ...findingsSection(invocation.findings),
    ...(invocation.analysis
      ? tokenSections(invocation.analysis, nowMs, {
          ...verify,
          raw: invocation.callbacks[0]?.value,
          now: invocation.analysis.times.now,
        })
      : []),
  );
}

type Fact = [string, Child];

/** A token seen only on the wire: when it went, and that no provider call was seen (no timing to show). */
function wireFacts(invocation: InvocationView, nowMs: number): Fact[] {
  return [
    ['Sent', `${localTime(invocation.startedAt)} (${relativeTime(invocation.startedAt, nowMs)})`],
    [
      'Provider',
      "not seen: the token went out in an AuthenticatedUserToken header (a custom widget's getAuthToken, or a " +
        'provider called before the extension was loaded)',
    ],
  ];
}

/** What the page's provider did, and what the widget's frame received. */
function providerFacts(invocation: InvocationView, nowMs: number): Fact[] {
  return [
    ['Outcome', OUTCOME_WORDS[invocation.outcome]],
    ...(invocation.rerun
      ? [
          [
            'Called by',
            'this panel ("Call provider again"): what the provider handed over went to nobody, not to the widget',
          ] as [string, Child],
        ]
      : []),
    ['Invoked', `${localTime(invocation.startedAt)} (${relativeTime(invocation.startedAt, nowMs)})`],
    ['Time to token', invocation.msToToken === null ? 'no callback' : timeToToken(invocation.msToToken)],
    [
      'Callback',
      invocation.callbackCount > 0
        ? `${invocation.callbackAsync ? 'asynchronous (after' : 'synchronous (before'} the provider returned), ` +
          times(invocation.callbackCount)
        : 'never called',
    ],
    // A second argument of the callback: Power Pages says why no token came ("Login Required").
    ...(invocation.callbacks[0]?.reason !== undefined
      ? [['Reason given', JSON.stringify(invocation.callbacks[0].reason)] as [string, Child]]
      : []),
    ...(invocation.threw ? [['Threw', `${invocation.threw.n}: ${invocation.threw.m}`] as [string, Child]] : []),
    ...(invocation.rejected
      ? [['Rejected with', `${invocation.rejected.n}: ${invocation.rejected.m}`] as [string, Child]]
      : []),
    ['Widget received', receivedText(invocation)],
  ];
}

/** The paste view's result: the same sections for a token alone. */
export function tokenDetail(analysis: TokenAnalysis, raw: string, nowMs: number, verify: VerifySettings): HTMLElement {
  return h(
    'article',
    { class: 'detail', attrs: { 'aria-label': 'Token analysis' } },
    verdictLine(tokenVerdict(analysis)),
    ...findingsSection(analysis.findings),
    ...tokenSections(analysis, nowMs, { ...verify, raw, now: analysis.times.now }),
  );
}

const verdictLine = ({ text, tone }: Verdict) => h('p', { class: `verdict ${tone}`, data: { verdict: '' } }, text);

function timeToToken(ms: number): HTMLElement {
  return h(
    'span',
    null,
    `${shortDuration(ms)} of the ${CALLBACK_LIMIT_MS / 1000} s limit `,
    h('meter', {
      attrs: {
        min: 0,
        max: CALLBACK_LIMIT_MS,
        high: CALLBACK_LIMIT_MS * 0.5,
        value: Math.min(ms, CALLBACK_LIMIT_MS),
        'aria-label': 'Time to token against the 10 second limit',
      },
    }),
  );
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

const facts = factsTable;

const WITNESS: Record<AuthCallView['seenBy'], string> = {
  wire: 'seen on the wire',
  devtools: 'seen by DevTools',
  both: 'seen on the wire and by DevTools',
};

const serviceAnswer = (c: AuthCallView) =>
  `${c.endpoint} ${c.status || 'no answer'}${c.message ? ` "${c.message}"` : ''} (${WITNESS[c.seenBy]})`;

/** What the widget's frame was seen to receive for this invocation: observed, not predicted. */
function receivedText(invocation: InvocationView): string {
  const got = invocation.received;
  if (!got) {
    return invocation.route === 'wire'
      ? 'not seen (no provider call was recorded for this token)'
      : "no token message seen in the widget's frame for this call";
  }
  const v = got.value;
  const aToken = (typeof v === 'string' && v.trim() !== '') || isCutString(v);
  const value = !aToken
    ? v === undefined
      ? 'undefined (nothing)'
      : describeHanded(v)
    : !got.tokenOf || got.tokenOf === invocation.key
      ? "this invocation's token"
      : `the token of invocation #${got.tokenOf.split(':')[1]} (an earlier one), not this one's`;
  return `${value}, in its ${got.via} message at ${localTime(got.at)}`;
}

function section(title: string, ...content: Child[]): HTMLElement {
  return h('section', { attrs: { 'aria-label': title } }, h('h3', null, title), ...content);
}

function findingsSection(findings: readonly Finding[]): HTMLElement[] {
  if (findings.length === 0) return [section('Findings', h('p', { class: 'empty' }, 'No findings.'))];
  const sorted = bySeverity(findings);
  return [section(`Findings (${findings.length})`, h('ul', { class: 'findings' }, ...sorted.map(findingItem)))];
}

export function findingItem(f: Finding): HTMLElement {
  const rule = RULES[f.rule];
  return h(
    'li',
    { class: `finding ${f.severity}`, data: { rule: f.rule } },
    h(
      'span',
      { class: 'severity', attrs: { 'aria-label': f.severity } },
      f.severity === 'error' ? '✖' : f.severity === 'warning' ? '▲' : 'ℹ',
    ),
    h(
      'div',
      null,
      h('p', { class: 'message' }, ...quoted(f.message)),
      h('p', { class: 'fix' }, h('b', null, 'Fix: '), ...prose(f.fix)),
      h(
        'p',
        { class: 'rule' },
        rule.errorCode === null ? '' : `Leads to error ${rule.errorCode} · `,
        h(
          'a',
          { attrs: { href: `/findings.html#${f.rule}`, target: '_blank', rel: 'noopener' } },
          `${f.rule}: ${rule.title}`,
        ),
      ),
    ),
  );
}

function tokenSections(analysis: TokenAnalysis, nowMs: number, verify: VerifyContext): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (analysis.header) out.push(section('Header', keyValueTable(analysis.header, 'Header', nowMs)));
  if (analysis.claims) out.push(section('Claims', keyValueTable(analysis.claims, 'Claims', nowMs)));
  if (analysis.contexts) out.push(section('lwicontexts', contextsTable(analysis)));
  out.push(section('Signature', h('p', null, analysis.signature.detail)));
  if (analysis.header) out.push(verifySection(verify));
  return out;
}

function keyValueTable(values: Record<string, unknown>, label: string, nowMs: number): HTMLElement {
  const timeHeads = label === 'Claims' && Object.keys(values).some(k => TIME_CLAIMS.has(k));
  return h(
    'table',
    { class: 'grid', attrs: { 'aria-label': label } },
    tableHead('Name', 'Value', timeHeads && 'As a time'),
    h(
      'tbody',
      null,
      ...Object.entries(values).map(([name, value]) =>
        h(
          'tr',
          null,
          h('td', { class: 'name' }, name),
          h('td', { class: 'value' }, valueText(value)),
          timeHeads &&
            h(
              'td',
              null,
              TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)
                ? timeCell(value, nowMs, name)
                : '',
            ),
        ),
      ),
    ),
  );
}

function timeCell(seconds: number, nowMs: number, name: string): HTMLElement {
  const ms = seconds * 1000;
  const verb =
    name === 'exp'
      ? ms > nowMs
        ? 'expires'
        : 'expired'
      : name === 'nbf'
        ? ms > nowMs
          ? 'valid'
          : 'valid since'
        : 'issued';
  return h(
    'span',
    { class: 'time' },
    h('span', null, localTime(ms)),
    h('span', { class: 'utc' }, utcTime(ms)),
    h('span', { class: 'relative' }, `${verb} ${relativeTime(ms, nowMs)}`),
  );
}

function contextsTable(analysis: TokenAnalysis): HTMLElement {
  const entries = analysis.contexts?.entries;
  if (!entries)
    return h('p', null, 'Could not be read as an object: ', h('code', null, valueText(analysis.contexts?.raw)));
  if (entries.length === 0) return h('p', { class: 'empty' }, 'No entries.');
  return h(
    'table',
    { class: 'grid', attrs: { 'aria-label': 'lwicontexts entries' } },
    tableHead('Key', 'Value', 'Type', 'Known to the work stream'),
    h(
      'tbody',
      null,
      ...entries.map(e =>
        h(
          'tr',
          { data: { known: e.known } },
          h('td', { class: 'name' }, e.name),
          h('td', { class: 'value' }, valueText(e.value)),
          h(
            'td',
            null,
            e.valueType +
              (e.wrapped
                ? ` (wrapped${e.isDisplayable === undefined ? '' : `, isDisplayable ${e.isDisplayable}`})`
                : ''),
          ),
          h('td', null, e.known === 'unknown' ? 'not configured' : e.known),
        ),
      ),
    ),
  );
}
