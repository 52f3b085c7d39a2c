/**
 * What the DevTools page reports from the widget's own traffic (devtools.network): the
 * configuration response and the calls to `/auth/` paths. Raw facts, bounded; the engine
 * (src/analysis/traffic.ts) reads them. `parseNetworkEvent` validates at the background.
 */
export type NetworkEvent =
  /** The widget's configuration response (`livechatconnector/config/...`). */
  | { k: 'cfg'; at: number; url: string; status: number; body: string }
  /** A call to an `/auth/` path, with the token it carried (AuthenticatedUserToken). */
  | { k: 'auth'; at: number; url: string; method: string; status: number; body: string; token: string | null };

/** The frame number recorded with network events (page frames are 0 and up). */
export const NETWORK_FRAME = -1;

export const MAX_CONFIG_BODY = 256 * 1024;
export const MAX_AUTH_BODY = 4096;
const MAX_TOKEN = 64 * 1024;

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

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

export function parseNetworkEvent(m: unknown): NetworkEvent | null {
  if (!isObj(m) || !isNum(m.at) || !isStr(m.url, 4096) || !Number.isInteger(m.status) || !isStr(m.body, MAX_CONFIG_BODY)) return null;
  const status = m.status as number;
  if (m.k === 'cfg' && widgetRequestKind(m.url) === 'cfg') return { k: 'cfg', at: m.at, url: m.url, status, body: m.body };
  if (m.k === 'auth' && widgetRequestKind(m.url) === 'auth' && isStr(m.method, 10) && m.body.length <= MAX_AUTH_BODY && (m.token === null || isStr(m.token, MAX_TOKEN))) {
    return { k: 'auth', at: m.at, url: m.url, method: m.method, status, body: m.body, token: m.token };
  }
  return null;
}
