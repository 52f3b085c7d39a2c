/**
 * One widget request as a HAR entry describes it, turned into the record's network event. DevTools'
 * network entries are HAR entries too (only their body comes through getContent), so the panel's
 * live traffic and a HAR file from a ticket go through this one converter. Everything in an entry is
 * untrusted: the event it gives passes the record's own validation.
 */
import { headerValue, parseNetworkEvent, sentCustomContext, widgetRequestKind } from '../../protocol/network.js';
import type { NetworkEvent } from '../../protocol/network.js';
import {
  MAX_AUTH_BODY_CHARS,
  MAX_CONFIG_BODY_CHARS,
  MAX_HEADER_TOKEN_CHARS,
  MAX_URL_CHARS,
  MAX_WIRE_MESSAGE_CHARS,
} from '../../protocol/limits.js';
import { authFailureMessage } from './omnichannel.js';

/** A HAR entry as far as it is read; any part may be missing or of another type. */
export interface HarEntry {
  startedDateTime?: unknown;
  request?: { url?: unknown; method?: unknown; headers?: unknown; postData?: { text?: unknown } };
  response?: { status?: unknown; headers?: unknown; content?: { text?: unknown; encoding?: unknown } };
}

/** Who tells of the entry: DevTools while it is open (the body is the answer), or a HAR file (shown as the wire). */
export type EntryWitness = 'devtools' | 'file';

type Header = { name: string; value?: string };
const isHeader = (x: unknown): x is Header => {
  const h = x as { name?: unknown; value?: unknown } | null;
  return typeof h?.name === 'string' && (h.value === undefined || typeof h.value === 'string');
};
const headersOf = (h: unknown): Header[] => (Array.isArray(h) ? h.filter(isHeader) : []);

/** A body as text: as written, or decoded from base64 (as UTF-8); null when there is none or it is not base64. */
export function decodeContent(text: unknown, encoding: unknown): string | null {
  if (typeof text !== 'string') return null;
  if (encoding !== 'base64') return text;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), ch => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The request's URL (cut to the record's bound), when it is a string. */
export const entryUrl = (entry: HarEntry): string | null =>
  typeof entry?.request?.url === 'string' ? entry.request.url.slice(0, MAX_URL_CHARS) : null;

/**
 * The event a widget request stands for (null: not one of the widget's requests, or not valid).
 * `body` is the response body (null: the witness did not keep it); `at` its start (Unix ms).
 * From DevTools: a configuration (`cfg`) or an `/auth/` call (`auth`) with its body. From a file: the
 * configuration when its body was kept, else a wire call, with the service's `message` header (or,
 * past a failure status, what its body said).
 */
export function harEntryEvent(entry: HarEntry, body: string | null, at: number, witness: EntryWitness) {
  const url = entryUrl(entry);
  const kind = url === null ? null : widgetRequestKind(url);
  if (url === null || kind === null) return null;
  const method = typeof entry.request?.method === 'string' ? entry.request.method.slice(0, 10) : 'GET';
  // Failed requests are 0 in Chrome's exports and -1 in some tools': both mean "no answer".
  const answered = entry.response?.status;
  const status = Number.isInteger(answered) && (answered as number) > 0 ? (answered as number) : 0;
  const token = headerValue(headersOf(entry.request?.headers), 'AuthenticatedUserToken');
  const customContext = sentCustomContext(entry.request?.postData?.text);
  let event: NetworkEvent;
  if (kind === 'cfg' && body !== null && (witness === 'devtools' || status > 0)) {
    event = { k: 'cfg', at, url, status, body: body.slice(0, MAX_CONFIG_BODY_CHARS) };
  } else if (kind === 'cfg') {
    event = { k: 'wire', at, url, method, status, token: null, message: null };
  } else if (witness === 'devtools') {
    const auth = {
      k: 'auth',
      at,
      url,
      method,
      status,
      body: (body ?? '').slice(0, MAX_AUTH_BODY_CHARS),
      token,
    } as const;
    event = customContext === undefined ? auth : { ...auth, customContext };
  } else {
    const message =
      headerValue(headersOf(entry.response?.headers), 'message') ??
      (body !== null && status >= 400 ? authFailureMessage(body) : null);
    event = {
      k: 'wire',
      at,
      url,
      method,
      status,
      token: token === null ? null : token.slice(0, MAX_HEADER_TOKEN_CHARS),
      ...(token !== null && token.length > MAX_HEADER_TOKEN_CHARS ? { tokenCut: token.length } : {}),
      message: message === null ? null : message.slice(0, MAX_WIRE_MESSAGE_CHARS),
      customContext,
    };
  }
  return parseNetworkEvent(event);
}

/** Whether the entry is one of the widget's requests (a configuration or an `/auth/` call): read its body then. */
export function isWidgetRequest(entry: HarEntry): boolean {
  const url = entryUrl(entry);
  return url !== null && widgetRequestKind(url) !== null;
}
