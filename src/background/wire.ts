/**
 * The widget's calls to Omnichannel as they go over the wire (webRequest), from page load on,
 * whether DevTools is open or not and from any frame: each configuration and `/auth/` call with
 * the AuthenticatedUserToken header it carried, its status, and the service's `message` header.
 * Observe only: no listener blocks or changes a request. The browser reports only requests to
 * hosts the extension may access, made by frames it may access (docs/architecture.md, "Wire
 * evidence"); `widgetRequestKind` then keeps the widget's own.
 */
import browser, { type WebRequest } from 'webextension-polyfill';
import { headerValue, widgetRequestKind, type WireEvent } from '../protocol/network.js';
import { MAX_HEADER_TOKEN_CHARS, MAX_URL_CHARS, MAX_WIRE_MESSAGE_CHARS, MAX_WIRE_PENDING } from '../protocol/limits.js';

/** A request whose headers went out and whose answer has not come yet. */
interface Pending {
  tabId: number;
  event: Omit<WireEvent, 'status' | 'message'>;
}

/** Starts observing; `record` files one finished request in its tab's record. */
export function observeWire(record: (tabId: number, event: WireEvent) => void): void {
  const pending = new Map<string, Pending>();
  // Every type: the hosts are Omnichannel's alone, and a closing chat's beacon is "ping" in
  // Chrome but "beacon" in Firefox (each refuses the other's name in a filter).
  const filter: WebRequest.RequestFilter = { urls: ['<all_urls>'] };

  browser.webRequest.onSendHeaders.addListener(
    details => {
      if (details.tabId < 0 || widgetRequestKind(details.url) === null) return;
      // A flood of requests that never finish must not grow without bound: the oldest is forgotten.
      if (pending.size >= MAX_WIRE_PENDING) pending.delete(pending.keys().next().value as string);
      const token = headerValue(details.requestHeaders, 'AuthenticatedUserToken');
      pending.set(details.requestId, {
        tabId: details.tabId,
        event: {
          k: 'wire',
          at: details.timeStamp,
          url: details.url.slice(0, MAX_URL_CHARS),
          method: details.method.slice(0, 10),
          token: token === null ? null : token.slice(0, MAX_HEADER_TOKEN_CHARS),
          ...(token !== null && token.length > MAX_HEADER_TOKEN_CHARS ? { tokenCut: token.length } : {}),
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
