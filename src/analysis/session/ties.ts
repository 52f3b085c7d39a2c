/**
 * Tying what the widget received and sent to the invocations whose tokens it carried: the frame's
 * deliveries (in the order the v1 host posts them), the `/auth/` calls (the k-th call of an endpoint
 * to the k-th invocation that handed that token over), and tokens only the wire saw (stand-in
 * invocations). Pure functions over the invocations' starts and their events.
 */
import { invocationKey, type AuthCallView, type DeliveryView, type TimelineEntry } from './session-view.js';
import type { InvocationStart } from './invocation.js';
import type { ReadCall } from './page-reader.js';
import { NETWORK_FRAME } from '../../protocol/network.js';
import { isCutString, type CutString } from '../../protocol/hook.js';
import { fingerprintText } from '../../protocol/page-events.js';
import type { RecordedEvent } from '../../record/format.js';

/** The network's and the page's clocks may differ by a few ms when tying a call to an invocation. */
const CLOCK_TOLERANCE_MS = 250;
/** Two frames' clocks (each its document's time origin) agree this closely, coarse timers included. */
const FRAME_SKEW_MS = 2;

/** The invocations in start order, and each one's events by its key. */
export interface Started {
  starts: readonly InvocationStart[];
  eventsByKey: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** The panel's own calls ("Call provider again"): what they handed over went to nobody, so nothing ties to them. */
  reruns?: ReadonlySet<string>;
}

const isRerun = (s: Started, index: number) => s.reruns?.has(invocationKey(s.starts[index]!)) === true;

/** A token as handed over or sent, without the wrapping either side may add ("Bearer ", whitespace). */
export const bareToken = (value: string) => value.trim().replace(/^Bearer\s+/i, '');

/**
 * A token the widget sent that no recorded invocation handed over (a custom widget on the npm
 * SDK, an integration the hook does not know, a provider called before the extension was
 * there) is judged like any other: it gets a stand-in invocation, route 'wire', at the time the
 * first call carried it, which handed it over at once.
 */
export function withWireTokens(
  starts: readonly InvocationStart[],
  calls: readonly ReadCall[],
  eventsByKey: Map<string, RecordedEvent[]>,
): InvocationStart[] {
  const handed = new Set<string>();
  for (const events of eventsByKey.values())
    for (const e of events) {
      if (e.k !== 'cb') continue;
      if (typeof e.v === 'string') handed.add(bareToken(e.v));
      else if (isCutString(e.v)) handed.add(cutKey(e.v.n, e.v.t));
    }
  const extra: InvocationStart[] = [];
  for (const { token, view, tokenCut } of calls) {
    if (!token) continue;
    // A header cut to what the record keeps is not the token itself: it stands as its length, start and
    // fingerprint (one stand-in per such token), so its size is judged and "no token seen" is never said.
    const seen = tokenCut ? cutKey(tokenCut, token) : bareToken(token);
    if (handed.has(seen)) continue;
    handed.add(seen);
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
      v: tokenCut ? { o: 'cut', n: tokenCut, t: token.slice(0, 64), h: fingerprintText(token) } : token,
    };
    eventsByKey.set(invocationKey(start), [handedOver]);
    extra.push(start);
  }
  if (extra.length === 0) return [...starts];
  return [...starts, ...extra].sort((a, b) => a.at - b.at);
}

/**
 * A token too long to keep whole, by its length and start: what a provider handed over (kept to
 * 1 MiB) and what a header carried (kept to 64 KiB) of the same token have the same key.
 */
const cutKey = (length: number, start: string) => `cut:${length}:${bareToken(start).slice(0, 64)}`;

/** The invocations that handed over each token, in start order: calls and deliveries are tied by them. */
export function invocationsByToken(s: Started): Map<string, number[]> {
  const byToken = new Map<string, number[]>();
  for (let i = 0; i < s.starts.length; i++) {
    const token = isRerun(s, i) ? undefined : handedToken(s, i);
    if (!token) continue;
    const list = byToken.get(token);
    if (list) list.push(i);
    else byToken.set(token, [i]);
  }
  return byToken;
}

/** The token the invocation at `index` handed over first, without "Bearer " or whitespace. */
function handedToken(s: Started, index: number): string | undefined {
  const handed = s.eventsByKey.get(invocationKey(s.starts[index]!))?.find(e => e.k === 'cb');
  return handed?.k === 'cb' && typeof handed.v === 'string' ? bareToken(handed.v) || undefined : undefined;
}

