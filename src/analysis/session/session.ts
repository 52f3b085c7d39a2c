/**
 * From the raw facts the page hook, the relay and the DevTools page recorded to what a support
 * engineer wants to know: which route the page uses, each invocation judged (its token analysed),
 * widget errors, the widget's traffic tied to the invocations whose tokens it carried, and a
 * timeline. Pure: the panel assembles what it read from storage, the tests what they recorded.
 * Judging an invocation (analysing its token) is done on demand and remembered, so a session of
 * 10,000 invocations renders at once; `assembleSession` judges everything.
 */
import { judgeInvocation, type InvocationStart } from './invocation.js';
import { invocationsByToken, tieCalls, tieDeliveries, withWireTokens } from './ties.js';
import { PageReader } from './page-reader.js';
import { predictedErrorCode } from '../findings/rules.js';
import { acrossInvocations, callFindings, deliveryFindings } from './invocation-rules.js';
import { patternFindings, pageFindings } from './page-rules.js';
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
import type { RecordedEvent } from '../../record/format.js';
import type { Finding } from '../findings/finding.js';
import { lostCount } from './timeline.js';
import { errorsBetween, observedError } from './observed.js';
import { frameRoles } from './frames.js';

export type * from './session-view.js';
export { invocationKey, invocationLabel } from './session-view.js';

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
  private readonly callsByIndex: ReadonlyMap<number, AuthCallView[]>;
  /** What the widget's frame received, by the index of the invocation it answered. */
  private readonly deliveryByIndex: ReadonlyMap<number, DeliveryView>;
  /** When the next page invocation after each one started (Infinity for the newest). */
  private readonly windowEnd: number[];

  constructor(
    events: readonly RecordedEvent[],
    readonly options: AssembleOptions = {},
  ) {
    // Same timestamp (coarse clocks, Firefox): a registration comes before the invocation it caused
    // synchronously, although the hook can only report it once setAuthTokenProvider has returned.
    const regFirst = (e: RecordedEvent) => (e.k === 'reg' ? -1 : 0);
    const ordered = [...events].sort((a, b) => a.at - b.at || regFirst(a) - regFirst(b));
    const reader = new PageReader(options.frames ? frameRoles(ordered, options.frames) : undefined);
    for (const event of ordered) reader.read(event);
    reader.finish(options.source === 'har');
    reader.page.lostEvents.bounds = options.stored?.dropped ?? 0;
    reader.page.lostEvents.quota = options.stored?.quotaDropped ?? 0;
    reader.page.lostEvents.unreadable = options.unreadable ?? 0;
    reader.page.findings = pageFindings(reader.page, reader.missingFunctions, reader.nearNames);
    this.page = reader.page;
    this.eventsByKey = reader.eventsByKey;
    // A page that registers a string 5,500 times gets one finding that says how often, not 5,500.
    this.page.findings = sameOnce([...this.page.findings, ...patternFindings(reader, this.page)], 'times');
    this.starts = withWireTokens(reader.starts, reader.calls, this.eventsByKey);
    this.reruns = reader.reruns;
    this.starts.forEach((start, index) => this.indexByKey.set(invocationKey(start), index));
    this.invocationCount = this.starts.length;
    this.judged = new Array<InvocationView | undefined>(this.starts.length);
    this.base = new Array<InvocationView | undefined>(this.starts.length);
    const started = { starts: this.starts, eventsByKey: this.eventsByKey, reruns: this.reruns };
    // Each page invocation's window runs to the next page invocation's start (the panel's own do not count).
    let next = Infinity;
    this.windowEnd = new Array<number>(this.starts.length);
    for (let i = this.starts.length - 1; i >= 0; i--) {
      this.windowEnd[i] = next;
      if (!this.reruns.has(invocationKey(this.starts[i]!))) next = this.starts[i]!.at;
    }
    const byToken = invocationsByToken(started);
    this.callsByIndex = tieCalls(started, reader.calls, byToken, this.page.timeline);
    this.deliveryByIndex = tieDeliveries(started, this.page.deliveries, byToken);
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
        lost: lostCount(this.page.lostEvents),
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
        ...(this.previousPage(index) >= 0 ? acrossInvocations(this.baseInvocation(this.previousPage(index)), own) : []),
        ...sameOnce((this.callsByIndex.get(index) ?? []).flatMap(call => callFindings(call, own))),
      ];
      const findings = [...observed, ...own.findings, ...extra];
      view = extra.length + observed.length === 0 ? own : { ...own, findings, errorCode: predictedErrorCode(findings) };
      if (delivery) view = { ...view, received: delivery };
      const seen = observedError(view, this.widgetErrorsAfter(index), findings);
      if (seen) view = { ...view, observed: seen };
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

  /**
   * The `lcw:error`s tied to the invocation at `index`: raised after it started and before the next
   * page invocation did. None for the panel's own calls, whose token went to nobody.
   */
  widgetErrorsAfter(index: number): WidgetErrorView[] {
    const start = this.starts[index];
    if (!start || this.reruns.has(invocationKey(start))) return [];
    return errorsBetween(this.page.widgetErrors, start.at, this.windowEnd[index]!);
  }

  /** The page invocation before the one at `index` (-1: none, or it is the panel's own call, compared with nothing). */
  private previousPage(index: number): number {
    if (this.isRerun(index)) return -1;
    for (let i = index - 1; i >= 0; i--) if (!this.isRerun(i)) return i;
    return -1;
  }

  /** Whether the invocation at `index` is the panel's own ("Call provider again"), without judging it. */
  isRerun(index: number): boolean {
    const start = this.starts[index];
    return start !== undefined && this.reruns.has(invocationKey(start));
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

/** Findings that say the same thing (one per call with the same answer) once, with how many calls said it. */
function sameOnce(findings: readonly Finding[], unit = 'calls'): Finding[] {
  const counts = new Map<string, { finding: Finding; n: number }>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.message}`;
    const seen = counts.get(key);
    if (seen) seen.n++;
    else counts.set(key, { finding: f, n: 1 });
  }
  return [...counts.values()].map(({ finding, n }) =>
    n === 1 ? finding : { ...finding, message: `${finding.message.replace(/\.$/, '')} (${n} ${unit}).` },
  );
}
