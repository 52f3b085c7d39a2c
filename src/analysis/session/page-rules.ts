/**
 * Rules that read the page session as a whole rather than one invocation: how the provider was
 * registered, a missing client function (and "did you mean"), the configuration, `/auth/` calls that
 * carried no token, a provider that fails only sometimes, a context provider beside the token's
 * `lwicontexts`, the widget's own error panes.
 * Each needs only the events (or one token), so the panel gets them without judging every invocation.
 */
import { analyzeTokenSync } from '../token/analyze.js';
import { editDistance } from '../token/contexts.js';
import { jsonPreview, plural, previewText, elapsed } from '../words/text.js';
import { outcomeOfValue } from './invocation.js';
import { invocationKey, type ContextProviderView, type PageView, type WidgetPaneView } from './session-view.js';
import { otherFrameFinding } from './frames.js';
import type { PageReader, ReadCall } from './page-reader.js';
import { fromWhatWasKept } from './timeline.js';
import type { RecordedEvent } from '../../record/format.js';
import { type Finding, finding } from '../findings/finding.js';

/** Power Pages' own client function: what a portal's widget asks for. */
export const PORTAL_CLIENT_FUNCTION = 'auth.getAuthenticationToken';

/**
 * `/auth/` calls that went out with no AuthenticatedUserToken header (or an empty one), one finding
 * per endpoint: how many, and when the first went relative to the first token the page handed over.
 */
export function untokenedCalls(
  calls: readonly ReadCall[],
  firstTokenAt: number | undefined,
  persistentChat: boolean,
): Finding[] {
  const byEndpoint = new Map<string, ReadCall[]>();
  for (const call of calls) {
    // A CORS preflight carries no custom header by design: it is the browser's, not the widget's.
    if (call.view.method === 'OPTIONS' || (call.token !== null && call.token.trim() !== '')) continue;
    const key = `${call.view.method} ${call.view.endpoint}`;
    const list = byEndpoint.get(key);
    if (list) list.push(call);
    else byEndpoint.set(key, [call]);
  }
  return [...byEndpoint].map(([name, list]) => {
    const first = list[0]!;
    const header = first.token === null ? 'no AuthenticatedUserToken header' : 'an empty AuthenticatedUserToken header';
    const times = list.length > 1 ? ` ${list.length} times` : '';
    const answer = first.view.status === 0 ? 'got no answer' : `answered ${first.view.status}`;
    const when =
      firstTokenAt === undefined
        ? 'no token was handed over on this page' +
          (persistentChat ? ' (the widget runs persistent chat, which is always authenticated)' : '')
        : first.view.at < firstTokenAt
          ? `${list.length > 1 ? 'the first ' : ''}${elapsed(firstTokenAt - first.view.at)} before the provider's ` +
            'first token: the widget asked before the token arrived'
          : `${list.length > 1 ? 'the first ' : ''}${elapsed(first.view.at - firstTokenAt)} after the provider's ` +
            'first token';
    return finding('auth.no-token', `${name} went out${times} with ${header} (${answer}); ${when}.`);
  });
}

/** When the page first handed over a non-empty token (any invocation), in Unix ms. */
export function firstTokenAt(eventsByKey: ReadonlyMap<string, readonly RecordedEvent[]>): number | undefined {
  let first: number | undefined;
  for (const events of eventsByKey.values())
    for (const e of events)
      if (e.k === 'cb' && typeof e.v === 'string' && e.v.trim() !== '' && (first === undefined || e.at < first))
        first = e.at;
  return first;
}

type Outcome = 'token' | 'failed' | 'open';

/** What an invocation came to, from its events alone (no token analysis): a token, a failure, or not yet known. */
function roughOutcome(events: readonly RecordedEvent[]): { outcome: Outcome; why: string } {
  const cb = events.find(e => e.k === 'cb');
  if (cb?.k === 'cb') {
    const v = cb.v;
    const handed = outcomeOfValue(v);
    if (handed === 'token') return { outcome: 'token', why: '' };
    const what =
      handed === 'non-string'
        ? 'a non-string'
        : typeof v === 'string'
          ? 'an empty string'
          : v === null
            ? 'null'
            : 'undefined';
    return { outcome: 'failed', why: `handed over ${what}` };
  }
  const end = events.find(e => e.k === 'end');
  if (end?.k === 'end' && end.err) return { outcome: 'failed', why: `threw ${end.err.n}` };
  if (events.some(e => e.k === 'rej')) return { outcome: 'failed', why: 'rejected' };
  if (events.some(e => e.k === 'timeout')) return { outcome: 'failed', why: 'no callback' };
  return { outcome: 'open', why: '' };
}

/**
 * A provider that failed and later handed over a token (in start order): one finding naming the
 * pattern, instead of each failure read on its own.
 */
