/**
 * The DevTools page: adds the "LCW Auth" panel, and, for as long as DevTools is open, reads the
 * widget's own traffic in the inspected tab through devtools.network (the only API that gives
 * response bodies in both browsers; webRequest does not in Chrome): the configuration response
 * and the calls to /auth/ endpoints, passed to the background for the tab's record.
 */
import browser from 'webextension-polyfill';
import { headerValue, sentCustomContext, widgetRequestKind, type NetworkEvent } from '../protocol/network.js';
import { MAX_AUTH_BODY_CHARS, MAX_CONFIG_BODY_CHARS, MAX_URL_CHARS } from '../protocol/limits.js';
import type { NavigationMessage, NetworkMessage } from '../protocol/messages.js';

void browser.devtools.panels.create('LCW Auth', '/icon-32.png', '/panel.html');

const tabId = browser.devtools.inspectedWindow.tabId;

interface HarEntry {
  startedDateTime: string;
  request: { url: string; method: string; headers: { name: string; value: string }[]; postData?: { text?: unknown } };
  response: { status: number };
  getContent(callback?: (content: string, encoding: string) => void): Promise<[string, string]> | void;
}

/** The body, whichever way this browser's getContent answers (callback in Chrome, promise in Firefox). */
function contentOf(entry: HarEntry): Promise<string> {
  return new Promise(resolve => {
    const done = (content: unknown, encoding: unknown) => {
      const text = typeof content === 'string' ? content : '';
      try {
        resolve(
          encoding === 'base64' ? new TextDecoder().decode(Uint8Array.from(atob(text), c => c.charCodeAt(0))) : text,
        );
      } catch {
        resolve('');
      }
    };
    try {
      const answer = entry.getContent(done);
      if (answer && typeof (answer as Promise<unknown>).then === 'function')
        answer.then(
          ([c, e]) => done(c, e),
          () => resolve(''),
        );
    } catch {
      resolve('');
    }
  });
}

/** The custom context the request's body sent, as `customContext` (nothing else of the body is kept). */
function contextOf(entry: HarEntry): { customContext?: string } {
  const customContext = sentCustomContext(entry.request.postData?.text);
  return customContext === undefined ? {} : { customContext };
}

// While DevTools is open, it tells the record when the tab's top document changes, so a page
// without the widget after one with it is not shown as the old page (the relay of a widget-free
// page never speaks).
browser.devtools.network.onNavigated.addListener(url => {
  const message: NavigationMessage = { type: 'navigated', tabId, url: url.slice(0, MAX_URL_CHARS), at: Date.now() };
  browser.runtime.sendMessage(message).catch(() => undefined);
});

browser.devtools.network.onRequestFinished.addListener(request => {
  const entry = request as unknown as HarEntry;
  const kind = widgetRequestKind(entry.request.url);
  if (!kind) return;
  void contentOf(entry)
    .then(body => {
      const at = Date.parse(entry.startedDateTime) || Date.now();
      const base = { at, url: entry.request.url.slice(0, MAX_URL_CHARS), status: entry.response.status };
      const event: NetworkEvent =
        kind === 'cfg'
          ? { k: 'cfg', ...base, body: body.slice(0, MAX_CONFIG_BODY_CHARS) }
          : {
              k: 'auth',
              ...base,
              method: entry.request.method.slice(0, 10),
              body: body.slice(0, MAX_AUTH_BODY_CHARS),
              token: headerValue(entry.request.headers, 'AuthenticatedUserToken'),
              ...contextOf(entry),
            };
      const message: NetworkMessage = { type: 'network', tabId, events: [event] };
      return browser.runtime.sendMessage(message);
    })
    .catch(() => undefined);
});
