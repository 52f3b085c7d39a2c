/**
 * The widget's calls to Omnichannel as they go over the wire (webRequest), from page load on,
 * whether DevTools is open or not and from any frame: each configuration and `/auth/` call with
 * the AuthenticatedUserToken header it carried, its status, and the service's `message` header.
 * Observe only: no listener blocks or changes a request. The browser reports only requests to
 * hosts the extension may access, made by frames it may access (docs/architecture.md, "Wire
 * evidence"); `widgetRequestKind` then keeps the widget's own.
 */
import browser, { type WebRequest } from 'webextension-polyfill';
import {
  WIDGET_REQUEST_PATTERNS,
  headerValue,
  sentCustomContext,
  widgetRequestKind,
  type WireEvent,
} from '../protocol/network.js';
import { redactUrl } from '../protocol/hosts.js';
import {
  MAX_HEADER_TOKEN_CHARS,
  MAX_REQUEST_BODY_CHARS,
  MAX_URL_CHARS,
  MAX_WIRE_MESSAGE_CHARS,
  MAX_WIRE_PENDING,
} from '../protocol/limits.js';

/** A request whose headers went out and whose answer has not come yet. */
interface Pending {
  tabId: number;
  event: Omit<WireEvent, 'status' | 'message'>;
}

/** Starts observing; `record` files one finished request in its tab's record. */
export function observeWire(record: (tabId: number, event: WireEvent) => void): void {
  const pending = new Map<string, Pending>();
  // Every type: a closing chat's beacon is "ping" in Chrome but "beacon" in Firefox (each refuses
  // the other's name in a filter). Only the paths widgetRequestKind keeps: the browser does not
  // wake the background for any other request.
  const filter: WebRequest.RequestFilter = { urls: WIDGET_REQUEST_PATTERNS };

  // The custom context a chat's start sent, read from its body before its headers go out (onBeforeRequest
  // is the only event with the body). Only the connector's /auth/ paths: no other request's body is read.
  const contexts = new Map<string, string>();
  browser.webRequest.onBeforeRequest.addListener(
    details => {
      const context = details.tabId < 0 ? undefined : contextOfBody(details.requestBody?.raw);
      if (context === undefined) return;
      if (contexts.size >= MAX_WIRE_PENDING) contexts.delete(contexts.keys().next().value as string);
      contexts.set(details.requestId, context);
    },
    { urls: ['*://*/*livechatconnector/*auth/*'] },
    ['requestBody'],
  );

  browser.webRequest.onSendHeaders.addListener(
    details => {
      const customContext = contexts.get(details.requestId);
      contexts.delete(details.requestId);
      if (details.tabId < 0 || widgetRequestKind(details.url) === null) return;
      // A flood of requests that never finish must not grow without bound: the oldest is forgotten.
      if (pending.size >= MAX_WIRE_PENDING) pending.delete(pending.keys().next().value as string);
      const token = headerValue(details.requestHeaders, 'AuthenticatedUserToken');
      pending.set(details.requestId, {
        tabId: details.tabId,
        event: {
          k: 'wire',
          at: details.timeStamp,
          // No query: no rule reads it, and it can carry an e-mail address or a code.
          url: redactUrl(details.url).slice(0, MAX_URL_CHARS),
          method: details.method.slice(0, 10),
          token: token === null ? null : token.slice(0, MAX_HEADER_TOKEN_CHARS),
          ...(token !== null && token.length > MAX_HEADER_TOKEN_CHARS ? { tokenCut: token.length } : {}),
          ...(customContext === undefined ? {} : { customContext }),
        },
      });
    },
    filter,
    ['requestHeaders'],
  );

  const finish = (requestId: string, status: number, message: string | null, error?: string) => {
    const started = pending.get(requestId);
    if (!started) return;
    pending.delete(requestId);
    const cut = (text: string | null) => (text === null ? null : text.slice(0, MAX_WIRE_MESSAGE_CHARS));
    const event: WireEvent = {
      ...started.event,
      status,
      message: cut(message),
      ...(error === undefined ? {} : { error: error.slice(0, MAX_WIRE_MESSAGE_CHARS) }),
    };
    record(started.tabId, event);
  };
  browser.webRequest.onCompleted.addListener(
    details => finish(details.requestId, details.statusCode, headerValue(details.responseHeaders, 'message')),
    filter,
    ['responseHeaders'],
  );
  browser.webRequest.onErrorOccurred.addListener(details => finish(details.requestId, 0, null, details.error), filter);
}

/** `sentCustomContext` of a request body as webRequest gives it (its bytes, in parts), up to its bound. */
function contextOfBody(raw: WebRequest.UploadData[] | undefined): string | undefined {
  if (!raw) return undefined;
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (const part of raw) {
    if (!part.bytes) return undefined; // a file upload: not a chat start
    size += (part.bytes as ArrayBuffer).byteLength;
    if (size > MAX_REQUEST_BODY_CHARS) return undefined;
    text += decoder.decode(part.bytes as ArrayBuffer, { stream: true });
  }
  return sentCustomContext(text + decoder.decode());
}