export function intermittentProvider(
  starts: readonly { key: string; id: number }[],
  eventsByKey: ReadonlyMap<string, readonly RecordedEvent[]>,
): Finding[] {
  const failed: string[] = [];
  const worked: string[] = [];
  let failedBeforeWorking = false;
  for (const start of starts) {
    const { outcome, why } = roughOutcome(eventsByKey.get(start.key) ?? []);
    if (outcome === 'failed') failed.push(`#${start.id} ${why}`);
    if (outcome === 'token') {
      worked.push(`#${start.id}`);
      if (failed.length > 0) failedBeforeWorking = true;
    }
  }
  if (!failedBeforeWorking) return [];
  const list = (items: string[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? ', ...' : '');
  const message =
    `${plural(failed.length, 'invocation')} failed (${list(failed)}) and ${worked.length} handed over a ` +
    `token (${list(worked)}): the provider fails only sometimes.`;
  return [finding('session.intermittent-provider', message)];
}

/** The context provider beside the token's lwicontexts, on a chat that is authenticated. */
export function contextBesideToken(context: ContextProviderView | null, latestToken: string | undefined): Finding[] {
  if (!context || !context.registrations.some(r => r.isFunction) || latestToken === undefined) return [];
  const call = context.calls.at(-1);
  const returned = !call
    ? 'was not called yet'
    : call.threw
      ? `threw ${call.threw.n} (call #${call.id})`
      : `returned ${jsonPreview(call.returned)} (call #${call.id})`;
  return [
    finding(
      'registration.context-provider',
      `setContextProvider's provider ${returned}; the token the chat uses ${lwicontextsText(latestToken)}. An ` +
        'authenticated chat takes its context from lwicontexts (inferred from field reports).',
    ),
  ];
}

/**
 * The custom context a chat's start sent over the wire with a token (evidence, where the context
 * provider's answer is only what the page offered), beside the lwicontexts of the token it carried.
 */
export function sentContextBesideToken(calls: readonly ReadCall[]): Finding[] {
  const sent = calls.filter(c => c.view.customContext !== undefined && c.token?.trim());
  const last = sent.at(-1);
  if (!last) return [];
  const times = sent.length === 1 ? '' : ` (${sent.length} calls sent custom context; the last one is shown)`;
  const claim = last.tokenCut ? 'is too long to read here' : lwicontextsText(last.token!);
  return [
    finding(
      'auth.custom-context',
      `${last.view.method} ${last.view.endpoint} sent customContextData ${previewText(last.view.customContext!)}` +
        `${times}; the token it carried ${claim}. An authenticated chat takes its context from lwicontexts ` +
        '(inferred from field reports).',
    ),
  ];
}

/** The token's lwicontexts in words: "has lwicontexts {...}", "has no lwicontexts claim", ... */
function lwicontextsText(token: string): string {
  const contexts = analyzeTokenSync(token).contexts;
  if (!contexts) return 'has no lwicontexts claim';
  return contexts.entries
    ? `has lwicontexts ${jsonPreview(Object.fromEntries(contexts.entries.map(e => [e.name, e.value])))}`
    : 'has an lwicontexts claim that cannot be read';
}

/**
 * What the widget's error panes say, each mapped to its likely causes (see the rules' texts): one
 * finding per kind of pane, quoting the first and counting the others (a flood of panes is one fact).
 */
export function paneFindings(panes: readonly WidgetPaneView[]): Finding[] {
  const byRule = new Map<'widget.auth-setup-error' | 'widget.unauthorized' | 'widget.error-pane', string[]>();
  for (const pane of panes) {
    const said = `${pane.title} ${pane.text}`;
    const rule = /auth(entication)?\s*setup\s*error/i.test(said)
      ? 'widget.auth-setup-error'
      : /unauthori[sz]ed/i.test(said)
        ? 'widget.unauthorized'
        : 'widget.error-pane';
    const quoted = `The widget showed "${pane.title}"${pane.text ? ` with ${JSON.stringify(pane.text)}` : ''}`;
    const list = byRule.get(rule) ?? [];
    if (!list.includes(quoted)) list.push(quoted);
    byRule.set(rule, list);
  }
  const why = {
    'widget.auth-setup-error': ': it could not get a usable token from the page',
    'widget.unauthorized': ': the service refused the token',
    'widget.error-pane': '',
  };
  return [...byRule].map(([rule, [first, ...others]]) => {
    const more = others.length ? ` (and ${plural(others.length, 'other pane')} like it)` : '';
    return finding(rule, `${first!}${why[rule]}${more}.`);
  });
}

/**
 * The function the page most likely meant by a missing client function's name: a function its
 * would-be owner has under a close name, else on a portal Power Pages' own.
 */
export function suggestFunction(missing: string, near: readonly string[] | undefined, portal: boolean) {
  const dot = missing.lastIndexOf('.');
  const leaf = missing.slice(dot + 1).toLowerCase();
  const prefix = missing.slice(0, dot + 1);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of near ?? []) {
    const limit = Math.max(2, Math.floor(leaf.length * 0.4));
    const distance = editDistance(leaf, name.toLowerCase(), limit);
    if (distance <= limit && distance < bestDistance) [best, bestDistance] = [`${prefix}${name}`, distance];
  }
  if (best) return best;
  return portal && missing !== PORTAL_CLIENT_FUNCTION ? PORTAL_CLIENT_FUNCTION : undefined;
}

