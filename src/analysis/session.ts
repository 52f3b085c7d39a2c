/**
 * From the raw facts the page hook and relay recorded to what a support engineer wants to know:
 * which route the page uses, each invocation judged (and its token analysed), widget errors, and
 * a timeline. Pure: the background calls it when the panel asks, the tests call it directly.
 */
import { analyzeTokenSync } from './analyze.js';
import { finding, duration, describeValue } from './finding.js';
import { predictedErrorCode } from './rules.js';
import type { ContextVariable, Finding, TokenAnalysis } from './types.js';
import type { NetworkEvent } from '../protocol/network.js';
export { NETWORK_FRAME } from '../protocol/network.js';
import { redactUrl, type PanelEvent } from '../protocol/messages.js';
import { parseWidgetConfig, authEndpoint, authFailureMessage, type ConfigReading } from './traffic.js';
import { CALLBACK_LIMIT_MS, type ErrorInfo, type HandedValue, type PageEvent, type WidgetScript } from '../protocol/hook.js';

/** A PageEvent as stored: which frame it came from. */
/** A fact as stored: which frame it came from (-1: the widget's traffic, seen by DevTools). */
export type RecordedEvent = (PageEvent | NetworkEvent | PanelEvent) & { frame: number };


export interface AuthCallView {
  at: number;
  /** Without query. */
  url: string;
  /** getchattoken, sessioninit, validateauthchatmaprecord, ... */
  endpoint: string;
  method: string;
  status: number;
  message: string | null;
  /** The invocation whose token the call carried (`frame:id`). */
  invocation?: string;
}

export type InvocationOutcome = 'token' | 'threw' | 'rejected' | 'empty' | 'non-string' | 'timeout' | 'pending';

export interface InvocationView {
  /** `frame:id`, unique within a page session. */
  key: string;
  frame: number;
  route: 'setAuthTokenProvider' | 'clientFunction';
  functionName?: string;
  startedAt: number;
  callbacks: { at: number; sync: boolean; value: HandedValue }[];
  callbackCount: number;
  /** Whether the first callback came after the provider returned; null without a callback. */
  callbackAsync: boolean | null;
  msToToken: number | null;
  threw?: ErrorInfo;
  rejected?: ErrorInfo;
  outcome: InvocationOutcome;
  /** The engine's analysis of the first value handed to the callback. */
  analysis: TokenAnalysis | null;
  /** Invocation findings first, then the token's. */
  findings: Finding[];
  /** Predicted widget error: 2, 3, 4, or null. */
  errorCode: 2 | 3 | 4 | null;
  /** Called from the panel ("Call provider again"): what it handed over went to nobody. */
  rerun?: true;
}

export interface WidgetView {
  detected: boolean;
  version: string | null;
  orgId: string | null;
  appId: string | null;
  orgUrl: string | null;
  iframe: boolean;
  ready: boolean;
}

export interface TimelineEntry { at: number; frame: number; kind: RecordedEvent['k']; text: string; invocation?: string }

export interface SessionView {
  widget: WidgetView;
  route: 'setAuthTokenProvider' | 'clientFunction' | null;
  registrations: { at: number; frame: number; isFunction: boolean; argumentType: string; beforeReady: boolean; error?: ErrorInfo }[];
  invocations: InvocationView[];
  widgetErrors: { at: number; frame: number; errorCode: number | null; description: string }[];
  /** Findings about the page as a whole (registration, client function, configuration). */
  findings: Finding[];
  timeline: TimelineEntry[];
  /** The widget's configuration, when DevTools saw it load. */
  config: { at: number; url: string; reading: ConfigReading } | null;
  /** The widget's calls to `/auth/` endpoints, when DevTools saw them. */
  authCalls: AuthCallView[];
}

export interface AssembleOptions {
  contextVariables?: readonly ContextVariable[];
  /** Unix ms: invocations younger than 10 s without a callback are still pending. */
  nowMs?: number;
}


/**
 * A page session assembled from its events, with the costly part (analysing each invocation's
 * token) done on demand and remembered: the panel judges only the rows it shows, so a session
 * with 10,000 invocations renders at once. `assembleSession` judges everything.
 */
