/**
 * One invocation of the page's provider (or client function) judged on its own: what it did
 * (threw, rejected, never called back, called back late or twice) and what it handed over,
 * analysed as a token. Comparisons with other invocations are in session-rules.ts.
 */
import { analyzeTokenSync } from '../token/analyze.js';
import { elapsed } from '../words/text.js';
import { predictedErrorCode } from '../findings/rules.js';
import {
  invocationKey,
  ROUTES,
  type AssembleOptions,
  type InvocationOutcome,
  type InvocationView,
} from './session-view.js';
import type { ConfigReading } from '../traffic/omnichannel.js';
import type { TokenAnalysis } from '../token/types.js';
import { isCutString, type ErrorInfo, type HandedValue } from '../../protocol/hook.js';
import { CALLBACK_LIMIT_MS } from '../../protocol/limits.js';
import type { RecordedEvent } from '../../record/format.js';
import { type Finding, finding } from '../findings/finding.js';

/** A recorded invocation's start, or a stand-in for a token seen only on the wire (route 'wire'). */
export type InvocationStart =
  | (RecordedEvent & { k: 'inv'; route: 'sdk' | 'fn' | 'code' })
  | { k: 'inv'; at: number; id: number; frame: number; route: 'wire'; name?: undefined };

/** The value the page handed over, rebuilt for the engine from its recorded form. */
export function handedToRaw(value: HandedValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (value.o) {
    case 'object':
      return value.p;
    case 'promise':
      return Promise.resolve();
    case 'array':
      return [];
    case 'cut':
      return value.t;
    case 'function':
      return function handedFunction() {
        /* stands for the function the page passed */
      };
    default:
      return Symbol(value.o);
  }
}

const errorText = (e: ErrorInfo) => `${e.n}: ${JSON.stringify(e.m)}${e.s ? ` (${e.s})` : ''}`;

