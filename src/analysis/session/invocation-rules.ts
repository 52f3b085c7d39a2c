/**
 * The rules that judge an invocation beside what surrounds it: against the one before it, by what
 * the service answered to the calls that carried its token, and by what the widget's frame was seen
 * to receive.
 */
import { lookAlikeNote } from '../words/visible.js';
import { duration, isoDate, elapsed } from '../words/text.js';
import { invocationLabel, type AuthCallView, type DeliveryView, type InvocationView } from './session-view.js';
import { type Finding, finding } from '../findings/finding.js';

/** What comparing an invocation with the one before says: another user, the same expired token again. */
export function acrossInvocations(previous: InvocationView, current: InvocationView): Finding[] {
  const out: Finding[] = [];
  // One callback kept for all requests (Power Pages' auth.getAuthenticationToken): the second
  // request replaced the first's, so the first never hears back and the second hears twice.
  const sameFunction =
    previous.route === 'clientFunction' &&
    current.route === 'clientFunction' &&
    previous.functionName === current.functionName;
  if (sameFunction && previous.callbackCount === 0 && current.callbackCount >= 2) {
    const message =
      `Invocation ${invocationLabel(previous.key)} got no answer and this one got ${current.callbackCount}: ` +
      `"${current.functionName ?? ''}" keeps one callback for every request, so this request, made before the ` +
      `other was answered, took its answer too.`;
    out.push(finding('invocation.shared-callback', message));
  }
  const sub = (v: InvocationView) => (typeof v.analysis?.claims?.sub === 'string' ? v.analysis.claims.sub : undefined);
  const [before, now] = [sub(previous), sub(current)];
  if (before !== undefined && now !== undefined && before !== now) {
    const alike = lookAlikeNote(now, before);
    const message =
      `"sub" is ${JSON.stringify(now)}; the previous invocation's token had ${JSON.stringify(before)}.` +
      (alike ? ` ${alike}` : '');
    out.push(finding('session.sub-changed', message));
  }
  const token = (v: InvocationView) => v.analysis?.token ?? undefined;
  const expired = current.findings.some(f => f.rule === 'time.expired');
  if (token(current) && token(current) === token(previous) && expired) {
    const message =
      `The widget asked again (invocation ${invocationLabel(current.key)}) ` +
      `and got the same expired token as invocation ${invocationLabel(previous.key)}.`;
    out.push(finding('session.stale-token-reused', message));
  }
  return out;
}

/** What one `/auth/` call says about the invocation whose token it carried. */
export function callFindings(call: AuthCallView, invocation: InvocationView): Finding[] {
  const out: Finding[] = [];
  const said = call.message ? `: ${JSON.stringify(call.message)}` : '';
  const sub = JSON.stringify(invocation.analysis?.claims?.sub ?? '(no sub)');
  if (call.status === 401 && /userid not found/i.test(call.message ?? '')) {
    const message = `${call.endpoint} answered 401${said}: no active contact has the id ${sub}.`;
    out.push(finding('auth.user-not-found', message));
  } else if (call.status === 401) {
    out.push(finding('auth.rejected', `${call.endpoint} answered 401${said}: the service refused this token.`));
  } else if (call.endpoint === 'reconnectablechats' && call.status >= 400) {
    const message =
      `reconnectablechats answered ${call.status}${said}: the widget cannot resume the earlier chat of ${sub}; ` +
      'a refresh or a second tab starts a new one.';
    out.push(finding('auth.reconnect-refused', message));
  } else if (call.endpoint === 'validateauthchatmaprecord' && call.status >= 400) {
    const message =
      `validateauthchatmaprecord answered ${call.status}${said}: the cached chat belongs to another ` +
      `user than ${sub}.`;
    out.push(finding('auth.chat-map-mismatch', message));
  } else if (call.status >= 400) {
    out.push(finding('auth.failed', `${call.method} ${call.endpoint} answered ${call.status}${said}.`));
  }
  const exp = invocation.analysis?.times.exp;
  // A token already expired when it was handed over is time.expired's: outliving it says nothing more.
  const expiredAtHandOver = invocation.findings.some(f => f.rule === 'time.expired');
  if (exp !== undefined && call.at / 1000 > exp && !expiredAtHandOver) {
    const message = `${call.endpoint} was called with this token ${duration(call.at / 1000 - exp)} after it expired.`;
    out.push(finding('session.chat-outlived-token', message));
  }
  return out;
}

/**
 * What the widget's frame was seen to receive for an invocation: nothing (error 3, observed), or
 * the token an earlier invocation handed over (`owner`), not this one's.
 */
export function deliveryFindings(
  delivery: DeliveryView,
  invocation: InvocationView,
  owner: InvocationView | undefined,
  signInOptional: boolean,
): Finding[] {
  const value = delivery.value;
  const via = `the ${delivery.via} message`;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    // Sign-in optional: no token means "continue anonymously" (the invocation's findings say so).
    if (signInOptional) return [];
    // Nobody is signed in (Power Pages said so): that is why nothing came, not a late callback.
    if (invocation.findings.some(f => f.rule === 'invocation.not-signed-in' || f.rule === 'invocation.portal-no-token'))
      return [];
    const first = invocation.callbacks[0];
    // The host posts when the provider returns: a callback after that came too late for this message.
    const later = !first
      ? '; no callback came'
      : first.sync
        ? ''
        : `; the callback ran ${elapsed(first.at - invocation.startedAt)} after the provider was called, ` +
          'after it had returned';
    const what = value === '' ? 'an empty string' : typeof value === 'string' ? 'only whitespace' : String(value);
    return [finding('invocation.widget-got-nothing', `The widget received ${what} (${via})${later}.`)];
  }
  if (owner && owner.key !== invocation.key) {
    const iat = owner.analysis?.claims?.iat;
    const issued = typeof iat === 'number' ? `, issued ${isoDate(iat)}` : '';
    return [
      finding(
        'invocation.widget-got-previous',
        `The widget received the token invocation ${invocationLabel(owner.key)} handed over${issued} ` +
          `(${via}), not this one's.`,
      ),
    ];
  }
  return [];
}