export class SessionAssembly {
  /** Everything but the invocations, which `invocation(i)` and `invocations()` judge. */
  readonly page: Omit<SessionView, 'invocations'>;
  readonly invocationCount: number;
  private readonly starts: (RecordedEvent & { k: 'inv' })[] = [];
  private readonly byKey = new Map<string, RecordedEvent[]>();
  private readonly judged: (InvocationView | undefined)[];
  private readonly base: (InvocationView | undefined)[];
  private readonly indexByKey = new Map<string, number>();
  /** Keys of the invocations the panel asked for. */
  private readonly reruns = new Set<string>();
  /** Auth calls by the index of the invocation whose token they carried. */
  private readonly callsByIndex = new Map<number, AuthCallView[]>();

  constructor(events: readonly RecordedEvent[], readonly options: AssembleOptions = {}) {
    // Same timestamp (coarse clocks, Firefox): a registration comes before the invocation it caused
    // synchronously, although the hook can only report it once setAuthTokenProvider has returned.
    const ordered = [...events].sort((a, b) => a.at - b.at || (a.k === 'reg' ? -1 : 0) - (b.k === 'reg' ? -1 : 0));
    const widget: WidgetView = { detected: false, version: null, orgId: null, appId: null, orgUrl: null, iframe: false, ready: false };
    const page: Omit<SessionView, 'invocations'> = { widget, route: null, registrations: [], widgetErrors: [], findings: [], timeline: [], config: null, authCalls: [] };
    const callTokens: (string | null)[] = [];
    /** The timeline position of each auth call, to tie its entry to an invocation. */
    const callEntries: number[] = [];
    /** Frame -> when the panel asked it to call the provider again (the next invocation there is that call). */
    const asked = new Map<number, number>();
    const missingFunctions = new Set<string>();

    for (const event of ordered) {
      const key = 'id' in event ? `${event.frame}:${event.id}` : undefined;
      if (key) {
        const list = this.byKey.get(key);
        if (list) list.push(event); else this.byKey.set(key, [event]);
      }
      switch (event.k) {
        case 'inv':
          if (key && !this.indexByKey.has(key)) {
            const askedAt = asked.get(event.frame);
            if (askedAt !== undefined && event.at - askedAt < 5000) { this.reruns.add(key); asked.delete(event.frame); }
            this.indexByKey.set(key, this.starts.length);
            this.starts.push(event);
          }
          break;
        case 'again':
          asked.set(event.frame, event.at);
          break;
        case 'reg':
          page.registrations.push({ at: event.at, frame: event.frame, isFunction: event.fn, argumentType: event.arg, beforeReady: !event.ready, ...(event.err ? { error: event.err } : {}) });
          page.route ??= 'setAuthTokenProvider';
          break;
        case 'req':
          page.route ??= 'clientFunction';
          if (!event.found) missingFunctions.add(event.name);
          break;
        case 'widget':
          if (event.script) applyScript(widget, event.script);
          widget.iframe ||= event.iframe;
          widget.detected = true;
          break;
        case 'evt':
          widget.detected = true;
          if (event.type === 'lcw:ready') widget.ready = true;
          if (event.type === 'lcw:error') page.widgetErrors.push({ at: event.at, frame: event.frame, ...readWidgetError(event.detail) });
          break;
        case 'cfg':
          page.config = { at: event.at, url: redactUrl(event.url), reading: event.status >= 200 && event.status < 300 ? parseWidgetConfig(event.body) : { ok: false, problem: `The configuration request answered ${event.status}.` } };
          widget.detected = true;
          break;
        case 'auth':
          page.authCalls.push({ at: event.at, url: redactUrl(event.url), endpoint: authEndpoint(event.url), method: event.method, status: event.status, message: event.status >= 400 ? authFailureMessage(event.body) : null });
          callTokens.push(event.token);
          callEntries.push(page.timeline.length);
          break;
      }
      // The configuration and the auth call were just read: describe them from that, not from the body again.
      const text = event.k === 'cfg' ? describeConfig(page.config!.reading, event.status)
        : event.k === 'auth' ? describeAuthCall(page.authCalls.at(-1)!)
        : describeEvent(event);
      page.timeline.push({ at: event.at, frame: event.frame, kind: event.k, text, ...(key ? { invocation: key } : {}) });
    }
    page.findings = pageFindings(page, missingFunctions);
    this.page = page;
    this.invocationCount = this.starts.length;
    this.judged = new Array(this.starts.length);
    this.base = new Array(this.starts.length);
    this.tieCalls(callTokens, callEntries);
  }

