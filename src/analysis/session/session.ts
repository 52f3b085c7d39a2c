/**
 * From the raw facts the page hook, the relay and the DevTools page recorded to what a support
 * engineer wants to know: which route the page uses, each invocation judged (its token analysed),
 * widget errors, the widget's traffic tied to the invocations whose tokens it carried, and a
 * timeline. Pure: the panel assembles what it read from storage, the tests what they recorded.
 * Judging an invocation (analysing its token) is done on demand and remembered, so a session of
 * 10,000 invocations renders at once; `assembleSession` judges everything.
 */
import { judgeInvocation, type InvocationStart } from './invocation.js';
import { PageReader, type ReadCall } from './page-reader.js';
import { predictedErrorCode } from '../findings/rules.js';
import { acrossInvocations, callFindings, deliveryFindings, pageFindings } from './invocation-rules.js';
import {
  contextBesideToken,
  sentContextBesideToken,
  firstTokenAt,
  intermittentProvider,
  paneFindings,
  untokenedCalls,
} from './page-rules.js';
import {
  invocationKey,
  type AssembleOptions,
  type AuthCallView,
  type DeliveryView,
  type InvocationView,
  type PageView,
  type SessionView,
  type WidgetErrorView,
} from './session-view.js';
import { NETWORK_FRAME } from '../../protocol/network.js';
import { isCutString, type CutString } from '../../protocol/hook.js';
import type { RecordedEvent } from '../../record/format.js';
import type { Finding } from '../findings/finding.js';
import { fingerprintText } from '../../protocol/page-events.js';

export type * from './session-view.js';
export { invocationKey } from './session-view.js';

/** The network's and the page's clocks may differ by a few ms when tying a call to an invocation. */
const CLOCK_TOLERANCE_MS = 250;
/** Two frames' clocks (each its document's time origin) agree this closely, coarse timers included. */
const FRAME_SKEW_MS = 2;

/** A page session assembled from its events; invocations are judged when first asked for. */
export class SessionAssembly {
  /** Everything but the invocations, which `invocation(i)` and `invocations()` judge. */
  readonly page: PageView;
  readonly invocationCount: number;
  private readonly starts: readonly InvocationStart[];
  private readonly eventsByKey: Map<string, RecordedEvent[]>;
  private readonly reruns: ReadonlySet<string>;
  private readonly indexByKey = new Map<string, number>();
  private readonly judged: (InvocationView | undefined)[];
  private readonly base: (InvocationView | undefined)[];
  /** Auth calls by the index of the invocation whose token they carried. */
  private readonly callsByIndex = new Map<number, AuthCallView[]>();
  /** What the widget's frame received, by the index of the invocation it answered. */
  private readonly deliveryByIndex = new Map<number, DeliveryView>();

  constructor(
    events: readonly RecordedEvent[],
    readonly options: AssembleOptions = {},
  ) {
    // Same timestamp (coarse clocks, Firefox): a registration comes before the invocation it caused
    // synchronously, although the hook can only report it once setAuthTokenProvider has returned.
    const regFirst = (e: RecordedEvent) => (e.k === 'reg' ? -1 : 0);
    const ordered = [...events].sort((a, b) => a.at - b.at || regFirst(a) - regFirst(b));
    const reader = new PageReader();
    for (const event of ordered) reader.read(event);
    reader.finish();
    reader.page.findings = pageFindings(reader.page, reader.missingFunctions, reader.nearNames);
    this.page = reader.page;
    this.eventsByKey = reader.eventsByKey;
    this.page.findings.push(...this.patternFindings(reader));
    this.starts = this.withWireTokens(reader.starts, reader.calls);
    this.reruns = reader.reruns;
    this.starts.forEach((start, index) => this.indexByKey.set(invocationKey(start), index));
    this.invocationCount = this.starts.length;
    this.judged = new Array<InvocationView | undefined>(this.starts.length);
    this.base = new Array<InvocationView | undefined>(this.starts.length);
    const byToken = this.invocationsByToken();
    this.tieCalls(reader.calls, byToken);
    this.tieDeliveries(byToken);
  }

