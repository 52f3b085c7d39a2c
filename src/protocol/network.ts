/**
 * What the extension saw of the widget's own traffic: from the DevTools page (devtools.network,
 * while DevTools is open: bodies included) the configuration response and the calls to `/auth/`
 * paths; from the background (webRequest, always, no response bodies) every such call with its
 * token header, status and `message` header; from both, the custom context a chat's start sent.
 * Raw facts, bounded; the engine (src/analysis/traffic.ts) reads them. `parseNetworkEvent`
 * validates them wherever they cross a boundary.
 */
import { isBoundedString, isFiniteNumber, isRecord } from './guards.js';
import { redactUrl } from './hosts.js';
import {
  MAX_AUTH_BODY_CHARS,
  MAX_CONFIG_BODY_CHARS,
  MAX_HEADER_TOKEN_CHARS,
  MAX_REQUEST_BODY_CHARS,
  MAX_SENT_CONTEXT_CHARS,
  MAX_URL_CHARS,
  MAX_WIRE_MESSAGE_CHARS,
} from './limits.js';

export type NetworkEvent =
  /** The widget's configuration response (`livechatconnector/config/...`). */
  | { k: 'cfg'; at: number; url: string; status: number; body: string }
  /** A call to an `/auth/` path, with the token it carried (AuthenticatedUserToken). */
  | {
      k: 'auth';
      at: number;
      url: string;
      method: string;
      status: number;
      body: string;
      token: string | null;
      /** What `sentCustomContext` read of the request's body. */
      customContext?: string;
    }
  | WireEvent;

/**
 * A widget request the background saw go over the wire (webRequest): a configuration or `/auth/`
 * call, its AuthenticatedUserToken header (null: none sent), its status (0: it never got an
 * answer, `error` says why) and the service's `message` response header.
 */
export interface WireEvent {
  k: 'wire';
  /** When the request was sent (Unix ms). */
  at: number;
  url: string;
  method: string;
  status: number;
  token: string | null;
  /** The header's length when it was longer than the record keeps (`token` is then its start). */
  tokenCut?: number;
  message: string | null;
  error?: string;
  /** What `sentCustomContext` read of the request's body (webRequest, a HAR's postData). */
  customContext?: string;
}

/** The frame number recorded with network events (page frames are 0 and up). */
export const NETWORK_FRAME = -1;

/** A header's value by name, whatever its case (null: not sent), from webRequest's or a HAR entry's list. */
export function headerValue(headers: readonly { name: string; value?: string }[] | undefined, name: string) {
  const wanted = name.toLowerCase();
  const found = headers?.find(h => h.name.toLowerCase() === wanted);
  return found ? (found.value ?? '') : null;
}

/** Which widget request a URL is, if any. */
/**
 * Match patterns covering every URL `widgetRequestKind` keeps (webRequest filters: their paths are
 * case-sensitive, so the connector's spellings are listed). The kind is still decided by it.
 */
export const WIDGET_REQUEST_PATTERNS = [
  '*://*/*livechatconnector*',
  '*://*/*LiveChatConnector*',
  '*://*/*livechatConnector*',
  '*://*/*survey/*',
  '*://*/*Survey/*',
];

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

/**
 * The custom context a chat's start sent: the `customContextData` of the request's JSON body (what
 * the Chat SDK's `startChat({ customContext })` puts there), as JSON, cut to MAX_SENT_CONTEXT_CHARS
 * (ending "…" when cut); undefined when it sent none, or the body is not text. Only this part of the
 * body is kept: the rest holds the visitor's pre-chat answers.
 */
export function sentCustomContext(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length > MAX_REQUEST_BODY_CHARS || !body.includes('"customContextData"'))
    return undefined;
  let json: string | undefined;
  try {
    const data: unknown = JSON.parse(body);
    const context = isRecord(data) ? data.customContextData : undefined;
    // Stringifying 64 KiB of nesting can overflow the stack: a hostile body is then no context.
    json = context === undefined || context === null ? undefined : JSON.stringify(context);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  return json.length > MAX_SENT_CONTEXT_CHARS ? `${json.slice(0, MAX_SENT_CONTEXT_CHARS - 1)}…` : json;
}

/** An optional `customContext` as it crossed a boundary: absent, or a bounded string (null: invalid). */
function customContextField(m: Record<string, unknown>): { customContext?: string } | null {
  if (m.customContext === undefined) return {};
  return isBoundedString(m.customContext, MAX_SENT_CONTEXT_CHARS) ? { customContext: m.customContext } : null;
}

export function parseNetworkEvent(m: unknown): NetworkEvent | null {
  if (!isRecord(m) || !isFiniteNumber(m.at) || !isBoundedString(m.url, MAX_URL_CHARS)) return null;
  if (m.k === 'wire') return parseWireEvent(m);
  if (!Number.isInteger(m.status) || !isBoundedString(m.body, MAX_CONFIG_BODY_CHARS)) return null;
  const status = m.status as number;
  if (m.k === 'cfg' && widgetRequestKind(m.url) === 'cfg')
    return { k: 'cfg', at: m.at, url: redactUrl(m.url), status, body: m.body };
  const token = m.token === null || isBoundedString(m.token, MAX_HEADER_TOKEN_CHARS) ? m.token : undefined;
  const fits = m.body.length <= MAX_AUTH_BODY_CHARS && isBoundedString(m.method, 10) && token !== undefined;
  const context = customContextField(m);
  if (m.k === 'auth' && widgetRequestKind(m.url) === 'auth' && fits && context) {
    // The query is left behind: no rule reads it, and it can carry an e-mail address or a code.
    const url = redactUrl(m.url);
    return { k: 'auth', at: m.at, url, method: m.method as string, status, body: m.body, token, ...context };
  }
  return null;
}

function parseWireEvent(m: Record<string, unknown>): WireEvent | null {
  const optional = (v: unknown, max: number) => (v === null || isBoundedString(v, max) ? v : undefined);
  const token = optional(m.token, MAX_HEADER_TOKEN_CHARS);
  const message = optional(m.message, MAX_WIRE_MESSAGE_CHARS);
  const error = m.error === undefined ? undefined : isBoundedString(m.error, MAX_WIRE_MESSAGE_CHARS) ? m.error : null;
  const context = customContextField(m);
  if (token === undefined || message === undefined || error === null || !context) return null;
  if (!isBoundedString(m.method, 10)) return null;
  if (!Number.isInteger(m.status) || (m.status as number) < 0 || widgetRequestKind(m.url as string) === null)
    return null;
  const cut = m.tokenCut;
  if (cut !== undefined && !(Number.isInteger(cut) && (cut as number) > MAX_HEADER_TOKEN_CHARS)) return null;
  return {
    k: 'wire',
    at: m.at as number,
    url: redactUrl(m.url as string),
    method: m.method,
    status: m.status as number,
    token,
    ...(cut === undefined ? {} : { tokenCut: cut as number }),
    message,
    ...(error === undefined ? {} : { error }),
    ...context,
  };
}
