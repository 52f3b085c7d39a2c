/**
 * The same `/auth/` call reported by both witnesses (the background on the wire, DevTools with its
 * body) is one call: how a call as read is kept, and how its twin is found.
 */
import type { AuthCallView } from './session-view.js';
import type { RecordedEvent } from '../../record/format.js';

/** An `/auth/` call as read, with the token it carried and its timeline position (to tie both later). */
export interface ReadCall {
  view: AuthCallView;
  token: string | null;
  entry: number;
  /** The full URL, to recognise the same call reported by both witnesses. */
  url: string;
  /** Only the start of the token header was kept (it was longer than the record keeps): its whole length. */
  tokenCut?: number;
}

/** The same call seen on the wire and by DevTools: their clocks (request start) agree this closely. */
export const TWIN_WINDOW_MS = 2000;
/** How far back a call's twin is looked for (calls in between, from other frames or endpoints). */
const TWIN_LOOKBACK = 50;

/** The same call as reported by the other witness, not yet paired (among the newest TWIN_LOOKBACK calls). */
export function twinOf(
  calls: readonly ReadCall[],
  event: RecordedEvent & { k: 'auth' | 'wire' },
  seenBy: 'wire' | 'devtools',
): ReadCall | undefined {
  for (let i = calls.length - 1; i >= Math.max(0, calls.length - TWIN_LOOKBACK); i--) {
    const c = calls[i]!;
    if (c.view.seenBy === seenBy || c.view.seenBy === 'both') continue;
    if (c.url !== event.url || c.view.method !== event.method || c.token !== event.token) continue;
    if (c.view.status !== event.status || Math.abs(c.view.at - event.at) > TWIN_WINDOW_MS) continue;
    return c;
  }
  return undefined;
}