  /**
   * A token the widget sent that no recorded invocation handed over (a custom widget on the npm
   * SDK, an integration the hook does not know, a provider called before the extension was
   * there) is judged like any other: it gets a stand-in invocation, route 'wire', at the time the
   * first call carried it, which handed it over at once.
   */
  private withWireTokens(starts: readonly InvocationStart[], calls: readonly ReadCall[]): InvocationStart[] {
    const handed = new Set<string>();
    for (const events of this.eventsByKey.values())
      for (const e of events) if (e.k === 'cb' && typeof e.v === 'string') handed.add(bareToken(e.v));
    const extra: InvocationStart[] = [];
    for (const { token, view, tokenCut } of calls) {
      // A header cut to what the record keeps is not the token itself: nothing to judge it by.
      if (!token || tokenCut || handed.has(bareToken(token))) continue;
      handed.add(bareToken(token));
      const start: InvocationStart = {
        k: 'inv',
        at: view.at,
        id: extra.length + 1,
        frame: NETWORK_FRAME,
        route: 'wire',
      };
      const handedOver: RecordedEvent = {
        k: 'cb',
        at: view.at,
        id: start.id,
        frame: NETWORK_FRAME,
        sync: true,
        v: token,
      };
      this.eventsByKey.set(invocationKey(start), [handedOver]);
      extra.push(start);
    }
    if (extra.length === 0) return [...starts];
    return [...starts, ...extra].sort((a, b) => a.at - b.at);
  }

  /** What the session says as a whole: calls without a token, a provider failing sometimes, context, panes. */
  private patternFindings(reader: PageReader): Finding[] {
    const config = this.page.config?.reading;
    const settings = config?.ok ? config.config : undefined;
    // No token is the point of sign-in optional; OAuth 2.0 hands over a code by its own route.
    const tokenExpected =
      !settings?.signInOptional &&
      settings?.authenticationType !== 'oauth2' &&
      this.page.route !== 'setAuthCodeProvider';
    const firstToken = firstTokenAt(reader.eventsByKey);
    const starts = reader.starts.map(start => ({ key: invocationKey(start), id: start.id }));
    let latestToken: string | undefined;
    for (let i = reader.starts.length - 1; i >= 0 && latestToken === undefined; i--)
      latestToken = this.tokenOf(reader, invocationKey(reader.starts[i]!));
    latestToken ??= [...reader.calls].reverse().find(c => c.token?.trim() && !c.tokenCut)?.token ?? undefined;
    return [
      ...(tokenExpected ? untokenedCalls(reader.calls, firstToken, settings?.persistentChat === true) : []),
      ...(settings?.signInOptional ? [] : intermittentProvider(starts, reader.eventsByKey)),
      ...contextBesideToken(this.page.context, latestToken),
      ...sentContextBesideToken(reader.calls),
      ...paneFindings(this.page.panes),
    ];
  }

  /** The token an invocation handed over first (as handed), when it handed over a string. */
  private tokenOf(reader: PageReader, key: string): string | undefined {
    const handed = reader.eventsByKey.get(key)?.find(e => e.k === 'cb');
    return handed?.k === 'cb' && typeof handed.v === 'string' && handed.v.trim() ? handed.v : undefined;
  }

  /** The invocations that handed over each token, in start order: calls and deliveries are tied by them. */
  private invocationsByToken(): Map<string, number[]> {
    const byToken = new Map<string, number[]>();
    for (let i = 0; i < this.starts.length; i++) {
      const token = this.handedToken(i);
      if (token) byToken.set(token, [...(byToken.get(token) ?? []), i]);
    }
    return byToken;
  }

