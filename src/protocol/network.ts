/**
 * What the DevTools page reports from the widget's own traffic (devtools.network): the
 * configuration response and the calls to `/auth/` paths. Raw facts, bounded; the engine
 * (src/analysis/traffic.ts) reads them. `parseNetworkEvent` validates at the background.
 */
import { isBoundedString, isFiniteNumber, isRecord } from './guards.js';
import { MAX_AUTH_BODY_CHARS, MAX_CONFIG_BODY_CHARS, MAX_HEADER_TOKEN_CHARS, MAX_URL_CHARS } from './limits.js';

export type NetworkEvent =
  /** The widget's configuration response (`livechatconnector/config/...`). */
  | { k: 'cfg'; at: number; url: string; status: number; body: string }
  /** A call to an `/auth/` path, with the token it carried (AuthenticatedUserToken). */
  | { k: 'auth'; at: number; url: string; method: string; status: number; body: string; token: string | null };

/** The frame number recorded with network events (page frames are 0 and up). */
export const NETWORK_FRAME = -1;

/** Which widget request a URL is, if any. */
export function widgetRequestKind(url: string): 'cfg' | 'auth' | null {
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return null;
  }
  if (path.includes('/livechatconnector/config/')) return 'cfg';
  if (/\/auth\//.test(path) && (path.includes('livechatconnector') || path.includes('/survey/'))) return 'auth';
  return null;
}

export function parseNetworkEvent(m: unknown): NetworkEvent | null {
  if (!isRecord(m) || !isFiniteNumber(m.at) || !isBoundedString(m.url, MAX_URL_CHARS)) return null;
  if (!Number.isInteger(m.status) || !isBoundedString(m.body, MAX_CONFIG_BODY_CHARS)) return null;
  const status = m.status as number;
  if (m.k === 'cfg' && widgetRequestKind(m.url) === 'cfg')
    return { k: 'cfg', at: m.at, url: m.url, status, body: m.body };
  const token = m.token === null || isBoundedString(m.token, MAX_HEADER_TOKEN_CHARS) ? m.token : undefined;
  const fits = m.body.length <= MAX_AUTH_BODY_CHARS && isBoundedString(m.method, 10) && token !== undefined;
  if (m.k === 'auth' && widgetRequestKind(m.url) === 'auth' && fits) {
    return { k: 'auth', at: m.at, url: m.url, method: m.method as string, status, body: m.body, token };
  }
  return null;
}