/** What the session says as a whole: calls without a token, a provider failing sometimes, context, panes. */
export function patternFindings(reader: PageReader, page: PageView): Finding[] {
  const config = page.config?.reading;
  const settings = config?.ok ? config.config : undefined;
  // No token is the point of sign-in optional; OAuth 2.0 hands over a code by its own route.
  const tokenExpected =
    !settings?.signInOptional && settings?.authenticationType !== 'oauth2' && page.route !== 'setAuthCodeProvider';
  const firstToken = firstTokenAt(reader.eventsByKey);
  const starts = reader.starts.map(start => ({ key: invocationKey(start), id: start.id }));
  let latestToken: string | undefined;
  for (let i = reader.starts.length - 1; i >= 0 && latestToken === undefined; i--)
    latestToken = tokenOf(reader, invocationKey(reader.starts[i]!));
  latestToken ??= [...reader.calls].reverse().find(c => c.token?.trim() && !c.tokenCut)?.token ?? undefined;
  return [
    ...(tokenExpected ? untokenedCalls(reader.calls, firstToken, settings?.persistentChat === true) : []),
    ...(settings?.signInOptional ? [] : intermittentProvider(starts, reader.eventsByKey)),
    ...contextBesideToken(page.context, latestToken),
    ...sentContextBesideToken(reader.calls),
    ...paneFindings(page.panes),
  ];
}

/** The token an invocation handed over first (as handed), when it handed over a string. */
function tokenOf(reader: PageReader, key: string): string | undefined {
  const handed = reader.eventsByKey.get(key)?.find(e => e.k === 'cb');
  return handed?.k === 'cb' && typeof handed.v === 'string' && handed.v.trim() ? handed.v : undefined;
}

/** Findings about the page: how the provider was registered, a missing client function, the configuration. */
export function pageFindings(
  page: PageView,
  missingFunctions: ReadonlySet<string>,
  nearNames: ReadonlyMap<string, readonly string[]> = new Map(),
): Finding[] {
  const findings: Finding[] = [];
  for (const reg of page.registrations) {
    if (!reg.isFunction) {
      const given = reg.argumentType === 'null' ? 'null' : `a value of type ${reg.argumentType}`;
      const threw = reg.error ? `; the SDK threw ${JSON.stringify(reg.error.m)}` : '';
      findings.push(finding('registration.non-function', `setAuthTokenProvider was called with ${given}${threw}.`));
    } else if (reg.beforeReady) {
      findings.push(finding('registration.before-ready', 'setAuthTokenProvider was called before lcw:ready fired.'));
    }
  }
  for (const name of missingFunctions) {
    const meant = suggestFunction(name, nearNames.get(name), page.widget.portal);
    const portal = meant === PORTAL_CLIENT_FUNCTION && page.widget.portal ? " (Power Pages' own)" : '';
    findings.push(
      finding(
        'invocation.client-function-missing',
        `The widget asked for a token through "${name}", which is not a function on this page` +
          (meant ? `; did you mean "${meant}"${portal}?` : '.'),
        meant
          ? `Put "${meant}" in the chat authentication settings' JavaScript client function.`
          : `Define window.${name} (a function taking a callback), or correct the name in the chat ` +
              `authentication settings.`,
      ),
    );
  }
  for (const other of page.otherFrames) findings.push(otherFrameFinding(other));
  const config = page.config?.reading;
  if (config && !config.ok) findings.push(finding('config.unreadable', config.problem));
  if (config?.ok && config.config.persistentChat && !config.config.hasAuthSettings) {
    const message =
      'The widget runs persistent chat (msdyn_conversationmode 192350001), which is always authenticated, ' +
      'but its configuration has no chat authentication settings.';
    findings.push(finding('config.persistent-without-auth', message));
  }
  if (config?.ok && config.config.authenticationType === 'oauth2') {
    const raw = JSON.stringify(config.config.authenticationTypeRaw);
    const message =
      `The chat authentication type is OAuth 2.0 (msdyn_authenticationtype ${raw}): the page hands over ` +
      `an authorization code; JWT checks do not apply.`;
    findings.push(finding('config.oauth', message));
  }
  if (page.widget.ready && page.route === null) {
    const gaps = fromWhatWasKept(page.lostEvents);
    const message =
      'lcw:ready fired, but no token provider was registered and no client function was asked for' +
      (gaps ? ` (${gaps}).` : '.');
    findings.push(finding('registration.none', message));
  }
  return findings;
}
