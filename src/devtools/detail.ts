/**
 * The invocation detail: what the provider did (outcome, time to token, callbacks, what the widget's
 * frame received and the service answered), then its token's sections (token-detail.ts). Built with `h`.
 */
import { factsTable, h, type Child } from './dom.js';
import { localTime, relativeTime, shortDuration } from './time.js';
import {
  describeHanded,
  OUTCOME_WORDS,
  viewVerdict,
  type AuthCallView,
  type InvocationView,
  type WidgetErrorView,
} from '../analysis/index.js';
import { isCutString } from '../protocol/hook.js';
import { CALLBACK_LIMIT_MS } from '../protocol/limits.js';
import { findingsSection, tokenSections, verdictLine, type VerifySettings } from './token-detail.js';

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