/** `events`: everything recorded for this invocation (same frame and id). */
export function judgeInvocation(
  start: InvocationStart,
  events: readonly RecordedEvent[],
  options: AssembleOptions & { lost?: number },
  config?: ConfigReading,
): InvocationView {
  const callbacks = events.flatMap(e =>
    e.k === 'cb' ? [{ at: e.at, sync: e.sync, value: e.v, ...(e.r === undefined ? {} : { reason: e.r }) }] : [],
  );
  const end = events.find(e => e.k === 'end');
  const threw = end?.k === 'end' ? end.err : undefined;
  const rejection = events.find(e => e.k === 'rej');
  const rejected = rejection?.k === 'rej' ? rejection.err : undefined;
  const timedOut = events.some(e => e.k === 'timeout');
  const first = callbacks[0];
  const route = ROUTES[start.route];
  const findings: Finding[] = [];

  // Both SDK methods of the v1 host hand over what the callback stored by the time the provider
  // returned (verified); the v2 widget waits for the callback (inferred).
  const hostRoute = route === 'setAuthTokenProvider' || route === 'setAuthCodeProvider';
  const kind = options.widgetKind ?? null;
  if (threw && kind === 'v1') {
    // The v1 host does not catch it (verified): no error 2 to predict.
    const where = hostRoute
      ? "it went to the page's call of setAuthTokenProvider and nothing was handed to the widget"
      : 'the host raised lcw:error with the exception itself as its detail';
    findings.push(finding('invocation.threw-v1', `The provider threw ${errorText(threw)}: ${where} (v1 widget).`));
  } else if (threw) findings.push(finding('invocation.threw', `The provider threw ${errorText(threw)}.`));
  if (rejected && !first) {
    findings.push(finding('invocation.rejected', `The provider's promise was rejected with ${errorText(rejected)}.`));
  }
  const returnedEmpty = kind === 'v1' && hostRoute && !first && end !== undefined && !threw;
  const overdue = !first && (timedOut || (options.nowMs !== undefined && options.nowMs - start.at > CALLBACK_LIMIT_MS));
  // On v1 the hand-over happened when the provider returned: no 10-second wait to report.
  // The relay's own timeout is what it saw; without it, a record with gaps may have lost the callback.
  if (overdue && !threw && !returnedEmpty)
    findings.push(
      finding(
        'invocation.no-callback',
        timedOut || !options.lost
          ? 'The provider did not call back within 10 seconds.'
          : `No callback was recorded within 10 seconds, from what was kept: ${options.lost} events of this page ` +
              'were dropped, and its callback may be among them.',
      ),
    );
  if (first && !first.sync && hostRoute) {
    const after = elapsed(first.at - start.at);
    const late = `The callback ran ${after} after the provider was called, after the provider had returned`;
    if (kind === 'v2') findings.push(finding('invocation.async-callback-v2', `${late}: the v2 widget waits for it.`));
    else if (kind === 'v1') findings.push(finding('invocation.async-callback', `${late}.`));
    else
      findings.push(
        finding(
          'invocation.async-callback-unknown',
          `${late}: error 3 if this page runs the v1 widget, fine on v2 (which widget it runs was not seen).`,
        ),
      );
  }
  if (returnedEmpty) {
    findings.push(
      finding(
        'invocation.returned-without-callback',
        "The provider returned without calling back: the v1 widget's frame was handed undefined at once.",
      ),
    );
  }
  if (callbacks.length > 1) {
    findings.push(
      finding('invocation.multiple-callbacks', `The callback ran ${callbacks.length} times for this invocation.`),
    );
  }

  let analysis: TokenAnalysis | null = null;
  // OAuth 2.0: the page hands over an authorization code, which no JWT rule applies to (and which,
  // being a credential, no report carries: without an analysis there is no token to report).
  const oauth =
    route === 'setAuthCodeProvider' || (config?.ok === true && config.config.authenticationType === 'oauth2');
  const cut = first && isCutString(first.value) ? first.value : undefined;
  if (cut) {
    findings.push(
      finding(
        'invocation.token-cut',
        `${route === 'wire' ? 'The AuthenticatedUserToken header carried' : 'The provider handed over'} ${cut.n} ` +
          `characters; the extension kept the first ${cut.t.length} (fingerprint ${cut.h}).`,
      ),
      finding('token.too-large', `The token is ${cut.n} characters long.`),
    );
  } else if (first && !oauth) {
    const { contextVariables } = options;
    analysis = analyzeTokenSync(handedToRaw(first.value), {
      now: first.at / 1000,
      widgetKind: kind,
      portal: options.portal === true,
      ...(contextVariables ? { contextVariables } : {}),
    });
    findings.push(...analysis.findings);
  }
  const outcome: InvocationOutcome = threw
    ? 'threw'
    : first
      ? outcomeOfValue(first.value)
      : rejected
        ? 'rejected'
        : returnedEmpty
          ? 'empty'
          : overdue
            ? 'timeout'
            : 'pending';
  if (outcome === 'empty') nobodySignedIn(findings, first, route, options.portal === true);
  if (outcome === 'empty' && config?.ok && config.config.signInOptional) {
    // Sign-in optional: no token means "continue anonymously", which is not error 3.
    const kept = findings.filter(f => f.rule !== 'token.empty' && f.rule !== 'token.missing');
    const note =
      'The provider handed over no token, and the widget is configured with "sign-in optional": the chat ' +
      'continues anonymously.';
    findings.splice(0, findings.length, ...kept, finding('config.sign-in-optional', note));
  }
  return {
    key: invocationKey(start),
    frame: start.frame,
    route,
    ...(start.name ? { functionName: start.name } : {}),
    startedAt: start.at,
    callbacks,
    callbackCount: callbacks.length,
    callbackAsync: first ? !first.sync : null,
    msToToken: first ? first.at - start.at : null,
    ...(threw ? { threw } : {}),
    ...(rejected ? { rejected } : {}),
    outcome,
    analysis,
    findings,
    errorCode: predictedErrorCode(findings),
  };
}

/**
 * No token, and why, in Power Pages' words: `callback("", "Login Required")` is a visitor who is not
 * signed in; `callback(null)` on a portal is its own token request failing. Replaces the bare
 * "no token" finding; any other second argument is quoted in it.
 */
function nobodySignedIn(
  findings: Finding[],
  first: InvocationView['callbacks'][number] | undefined,
  route: string,
  portal: boolean,
): void {
  const bare = findings.findIndex(f => f.rule === 'token.empty' || f.rule === 'token.missing');
  if (bare < 0 || !first) return;
  const reason = first.reason;
  const handed = first.value === '' ? '""' : first.value === null ? 'null' : 'undefined';
  let replacement: Finding | undefined;
  if (reason !== undefined && /log\s*in|sign\s*in|auth/i.test(reason)) {
    const message =
      `The client function called back with ${handed} and ${JSON.stringify(reason)}: ` +
      'the visitor is not signed in.';
    replacement = finding('invocation.not-signed-in', message);
  } else if (reason !== undefined) {
    const said = findings[bare]!;
    replacement = {
      ...said,
      message: `${said.message.replace(/\.$/, '')} (with a second argument ${JSON.stringify(reason)}).`,
    };
  } else if (portal && route === 'clientFunction' && first.value === null) {
    const message = "The portal's auth.getAuthenticationToken called back with null: its request for a token failed.";
    replacement = finding('invocation.portal-no-token', message);
  }
  if (replacement) findings.splice(bare, 1, replacement);
}

/** What a handed value amounts to: a token (a string, or one too long to keep whole), nothing, or not a string. */
export function outcomeOfValue(value: HandedValue): InvocationOutcome {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'empty';
  return typeof value === 'string' || isCutString(value) ? 'token' : 'non-string';
}