/** Whether the invocation at `index` handed over the long token a delivery kept as length and fingerprint. */
function handedMatches(s: Started, index: number, long: CutString): boolean {
  const handed = s.eventsByKey.get(invocationKey(s.starts[index]!))?.find(e => e.k === 'cb');
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
export function tieDeliveries(
  s: Started,
  deliveries: readonly DeliveryView[],
  byToken: ReadonlyMap<string, number[]>,
): Map<number, DeliveryView> {
  const deliveryByIndex = new Map<number, DeliveryView>();
  const candidates: Record<'sdk' | 'fn', number[]> = { sdk: [], fn: [] };
  for (let i = 0; i < s.starts.length; i++) {
    const threw = s.eventsByKey.get(invocationKey(s.starts[i]!))?.some(e => e.k === 'end' && e.err);
    const route = s.starts[i]!.route;
    if (!threw && route !== 'wire' && !isRerun(s, i)) candidates[route === 'fn' ? 'fn' : 'sdk'].push(i);
  }
  const cursor = { sdk: 0, fn: 0 };
  const startOf = (i: number) => s.starts[i]!.at;
  for (const delivery of deliveries) {
    const response = delivery.via === 'authTokenResponse';
    const route = response && (candidates.fn.length > 0 || candidates.sdk.length === 0) ? 'fn' : 'sdk';
    const { value } = delivery;
    const token = typeof value === 'string' ? bareToken(value) : '';
    // A long token the record keeps as length and fingerprint is compared by those.
    const long = isCutString(value) ? value : undefined;
    const sameAs = (i: number) => (long ? handedMatches(s, i, long) : token !== '' && handedToken(s, i) === token);
    const handers = long
      ? s.starts.flatMap((_, i) => (sameAs(i) && !isRerun(s, i) ? [i] : []))
      : (byToken.get(token) ?? []);
    const answered = handers.filter(
      i => startOf(i) <= delivery.at + FRAME_SKEW_MS && (s.starts[i]!.route === 'fn') === (route === 'fn'),
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
    delivery.invocation = invocationKey(s.starts[index]!);
    // Whose token it is: this invocation's, else the latest one before it that handed it over.
    const handedBy = handers.filter(i => i <= index).at(-1);
    if (handedBy !== undefined) delivery.tokenOf = invocationKey(s.starts[handedBy]!);
    if (!deliveryByIndex.has(index)) deliveryByIndex.set(index, delivery);
  }
  return deliveryByIndex;
}

/**
 * Ties each auth call to the invocation whose token it carried. The k-th call of an endpoint
 * with a token goes to the k-th invocation that handed that token over (a provider that returns
 * the same token every time makes the token alone ambiguous).
 */
export function tieCalls(
  s: Started,
  calls: readonly ReadCall[],
  byToken: ReadonlyMap<string, number[]>,
  timeline: TimelineEntry[],
): Map<number, AuthCallView[]> {
  const callsByIndex = new Map<number, AuthCallView[]>();
  if (calls.length === 0) return callsByIndex;
  const seen = new Map<string, number>();
  for (const { view: call, token: carried, entry } of calls) {
    const token = carried ? bareToken(carried) : undefined;
    if (!token) continue;
    // The invocations that handed this token over, in start order: those started by the call's time lead.
    const handers = byToken.get(token) ?? [];
    const eligible = startedBy(s, handers, call.at + CLOCK_TOLERANCE_MS);
    if (eligible === 0) continue;
    const counter = `${call.endpoint}\n${token}`;
    const k = seen.get(counter) ?? 0;
    seen.set(counter, k + 1);
    const index = handers[Math.min(k, eligible - 1)]!;
    call.invocation = invocationKey(s.starts[index]!);
    const list = callsByIndex.get(index);
    if (list) list.push(call);
    else callsByIndex.set(index, [call]);
    timeline[entry]!.invocation = call.invocation;
  }
  return callsByIndex;
}

/** How many of `indices` (in start order) started by `at`: a binary search, as calls may be 100,000. */
function startedBy(s: Started, indices: readonly number[], at: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.starts[indices[mid]!]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