  /**
   * Ties each auth call to the invocation whose token it carried. The k-th call of an endpoint
   * with a token goes to the k-th invocation that handed that token over (a provider that returns
   * the same token every time makes the token alone ambiguous); the network's and the page's
   * clocks may differ by a few ms, hence the tolerance.
   */
  private tieCalls(callTokens: (string | null)[], callEntries: number[]) {
    if (this.page.authCalls.length === 0) return;
    const CLOCK_TOLERANCE_MS = 250;
    const byToken = new Map<string, number[]>();
    this.starts.forEach((start, index) => {
      const handed = this.byKey.get(`${start.frame}:${start.id}`)?.find(e => e.k === 'cb');
      const value = handed?.k === 'cb' && typeof handed.v === 'string' ? bareToken(handed.v) : undefined;
      if (value) byToken.set(value, [...(byToken.get(value) ?? []), index]);
    });
    const seen = new Map<string, number>();
    this.page.authCalls.forEach((call, n) => {
      const token = callTokens[n] ? bareToken(callTokens[n]) : undefined;
      if (!token) return;
      const eligible = (byToken.get(token) ?? []).filter(i => this.starts[i]!.at <= call.at + CLOCK_TOLERANCE_MS);
      if (eligible.length === 0) return;
      const counter = `${call.endpoint}\n${token}`;
      const k = seen.get(counter) ?? 0;
      seen.set(counter, k + 1);
      const index = eligible[Math.min(k, eligible.length - 1)]!;
      const start = this.starts[index]!;
      call.invocation = `${start.frame}:${start.id}`;
      this.callsByIndex.set(index, [...(this.callsByIndex.get(index) ?? []), call]);
      this.page.timeline[callEntries[n]!]!.invocation = call.invocation;
    });
  }

  /** The invocation judged on its own (no comparison with the others), remembered. */
  private baseInvocation(index: number): InvocationView {
    let view = this.base[index];
    if (!view) {
      const start = this.starts[index];
      if (!start) throw new RangeError(`no invocation ${index}`);
      view = judgeInvocation(start, this.byKey.get(`${start.frame}:${start.id}`) ?? [], this.options, this.page.config?.reading);
      if (this.reruns.has(view.key)) view.rerun = true;
      this.base[index] = view;
    }
    return view;
  }

  /** The invocation at `index` (in start order), judged on first use. */
  invocation(index: number): InvocationView {
    let view = this.judged[index];
    if (!view) {
      const own = this.baseInvocation(index);
      const extra = [
        ...(index > 0 ? acrossInvocations(this.baseInvocation(index - 1), own) : []),
        ...(this.callsByIndex.get(index) ?? []).flatMap(call => callFindings(call, own)),
      ];
      view = extra.length === 0 ? own : { ...own, findings: [...own.findings, ...extra], errorCode: predictedErrorCode([...own.findings, ...extra]) };
      this.judged[index] = view;
    }
    return view;
  }

  /** The `/auth/` calls that carried the token of the invocation at `index`. */
  authCallsOf(index: number): readonly AuthCallView[] {
    return this.callsByIndex.get(index) ?? [];
  }

  /** The invocation at `index` if it was judged already (never judges). */
  judgedInvocation(index: number): InvocationView | undefined {
    return this.judged[index];
  }

  /** When the invocation at `index` started (Unix ms), without judging it. */
  startedAt(index: number): number | undefined {
    return this.starts[index]?.at;
  }

  /** The `lcw:error`s raised after the invocation at `index` started and before the next one did. */
  widgetErrorsAfter(index: number): SessionView['widgetErrors'] {
    const from = this.startedAt(index) ?? Infinity;
    const to = this.startedAt(index + 1) ?? Infinity;
    return this.page.widgetErrors.filter(e => e.at >= from && e.at < to);
  }

