/**
 * The one message protocol between the extension's contexts (relay -> background, panel <->
 * background). Typed here once; `parseRelayMessage` and `parsePanelRequest` validate at the
 * background's boundary, where content scripts and extension pages are told apart by sender.
 */
import { parsePageEvent, type PageEvent } from './hook.js';
import { parseNetworkEvent, type NetworkEvent } from './network.js';

/** One thing a relay reports. */
export type RelayItem =
  /** A frame's document started (the top frame's starts a new page session). */
  | { type: 'frame-start'; url: string; at: number }
  | { type: 'page-event'; event: PageEvent };

/** Relay -> background: what the relay saw since its last message, in order. */
export type RelayMessage = { type: 'relay'; items: RelayItem[] };

export const MAX_RELAY_ITEMS = 100;

/** Panel (or test) -> background. */
export type PanelRequest =
  | { type: 'get-record'; tabId: number }
  | { type: 'list-tabs' }
  | { type: 'clear'; tabId: number }
  | { type: 'set-preserve'; tabId: number; preserve: boolean }
  /** Ask the page to call its registered provider once more (answered with a RerunAnswer). */
  | { type: 'call-provider-again'; tabId: number };

export type RerunAnswer = { ok: true; frame: number } | { ok: false; reason: string };

/** Recorded by the background when it asks a frame to call the provider again. */
export type PanelEvent = { k: 'again'; at: number };

/** DevTools page -> background: what the widget's traffic showed in the inspected tab. */
export type NetworkMessage = { type: 'network'; tabId: number; events: NetworkEvent[] };

/** Background -> panel port: something changed for the tab the port watches. */
export type PanelNotice = { type: 'changed'; tabId: number };

export const PANEL_PORT_PREFIX = 'lcw-auth-panel:';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isTabId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Validates a relay's message; items that are not well-formed are left out. */
export function parseRelayMessage(m: unknown): RelayMessage | null {
  if (!isObj(m) || m.type !== 'relay' || !Array.isArray(m.items) || m.items.length > MAX_RELAY_ITEMS) return null;
  return { type: 'relay', items: m.items.map(parseRelayItem).filter((item): item is RelayItem => item !== null) };
}

function parseRelayItem(m: unknown): RelayItem | null {
  if (!isObj(m)) return null;
  if (m.type === 'frame-start') {
    return typeof m.url === 'string' && m.url.length <= 4096 && Number.isFinite(m.at) ? { type: 'frame-start', url: m.url, at: m.at as number } : null;
  }
  if (m.type === 'page-event') {
    const event = parsePageEvent(m.event);
    return event ? { type: 'page-event', event } : null;
  }
  return null;
}

export function parsePanelRequest(m: unknown): PanelRequest | null {
  if (!isObj(m)) return null;
  switch (m.type) {
    case 'list-tabs': return { type: 'list-tabs' };
    case 'get-record': case 'clear': case 'call-provider-again': return isTabId(m.tabId) ? { type: m.type, tabId: m.tabId } : null;
    case 'set-preserve': return isTabId(m.tabId) && typeof m.preserve === 'boolean' ? { type: 'set-preserve', tabId: m.tabId, preserve: m.preserve } : null;
    default: return null;
  }
}

/** Validates a DevTools page's report; events that are not well-formed are left out. */
export function parseNetworkMessage(m: unknown): NetworkMessage | null {
  if (!isObj(m) || m.type !== 'network' || !isTabId(m.tabId) || !Array.isArray(m.events) || m.events.length > MAX_RELAY_ITEMS) return null;
  return { type: 'network', tabId: m.tabId, events: m.events.map(parseNetworkEvent).filter((e): e is NetworkEvent => e !== null) };
}

/** A page URL as the record keeps it: no query or fragment, which may carry tokens or codes. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? `${u.protocol}${u.pathname}` : `${u.origin}${u.pathname}`;
  } catch {
    return url.split(/[?#]/)[0]!.slice(0, 2048);
  }
}
