/**
 * The invocation detail: what the provider did (outcome, time to token, callbacks, what the widget's
 * frame received and the service answered), then its token's sections (token-detail.ts). Built with `h`.
 */
import { factsTable, h, type Child } from './dom.js';
import { localTime, relativeTime, shortDuration } from './time.js';
import {
  describeHanded,
  errorName,
  invocationLabel,
  NOT_IN_HAR,
  outcomeWords,
  viewVerdict,
  type AuthCallView,
  type InvocationView,
} from '../analysis/index.js';
import type { LoadedSession } from './source.js';
import { isCutString } from '../protocol/hook.js';
import { CALLBACK_LIMIT_MS } from '../protocol/limits.js';
import { findingsSection, tokenSections, verdictLine, type VerifySettings } from './token-detail.js';

export function invocationDetail(
  session: LoadedSession,
  index: number,
  nowMs: number,
  verify: VerifySettings,
): HTMLElement {
  const a = session.assembly;
  const invocation = a.invocation(index);
  const calls = a.authCallsOf(index);
  const title =
    invocation.route === 'clientFunction'
      ? `Client function ${invocation.functionName ?? ''}`
      : invocation.route === 'wire'
        ? 'token seen on the wire (no provider call recorded)'
        : `${invocation.route} provider`;
  return h(
    'article',
    { class: 'detail', attrs: { 'aria-label': `Invocation ${invocationLabel(invocation.key)}` } },
    h(
      'h2',
      null,
      `Invocation ${invocationLabel(invocation.key)} · ${title}` +
        (invocation.rerun ? ' · called again from this panel' : ''),
    ),
    verdictLine(viewVerdict(invocation)),
    facts(
      [
        ...(invocation.route === 'wire' ? wireFacts(invocation, nowMs) : providerFacts(invocation, session, nowMs)),
        ['Error', errorFact(invocation)],
        [
          'Service answered',
          calls.length === 0 ? 'no /auth/ call seen with this token' : calls.map(serviceAnswer).join('; '),
        ],
        ['Widget raised', widgetRaised(session, index)],
        ...(invocation.route === 'wire'
          ? []
          : [['Frame', session.frames[String(invocation.frame)] ?? `frame ${invocation.frame}`] as Fact]),
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

const SEEN_BY: Record<NonNullable<InvocationView['observed']>['by'], string> = {
  widget: 'the widget raised it',
  service: 'the service refused the token',
  frame: "the widget's frame received no token",
};

/** Observed and expected, apart, in the verdict's words: "error 3, observed (the widget raised it)". */
function errorFact(invocation: InvocationView): string {
  const { observed, errorCode } = invocation;
  const expected = errorCode === null ? null : `${errorName(errorCode)} expected from what was handed over`;
  if (!observed) return expected ?? (invocation.outcome === 'pending' ? 'none yet' : 'none expected, none observed');
  const code = observed.code ?? (observed.by === 'service' ? errorCode : null);
  const seen = code === null ? `refused by the service, observed` : `${errorName(code)}, observed`;
  const also = expected && code !== errorCode ? `; ${expected}` : '';
  return `${seen} (${SEEN_BY[observed.by]})${also}`;
}

/** What the widget raised after this invocation; a custom widget and a HAR have no lcw:error to show. */
function widgetRaised(session: LoadedSession, index: number): string {
  if (session.fromFile) return NOT_IN_HAR;
  const a = session.assembly;
  if (a.isRerun(index)) return 'nothing to raise: this call went to nobody';
  const raised = a.widgetErrorsAfter(index);
  if (raised.length > 0)
    return raised
      .map(e => (e.errorCode === null ? e.description : `${errorName(e.errorCode)}: ${e.description}`))
      .join('; ');
  if (a.page.widget.kind === 'custom')
    return "a custom widget raises no lcw:error: the service's answer above is what was observed";
  return 'no lcw:error after this call';
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
function providerFacts(invocation: InvocationView, session: LoadedSession, nowMs: number): Fact[] {
  return [
    ['Outcome', outcomeWords(invocation)],
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
    ['Widget received', receivedText(invocation, session)],
  ];
}

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
function receivedText(invocation: InvocationView, session: LoadedSession): string {
  const got = invocation.received;
  if (invocation.rerun) return 'nothing: the panel called the provider, and what it handed over went to nobody';
  if (!got) {
    if (invocation.route === 'wire') return 'not seen (no provider call was recorded for this token)';
    // Only a frame the extension runs in can say what it received.
    const inWidgetFrame = Object.entries(session.frames).some(([id, url]) => id !== '0' && /livechatwidget/i.test(url));
    return inWidgetFrame
      ? "no token message seen in the widget's frame for this call"
      : "not seen: the extension did not run in the widget's frame (record the widget's host to see it)";
  }
  const v = got.value;
  const aToken = (typeof v === 'string' && v.trim() !== '') || isCutString(v);
  const value = !aToken
    ? v === undefined
      ? 'undefined (nothing)'
      : describeHanded(v)
    : !got.tokenOf || got.tokenOf === invocation.key
      ? "this invocation's token"
      : `the token of invocation ${invocationLabel(got.tokenOf)} (an earlier one), not this one's`;
  return `${value}, in its ${got.via} message at ${localTime(got.at)}`;
}
