/**
 * The DevTools page: adds the "LCW Auth" panel, and, for as long as DevTools is open, reads the
 * widget's own traffic in the inspected tab through devtools.network (the only API that gives
 * response bodies in both browsers; webRequest does not in Chrome): the configuration response
 * and the calls to /auth/ endpoints, passed to the background for the tab's record.
 */
import browser from 'webextension-polyfill';
import { MAX_URL_CHARS } from '../protocol/limits.js';
import { decodeContent, harEntryEvent, isWidgetRequest, type HarEntry } from '../analysis/index.js';
import type { NavigationMessage, NetworkMessage } from '../protocol/messages.js';

void browser.devtools.panels.create('LCW Auth', '/icon-32.png', '/panel.html');

const tabId = browser.devtools.inspectedWindow.tabId;

/** A DevTools network entry: a HAR entry whose body comes through getContent. */
type DevtoolsEntry = HarEntry & {
  startedDateTime: string;
  getContent(callback?: (content: string, encoding: string) => void): Promise<[string, string]> | void;
};

/** The body, whichever way this browser's getContent answers (callback in Chrome, promise in Firefox). */
function contentOf(entry: DevtoolsEntry): Promise<string> {
  return new Promise(resolve => {
    const done = (content: unknown, encoding: unknown) => {
      resolve(decodeContent(content, encoding) ?? '');
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

// While DevTools is open, it tells the record when the tab's top document changes, so a page
// without the widget after one with it is not shown as the old page (the relay of a widget-free
// page never speaks).
browser.devtools.network.onNavigated.addListener(url => {
  const message: NavigationMessage = { type: 'navigated', tabId, url: url.slice(0, MAX_URL_CHARS), at: Date.now() };
  browser.runtime.sendMessage(message).catch(() => undefined);
});

browser.devtools.network.onRequestFinished.addListener(request => {
  const entry = request as unknown as DevtoolsEntry;
  if (!isWidgetRequest(entry)) return;
  void contentOf(entry)
    .then(body => {
      const event = harEntryEvent(entry, body, Date.parse(entry.startedDateTime) || Date.now(), 'devtools');
      if (!event) return;
      const message: NetworkMessage = { type: 'network', tabId, events: [event] };
      return browser.runtime.sendMessage(message);
    })
    .catch(() => undefined);
});