  /** The index of the invocation with `key` (`frame:id`), or -1. */
  indexOf(key: string): number {
    return this.indexByKey.get(key) ?? -1;
  }

  /** Every invocation, judged. */
  invocations(): InvocationView[] {
    return this.starts.map((_, index) => this.invocation(index));
  }

  /** The whole view, every invocation judged. */
  view(): SessionView {
    return { ...this.page, invocations: this.invocations() };
  }
}

export function assembleSession(events: readonly RecordedEvent[], options: AssembleOptions = {}): SessionView {
  return new SessionAssembly(events, options).view();
}

/** A token as handed over or sent, without the wrapping either side may add ("Bearer ", whitespace). */
const bareToken = (value: string) => value.trim().replace(/^Bearer\s+/i, '');

/** What comparing an invocation with the one before says: another user, the same expired token again. */
function acrossInvocations(previous: InvocationView, current: InvocationView): Finding[] {
  const out: Finding[] = [];
  const sub = (v: InvocationView) => (typeof v.analysis?.claims?.sub === 'string' ? v.analysis.claims.sub : undefined);
  const [before, now] = [sub(previous), sub(current)];
  if (before !== undefined && now !== undefined && before !== now) {
    out.push(finding('session.sub-changed', `"sub" is ${JSON.stringify(now)}; the previous invocation's token had ${JSON.stringify(before)}.`));
  }
  const token = (v: InvocationView) => v.analysis?.token ?? undefined;
  if (token(current) && token(current) === token(previous) && current.findings.some(f => f.rule === 'time.expired')) {
    out.push(finding('session.stale-token-reused', `The widget asked again (invocation ${current.key}) and got the same expired token as invocation ${previous.key}.`));
  }
  return out;
}

/** What one `/auth/` call says about the invocation whose token it carried. */
function callFindings(call: AuthCallView, invocation: InvocationView): Finding[] {
  const out: Finding[] = [];
  const said = call.message ? `: ${JSON.stringify(call.message)}` : '';
  if (call.status === 401 && /userid not found/i.test(call.message ?? '')) {
    const sub = invocation.analysis?.claims?.sub;
    out.push(finding('auth.user-not-found', `${call.endpoint} answered 401${said}: no active contact has the id ${JSON.stringify(sub ?? '(no sub)')}.`));
  } else if (call.status === 401 && call.endpoint === 'getchattoken') {
    out.push(finding('auth.rejected', `getchattoken answered 401${said}: the service refused this token.`));
  } else if (call.endpoint === 'validateauthchatmaprecord' && call.status >= 400) {
    out.push(finding('auth.chat-map-mismatch', `validateauthchatmaprecord answered ${call.status}${said}: the cached chat belongs to another user than ${JSON.stringify(invocation.analysis?.claims?.sub ?? '(no sub)')}.`));
  } else if (call.status >= 400) {
    out.push(finding('auth.failed', `${call.method} ${call.endpoint} answered ${call.status}${said}.`));
  }
  const exp = invocation.analysis?.times.exp;
  if (exp !== undefined && call.at / 1000 > exp) {
    out.push(finding('session.chat-outlived-token', `${call.endpoint} was called with this token ${duration(call.at / 1000 - exp)} after it expired.`));
  }
  return out;
}

function applyScript(widget: WidgetView, script: WidgetScript) {
  widget.version = script.version || null;
  widget.orgId = script.orgId || null;
  widget.appId = script.appId || null;
  widget.orgUrl = script.orgUrl || null;
}

/** `lcw:error` details come as `{errorCode, errorDescription}`, as a raw exception, or as anything. */
function readWidgetError(detail: unknown): { errorCode: number | null; description: string } {
  if (detail !== null && typeof detail === 'object') {
    const d = detail as Record<string, unknown>;
    const code = typeof d.errorCode === 'number' ? d.errorCode : typeof d.errorCode === 'string' && /^\d+$/.test(d.errorCode) ? Number(d.errorCode) : null;
    const description = typeof d.errorDescription === 'string' ? d.errorDescription
      : typeof d.m === 'string' ? `${String(d.n ?? 'Error')}: ${d.m}` : typeof d.message === 'string' ? d.message : describeValue(detail);
    return { errorCode: code, description };
  }
  return { errorCode: null, description: detail == null ? '(no detail)' : String(detail) };
}

