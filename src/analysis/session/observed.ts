/**
 * What was seen to go wrong for an invocation, kept apart from what is predicted: the widget's own
 * `lcw:error` after it, the service's refusal of its token, the widget's frame receiving nothing.
 * One observation per invocation, computed once by the assembly; every face words it the same way.
 */
import type { InvocationView, ObservedError, WidgetErrorView } from './session-view.js';
import { RULES } from '../findings/rules.js';
import { elapsed } from '../words/text.js';
import type { Finding } from '../findings/finding.js';

/** The widget errors about authentication (shared/domain.md): the only ones tied to an invocation. */
export const AUTH_ERROR_CODES: ReadonlySet<number> = new Set([2, 3, 4, 8]);

/** The service's own refusal of the token (seen on the wire or by DevTools). */
export const SERVICE_REFUSALS: ReadonlySet<string> = new Set(['auth.rejected', 'auth.user-not-found']);

/**
 * The widget's authentication errors raised in `[from, to)`: after a page invocation started and
 * before the next one did, nothing but that invocation can explain them (the panel's own calls
 * hand their token to nobody, so they are not in the way). `errors` are in time order.
 */
export function errorsBetween(errors: readonly WidgetErrorView[], from: number, to: number): WidgetErrorView[] {
  let lo = 0;
  let hi = errors.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (errors[mid]!.at < from) lo = mid + 1;
    else hi = mid;
  }
  const out: WidgetErrorView[] = [];
  for (let i = lo; i < errors.length && errors[i]!.at < to; i++) out.push(errors[i]!);
  return out;
}

/** The observation that explains the invocation best: what the widget raised, else the service, else the frame. */
export function observedError(
  invocation: Pick<InvocationView, 'startedAt' | 'route'>,
  raised: readonly WidgetErrorView[],
  findings: readonly Finding[],
): ObservedError | undefined {
  const error = raised.find(e => e.errorCode !== null && AUTH_ERROR_CODES.has(e.errorCode));
  const refusal = findings.find(f => SERVICE_REFUSALS.has(f.rule));
  if (error) {
    const who = invocation.route === 'clientFunction' ? 'client function' : 'provider';
    const said = error.description ? ` (${JSON.stringify(error.description)})` : '';
    return {
      code: error.errorCode,
      by: 'widget',
      seen:
        `The widget raised lcw:error ${error.errorCode}${said} ${elapsed(error.at - invocation.startedAt)} ` +
        `after the ${who} was called.${refusal ? ` ${refusal.message}` : ''}`,
    };
  }
  if (refusal) return { code: RULES[refusal.rule].errorCode, by: 'service', seen: refusal.message };
  const nothing = findings.find(f => f.rule === 'invocation.widget-got-nothing');
  if (nothing) return { code: 3, by: 'frame', seen: nothing.message };
  return undefined;
}
