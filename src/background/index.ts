/**
 * The background: receives what each tab's relays saw and what went over the wire to Omnichannel
 * (wire.ts), keeps it per tab and page session (store.ts writes the format of src/record/), tells
 * watching panels when it changed, and does
 * what they ask (clear, preserve, call the provider again). It judges nothing: the panel reads
 * the record and runs the engine. State lives in storage.session, so the MV3 service worker may
 * stop at any time; panels keep a port per tab and reconnect when it does.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import {
  parseNavigationMessage,
  parseNetworkMessage,
  parsePanelRequest,
  parseRelayMessage,
  PANEL_PORT_PREFIX,
  type BackgroundRequests,
  type PanelNotice,
  type PanelRequest,
  type RerunAnswer,
} from '../protocol/messages.js';
import { RERUN_COMMAND } from '../protocol/hook.js';
import { isSitePattern } from '../protocol/hosts.js';
import { NETWORK_FRAME } from '../protocol/network.js';
import { listRecords, readRecord } from '../record/read.js';
import { append, clearRecord, removeRecord, serialised, setPreserve } from './store.js';
import { observeWire } from './wire.js';
import { reconcileSites, recordSites, recordedSites, stopSite } from './sites.js';

// --- Panels watching a tab -------------------------------------------------------------------------
const panels = new Map<number, Set<Runtime.Port>>();

browser.runtime.onConnect.addListener(port => {
  if (!port.name.startsWith(PANEL_PORT_PREFIX) || !isExtensionPage(port.sender)) return;
  const tabId = Number(port.name.slice(PANEL_PORT_PREFIX.length));
  if (!Number.isInteger(tabId)) return;
  const set = panels.get(tabId) ?? new Set();
  set.add(port);
  panels.set(tabId, set);
  port.onDisconnect.addListener(() => set.delete(port));
});

function notify(tabId: number) {
  const notice: PanelNotice = { type: 'changed', tabId };
  for (const port of panels.get(tabId) ?? []) port.postMessage(notice);
}

// --- Messages -----------------------------------------------------------------------------------
/** One of our own pages (the panel, in DevTools or opened in a tab), as opposed to a content script. */
function isExtensionPage(sender: Runtime.MessageSender | undefined): boolean {
  const url = sender?.url;
  return sender?.id === browser.runtime.id && typeof url === 'string' && url.startsWith(browser.runtime.getURL(''));
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (isExtensionPage(sender)) {
    const request = parsePanelRequest(message);
    if (request) return answer(request);
    // The DevTools page: the inspected tab navigated.
    const navigation = parseNavigationMessage(message);
    if (navigation) {
      const item = { type: 'navigated' as const, url: navigation.url, at: navigation.at };
      return append(navigation.tabId, NETWORK_FRAME, [item]).then(() => changed(navigation.tabId));
    }
    // The DevTools page, reporting the widget's traffic in the tab it inspects.
    const network = parseNetworkMessage(message);
    if (!network || network.events.length === 0) return undefined;
    const items = network.events.map(event => ({ type: 'page-event' as const, event }));
    return append(network.tabId, NETWORK_FRAME, items).then(() => changed(network.tabId));
  }
  const tabId = sender.tab?.id;
  if (tabId !== undefined && sender.id === browser.runtime.id) {
    const relayed = parseRelayMessage(message);
    if (!relayed) return undefined;
    // The relay waits for this answer before it sends the next message: nothing is lost or reordered.
    return append(tabId, sender.frameId ?? 0, relayed.items).then(() => changed(tabId));
  }
  return undefined;
});

function changed(tabId: number): true {
  notify(tabId);
  return true;
}

type Handlers = {
  [K in keyof BackgroundRequests]: (
    request: BackgroundRequests[K]['request'],
  ) => Promise<BackgroundRequests[K]['answer']>;
};

const handlers: Handlers = {
  'list-tabs': async () =>
    (await listRecords()).map(([tabId, record]) => ({
      tabId,
      url: record.sessions.at(-1)?.url ?? '',
      sessions: record.sessions.length,
    })),
  clear: async ({ tabId }) => {
    await clearRecord(tabId);
    return changed(tabId);
  },
  'set-preserve': async ({ tabId, preserve }) => {
    await setPreserve(tabId, preserve);
    return true;
  },
  'call-provider-again': ({ tabId }) => callProviderAgain(tabId),
  'list-sites': () => recordedSites(),
  'record-sites': ({ patterns }) => recordSites(patterns),
  'stop-site': ({ pattern }) => stopSite(pattern),
};

function answer(request: PanelRequest): Promise<unknown> {
  return (handlers[request.type] as (r: PanelRequest) => Promise<unknown>)(request);
}

/**
 * Asks the frame where the provider was last registered (or the client function last called) to
 * call it once more. Recorded first, so the panel can tell this invocation from the widget's.
 */
async function callProviderAgain(tabId: number): Promise<RerunAnswer> {
  const events = (await serialised(tabId, () => readRecord(tabId)))?.sessions.at(-1)?.events ?? [];
  const source = events.filter(e => (e.k === 'reg' && e.fn) || (e.k === 'inv' && e.route === 'fn')).at(-1);
  if (!source) {
    return {
      ok: false,
      reason: 'No token provider has been registered on this page (and no client function called) yet.',
    };
  }
  try {
    await append(tabId, source.frame, [{ type: 'page-event', event: { k: 'again', at: Date.now() } }]);
    await browser.tabs.sendMessage(tabId, RERUN_COMMAND, { frameId: source.frame });
  } catch {
    return { ok: false, reason: 'The page did not answer: it was closed or navigated. Reload it and try again.' };
  }
  notify(tabId);
  return { ok: true, frame: source.frame };
}

// The widget's calls to Omnichannel, seen over the wire whether DevTools is open or not.
// The tab's address is known only where the extension may access the page: exactly where the
// browser reports the page's own calls (a custom widget's), whose session nothing else names.
observeWire((tabId, event) => {
  browser.tabs
    .get(tabId)
    .then(
      tab => tab.url,
      () => undefined,
    )
    .then(url => append(tabId, NETWORK_FRAME, [{ type: 'page-event', event }], url))
    .then(
      () => notify(tabId),
      () => undefined,
    );
});

browser.tabs.onRemoved.addListener(tabId => {
  void removeRecord(tabId);
  panels.delete(tabId);
});

// A site whose permission the user removed in the browser's settings is recorded no more.
browser.permissions.onRemoved.addListener(() => void reconcileSites());
// A site's permission is only ever asked for to record it: granted is recorded, even when the page
// that asked (the toolbar's popup, which Firefox closes for its prompt) is gone before it can say so.
browser.permissions.onAdded.addListener(added => {
  const patterns = (added.origins ?? []).filter(isSitePattern);
  if (patterns.length) void recordSites(patterns);
});
void reconcileSites();
