/**
 * The background: receives what each tab's relays saw, keeps it per tab and page session
 * (store.ts), and answers the panel. State lives in storage.session, so the MV3 service worker
 * may stop at any time; panels keep a port per tab and reconnect when it does.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { parsePanelRequest, parseRelayMessage, PANEL_PORT_PREFIX, type PanelNotice, type PanelRequest } from '../protocol/messages.js';
import { assembleSession } from '../analysis/session.js';
import { parseContextVariables, type ContextVariable } from '../analysis/index.js';
import { append, clearRecord, listRecords, readRecord, removeRecord, setPreserve, type PageSession } from './store.js';

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
  return sender?.id === browser.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL(''));
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (isExtensionPage(sender)) {
    const request = parsePanelRequest(message);
    return request ? answer(request) : undefined;
  }
  if (sender.tab?.id !== undefined && sender.id === browser.runtime.id) {
    const relayed = parseRelayMessage(message);
    if (!relayed) return undefined;
    const tabId = sender.tab.id;
    // The relay waits for this answer before it sends the next message: nothing is lost or reordered.
    return append(tabId, sender.frameId ?? 0, relayed.items).then(() => { notify(tabId); return true; });
  }
  return undefined;
});

async function answer(request: PanelRequest): Promise<unknown> {
  switch (request.type) {
    case 'list-tabs':
      return (await listRecords()).map(([tabId, record]) => ({ tabId, url: record.sessions.at(-1)?.url ?? '', sessions: record.sessions.length }));
    case 'get-record': {
      const record = await readRecord(request.tabId);
      if (!record) return { tabId: request.tabId, preserve: false, sessions: [] };
      const sessions = await Promise.all(record.sessions.map(describeSession));
      return { tabId: request.tabId, preserve: record.preserve, sessions };
    }
    case 'clear':
      await clearRecord(request.tabId);
      notify(request.tabId);
      return true;
    case 'set-preserve':
      await setPreserve(request.tabId, request.preserve);
      return true;
  }
}

/** A page session as the panel shows it: the raw facts assembled and judged by the engine. */
async function describeSession(session: PageSession) {
  const view = assembleSession(session.events, { contextVariables: await contextVariablesFor(session.url), nowMs: Date.now() });
  const described = { id: session.id, url: session.url, startedAt: session.startedAt, frames: session.frames, dropped: session.dropped, eventCount: session.count, view };
  try {
    // Messages must serialise; a token with absurdly deep claims would not.
    return JSON.parse(JSON.stringify(described));
  } catch {
    for (const invocation of view.invocations) if (invocation.analysis) invocation.analysis = { ...invocation.analysis, header: null, claims: null, contexts: null };
    return described;
  }
}

/** The work stream's context variables the user set for this origin (settings only, in storage.local). */
async function contextVariablesFor(url: string): Promise<ContextVariable[] | undefined> {
  let origin: string;
  try { origin = new URL(url).origin; } catch { return undefined; }
  const key = `contexts:${origin}`;
  const stored = (await browser.storage.local.get(key))[key];
  try { return stored === undefined ? undefined : parseContextVariables(stored); } catch { return undefined; }
}

browser.tabs.onRemoved.addListener(tabId => { void removeRecord(tabId); panels.delete(tabId); });
