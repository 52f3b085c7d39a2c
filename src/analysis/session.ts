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
import { predictedErrorCode } from './rules.js';
import { acrossInvocations, callFindings, pageFindings } from './session-rules.js';
import {
  invocationKey,
  type AssembleOptions,
  type AuthCallView,
  type InvocationView,
  type PageView,
  type SessionView,
  type WidgetErrorView,
} from './session-view.js';
import type { RecordedEvent } from '../record/format.js';

export type * from './session-view.js';
export { invocationKey } from './session-view.js';

/** The network's and the page's clocks may differ by a few ms when tying a call to an invocation. */
const CLOCK_TOLERANCE_MS = 250;

/** A page session assembled from its events; invocations are judged when first asked for. */
export class SessionAssembly {
  /** Everything but the invocations, which `invocation(i)` and `invocations()` judge. */
  readonly page: PageView;
  readonly invocationCount: number;
  private readonly starts: readonly InvocationStart[];
  private readonly eventsByKey: ReadonlyMap<string, RecordedEvent[]>;
  private readonly reruns: ReadonlySet<string>;
  private readonly indexByKey = new Map<string, number>();
  private readonly judged: (InvocationView | undefined)[];
  private readonly base: (InvocationView | undefined)[];
  /** Auth calls by the index of the invocation whose token they carried. */
  private readonly callsByIndex = new Map<number, AuthCallView[]>();

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
    reader.page.findings = pageFindings(reader.page, reader.missingFunctions);
    this.page = reader.page;
    this.starts = reader.starts;
    this.eventsByKey = reader.eventsByKey;
    this.reruns = reader.reruns;
    this.starts.forEach((start, index) => this.indexByKey.set(invocationKey(start), index));
    this.invocationCount = this.starts.length;
    this.judged = new Array<InvocationView | undefined>(this.starts.length);
    this.base = new Array<InvocationView | undefined>(this.starts.length);
    this.tieCalls(reader.calls);
  }

  /**
   * Ties each auth call to the invocation whose token it carried. The k-th call of an endpoint
   * with a token goes to the k-th invocation that handed that token over (a provider that returns
   * the same token every time makes the token alone ambiguous).
   */
  private tieCalls(calls: readonly ReadCall[]) {
    if (calls.length === 0) return;
    const byToken = new Map<string, number[]>();
    this.starts.forEach((start, index) => {
      const handed = this.eventsByKey.get(invocationKey(start))?.find(e => e.k === 'cb');
      const value = handed?.k === 'cb' && typeof handed.v === 'string' ? bareToken(handed.v) : undefined;
      if (value) byToken.set(value, [...(byToken.get(value) ?? []), index]);
    });
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
      view = judgeInvocation(start, events, this.options, this.page.config?.reading);
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
      const findings = [...own.findings, ...extra];
      view = extra.length === 0 ? own : { ...own, findings, errorCode: predictedErrorCode(findings) };
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