/** The value the page handed over, rebuilt for the engine from its recorded form. */
function handedToRaw(value: HandedValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (value.o) {
    case 'object': return value.p;
    case 'promise': return Promise.resolve();
    case 'array': return [];
    case 'function': return function handedFunction() { /* stands for the function the page passed */ };
    default: return Symbol(value.o);
  }
}

function judgeInvocation(start: RecordedEvent & { k: 'inv' }, events: RecordedEvent[], options: AssembleOptions, config?: ConfigReading): InvocationView {
  const callbacks = events.flatMap(e => (e.k === 'cb' ? [{ at: e.at, sync: e.sync, value: e.v }] : []));
  const end = events.find(e => e.k === 'end');
  const threw = end?.k === 'end' ? end.err : undefined;
  const rejection = events.find(e => e.k === 'rej');
  const rejected = rejection?.k === 'rej' ? rejection.err : undefined;
  const timedOut = events.some(e => e.k === 'timeout');
  const first = callbacks[0];
  const route = start.route === 'sdk' ? 'setAuthTokenProvider' : 'clientFunction';
  const findings: Finding[] = [];

  if (threw) findings.push(finding('invocation.threw', `The provider threw ${threw.n}: ${JSON.stringify(threw.m)}${threw.s ? ` (${threw.s})` : ''}.`));
  if (rejected && !first) findings.push(finding('invocation.rejected', `The provider's promise was rejected with ${rejected.n}: ${JSON.stringify(rejected.m)}${rejected.s ? ` (${rejected.s})` : ''}.`));
  const overdue = !first && (timedOut || (options.nowMs !== undefined && options.nowMs - start.at > CALLBACK_LIMIT_MS));
  if (overdue && !threw) findings.push(finding('invocation.no-callback', 'The provider did not call back within 10 seconds.'));
  if (first && !first.sync && route === 'setAuthTokenProvider') {
    findings.push(finding('invocation.async-callback', `The callback ran ${elapsed(first.at - start.at)} after the provider was called, after the provider had returned.`));
  }
  if (callbacks.length > 1) findings.push(finding('invocation.multiple-callbacks', `The callback ran ${callbacks.length} times for this invocation.`));

  let analysis: TokenAnalysis | null = null;
  // OAuth 2.0: the page hands over an authorization code, which no JWT rule applies to.
  const oauth = config?.ok === true && config.config.authenticationType === 'oauth2';
  if (first && !oauth) {
    analysis = analyzeTokenSync(handedToRaw(first.value), { now: first.at / 1000, ...(options.contextVariables ? { contextVariables: options.contextVariables } : {}) });
    findings.push(...analysis.findings);
  }
  const outcome: InvocationOutcome = threw ? 'threw'
    : first ? outcomeOfValue(first.value)
    : rejected ? 'rejected' : overdue ? 'timeout' : 'pending';
  if (outcome === 'empty' && config?.ok && config.config.signInOptional) {
    // Sign-in optional: no token means "continue anonymously", which is not error 3.
    const kept = findings.filter(f => f.rule !== 'token.empty' && f.rule !== 'token.missing');
    findings.splice(0, findings.length, ...kept, finding('config.sign-in-optional', 'The provider handed over no token, and the widget is configured with "sign-in optional": the chat continues anonymously.'));
  }
  const errorCode = predictedErrorCode(findings);
  return {
    key: `${start.frame}:${start.id}`, frame: start.frame, route, ...(start.name ? { functionName: start.name } : {}),
    startedAt: start.at, callbacks, callbackCount: callbacks.length,
    callbackAsync: first ? !first.sync : null, msToToken: first ? first.at - start.at : null,
    ...(threw ? { threw } : {}), ...(rejected ? { rejected } : {}),
    outcome, analysis, findings, errorCode,
  };
}

/** "61 ms" below two seconds, else "3 seconds", "2 minutes". */
function elapsed(ms: number): string {
  return ms < 2000 ? `${Math.round(ms)} ms` : duration(ms / 1000);
}