  /** The token the invocation at `index` handed over first, without "Bearer " or whitespace. */
  private handedToken(index: number): string | undefined {
    const handed = this.eventsByKey.get(invocationKey(this.starts[index]!))?.find(e => e.k === 'cb');
    return handed?.k === 'cb' && typeof handed.v === 'string' ? bareToken(handed.v) || undefined : undefined;
  }

  /** Whether the invocation at `index` handed over the long token a delivery kept as length and fingerprint. */
  private handedMatches(index: number, long: CutString): boolean {
    const handed = this.eventsByKey.get(invocationKey(this.starts[index]!))?.find(e => e.k === 'cb');
    if (handed?.k !== 'cb') return false;
    const v = handed.v;
    if (typeof v === 'string') return v.length === long.n && fingerprintText(v) === long.h;
    return isCutString(v) && v.n === long.n && v.h === long.h;
  }

  /**
   * Ties what the widget's frame received to the invocation it answered. The v1 host posts once per
   * provider call that returned (a throw reaches the page instead), right after it returned, and
   * the message reaches the widget's frame tens of ms later (another process): so deliveries pair
   * with those invocations in order. A delivered token that is exactly a later invocation's skips
   * to it (the ones between got none); a client function's answers pair by their token first. A
   * received token is also traced to the invocation that handed it over, which may be an earlier
   * one (v1's shared token field). An invocation that got no message (the frame did not exist yet)
   * followed by one whose token is the same cannot be told apart: the first is paired. On v2 the
   * frame asks for the provider's token (authSDKClientFunction) and gets it as an authTokenResponse:
   * such an answer pairs with the provider's invocations when no client function was called.
   */
  private tieDeliveries(byToken: ReadonlyMap<string, number[]>) {
    const candidates: Record<'sdk' | 'fn', number[]> = { sdk: [], fn: [] };
    for (let i = 0; i < this.starts.length; i++) {
      const threw = this.eventsByKey.get(invocationKey(this.starts[i]!))?.some(e => e.k === 'end' && e.err);
      const route = this.starts[i]!.route;
      if (!threw && route !== 'wire') candidates[route === 'fn' ? 'fn' : 'sdk'].push(i);
    }
    const cursor = { sdk: 0, fn: 0 };
    const startOf = (i: number) => this.starts[i]!.at;
    for (const delivery of this.page.deliveries) {
      const response = delivery.via === 'authTokenResponse';
      const route = response && (candidates.fn.length > 0 || candidates.sdk.length === 0) ? 'fn' : 'sdk';
      const { value } = delivery;
      const token = typeof value === 'string' ? bareToken(value) : '';
      // A long token the record keeps as length and fingerprint is compared by those.
      const long = isCutString(value) ? value : undefined;
      const sameAs = (i: number) =>
        long ? this.handedMatches(i, long) : token !== '' && this.handedToken(i) === token;
      const handers = long ? this.starts.flatMap((_, i) => (sameAs(i) ? [i] : [])) : (byToken.get(token) ?? []);
      const answered = handers.filter(
        i => startOf(i) <= delivery.at + FRAME_SKEW_MS && (this.starts[i]!.route === 'fn') === (route === 'fn'),
      );
      let index: number;
      if (response && answered.length > 0) {
        index = answered[answered.length - 1]!;
        // Answered by token: the invocations before it in order are past.
        const position = candidates[route].indexOf(index);
        if (position >= cursor[route]) cursor[route] = position + 1;
      } else {
        const list = candidates[route];
        let c = cursor[route];
        if (c >= list.length || startOf(list[c]!) > delivery.at + FRAME_SKEW_MS) continue;
        // A token that is exactly a later candidate's (and not this one's): the ones before it got nothing.
        const comparable = token !== '' || long !== undefined;
        if (comparable && !sameAs(list[c]!)) {
          const later = list.findIndex((i, k) => k > c && startOf(i) <= delivery.at + FRAME_SKEW_MS && sameAs(i));
          if (later > 0) c = later;
        }
        index = list[c]!;
        cursor[route] = c + 1;
      }
      delivery.invocation = invocationKey(this.starts[index]!);
      // Whose token it is: this invocation's, else the latest one before it that handed it over.
      const handedBy = handers.filter(i => i <= index).at(-1);
      if (handedBy !== undefined) delivery.tokenOf = invocationKey(this.starts[handedBy]!);
      if (!this.deliveryByIndex.has(index)) this.deliveryByIndex.set(index, delivery);
    }
  }