function outcomeOfValue(value: HandedValue): InvocationOutcome {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'empty';
  return typeof value === 'string' ? 'token' : 'non-string';
}

function pageFindings(view: Omit<SessionView, 'invocations'>, missingFunctions: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const reg of view.registrations) {
    if (!reg.isFunction) {
      findings.push(finding('registration.non-function', `setAuthTokenProvider was called with ${reg.argumentType === 'null' ? 'null' : `a value of type ${reg.argumentType}`}${reg.error ? `; the SDK threw ${JSON.stringify(reg.error.m)}` : ''}.`));
    } else if (reg.beforeReady) {
      findings.push(finding('registration.before-ready', 'setAuthTokenProvider was called before lcw:ready fired.'));
    }
  }
  for (const name of missingFunctions) {
    findings.push(finding('invocation.client-function-missing', `The widget asked for a token through "${name}", which is not a function on this page.`,
      `Define window.${name} (a function taking a callback), or correct the name in the chat authentication settings.`));
  }
  const config = view.config?.reading;
  if (config && !config.ok) findings.push(finding('config.unreadable', config.problem));
  if (config?.ok && config.config.authenticationType === 'oauth2') {
    findings.push(finding('config.oauth', `The chat authentication type is OAuth 2.0 (msdyn_authenticationtype ${JSON.stringify(config.config.authenticationTypeRaw)}): the page hands over an authorization code; JWT checks do not apply.`));
  }
  if (view.widget.ready && view.route === null) {
    findings.push(finding('registration.none', 'lcw:ready fired, but no token provider was registered and no client function was asked for.'));
  }
  return findings;
}

function describeConfig(reading: ConfigReading, status: number): string {
  if (!reading.ok) return `Widget configuration ${status >= 200 && status < 300 ? 'not readable' : `answered ${status}`}`;
  const c = reading.config;
  return `Widget configuration: ${c.authenticationType === 'oauth2' ? 'OAuth 2.0' : c.authenticationType === 'jwt' ? 'JWT' : `authentication type ${c.authenticationTypeRaw}`}${c.clientFunction ? `, client function ${c.clientFunction}` : ''}${c.publicKeyUrl ? `, public key ${c.publicKeyUrl}` : ''}${c.signInOptional ? ', sign-in optional' : ''}${c.persistentChat ? ', persistent chat' : ''}`;
}

function describeAuthCall(call: AuthCallView): string {
  return `${call.method} ${call.endpoint} → ${call.status}${call.message ? ` ${call.message}` : ''}`;
}

function describeEvent(event: Exclude<RecordedEvent, { k: 'cfg' | 'auth' }>): string {
  switch (event.k) {
    case 'reg': return `setAuthTokenProvider(${event.fn ? 'function' : event.arg})${event.err ? ` threw ${event.err.m}` : ''}${event.ready ? '' : ' before lcw:ready'}`;
    case 'inv': return event.route === 'sdk' ? `Provider invoked (#${event.id})` : `Client function ${event.name ?? ''} invoked (#${event.id})`;
    case 'cb': return `Callback #${event.id} ${event.sync ? 'synchronously' : 'asynchronously'} with ${typeof event.v === 'string' ? (event.v.trim() ? `a token of ${event.v.length} characters` : 'an empty string') : describeValue(handedToRaw(event.v))}`;
    case 'end': return `Provider #${event.id} ${event.err ? `threw ${event.err.n}: ${event.err.m}` : 'returned'}`;
    case 'rej': return `Provider #${event.id}'s promise rejected: ${event.err.m}`;
    case 'timeout': return `No callback from #${event.id} within 10 s`;
    case 'evt': {
      if (event.type !== 'lcw:error') return event.type;
      const { errorCode, description } = readWidgetError(event.detail);
      return `lcw:error${errorCode === null ? '' : ` ${errorCode}`}: ${description}`;
    }
    case 'req': return `Widget asked for a token via ${event.name}${event.found ? '' : ' (not found)'}`;
    case 'again': return 'Call provider again (asked from the panel)';
    case 'widget': return `Widget ${event.script ? `script (app ${event.script.appId || '?'}, ${event.script.version || 'version ?'})` : ''}${event.iframe ? ' iframe' : ''} found`;
  }
}