  /**
   * Ties each auth call to the invocation whose token it carried. The k-th call of an endpoint
   * with a token goes to the k-th invocation that handed that token over (a provider that returns
   * the same token every time makes the token alone ambiguous).
   */
  private tieCalls(calls: readonly ReadCall[], byToken: ReadonlyMap<string, number[]>) {
    if (calls.length === 0) return;
    const seen = new Map<string, number>();
    for (const { view: call, token: carried, entry } of calls) {
      const token = carried ? bareToken(carried) : undefined;
      if (!token) continue;
      const eligible = (byToken.get(token) ?? []).filter(i => this.starts[i]!.at <= call.at + CLOCK_TOLERANCE_MS);
      if (eligible.length === 0) continue;
      const counter = `${call.endpoint}\n${token}`;
      const k = seen.get(counter) ?? 0;
      seen.set(counter, k + 1);
      const index = eligible[Math.min(k, eligible.length - 1)]!;
      call.invocation = invocationKey(this.starts[index]!);
      this.callsByIndex.set(index, [...(this.callsByIndex.get(index) ?? []), call]);
      this.page.timeline[entry]!.invocation = call.invocation;
    }
  }

  /** The invocation judged on its own (no comparison with the others), remembered. */
  private baseInvocation(index: number): InvocationView {
    let view = this.base[index];
    if (!view) {
      const start = this.starts[index];
      if (!start) throw new RangeError(`no invocation ${index}`);
      const events = this.eventsByKey.get(invocationKey(start)) ?? [];
      const options = {
        ...this.options,
        widgetKind: this.options.widgetKind ?? this.page.widget.kind,
        portal: this.options.portal ?? this.page.widget.portal,
      };
      view = judgeInvocation(start, events, options, this.page.config?.reading);
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
      const delivery = this.deliveryByIndex.get(index);
      // What the widget was seen to receive comes first: observed beats predicted.
      const config = this.page.config?.reading;
      const signInOptional = config?.ok === true && config.config.signInOptional;
      const observed = delivery ? deliveryFindings(delivery, own, this.tokenOwner(delivery), signInOptional) : [];
      const extra = [
        ...(index > 0 ? acrossInvocations(this.baseInvocation(index - 1), own) : []),
        ...sameOnce((this.callsByIndex.get(index) ?? []).flatMap(call => callFindings(call, own))),
      ];
      const findings = [...observed, ...own.findings, ...extra];
      view = extra.length + observed.length === 0 ? own : { ...own, findings, errorCode: predictedErrorCode(findings) };
      if (delivery) view = { ...view, received: delivery };
      this.judged[index] = view;
    }
    return view;
  }

  /** The invocation that handed over the token a delivery carried, judged on its own. */
  private tokenOwner(delivery: DeliveryView): InvocationView | undefined {
    const index = delivery.tokenOf === undefined ? undefined : this.indexByKey.get(delivery.tokenOf);
    return index === undefined ? undefined : this.baseInvocation(index);
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
  widgetErrorsAfter(index: number): WidgetErrorView[] {
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

/** Findings that say the same thing (one per call with the same answer) once, with how many calls said it. */
function sameOnce(findings: readonly Finding[]): Finding[] {
  const counts = new Map<string, { finding: Finding; n: number }>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.message}`;
    const seen = counts.get(key);
    if (seen) seen.n++;
    else counts.set(key, { finding: f, n: 1 });
  }
  return [...counts.values()].map(({ finding, n }) =>
    n === 1 ? finding : { ...finding, message: `${finding.message.replace(/\.$/, '')} (${n} calls).` },
  );
}
