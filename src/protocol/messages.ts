/**
 * The one message protocol between the extension's contexts (relay -> background, DevTools page
 * -> background, panel <-> background). Typed here once; `parseRelayMessage`, `parsePanelRequest`
 * and `parseNetworkMessage` validate at the background's boundary, where content scripts and
 * extension pages are told apart by sender. Each panel request is typed with its answer in
 * `BackgroundRequests`, so callers never cast what comes back.
 */
import { isBoundedString, isFiniteNumber, isRecord, isTabId } from './guards.js';
import { type PageEvent } from './hook.js';
import { isSitePattern } from './hosts.js';
import { MAX_RELAY_ITEMS, MAX_URL_CHARS } from './limits.js';
import { parseNetworkEvent, type NetworkEvent } from './network.js';
import { parsePageEvent } from './page-events.js';

/** One thing a relay reports. */
export type RelayItem =
  /** A frame's document started (the top frame's starts a new page session). */
  /** `doc`: the document's time origin; `top`: a sub-frame's referrer (the page it is in). */
  | { type: 'frame-start'; url: string; at: number; doc?: number; top?: string }
  | { type: 'page-event'; event: PageEvent };

/** Relay -> background: what the relay saw since its last message, in order. */
export interface RelayMessage {
  type: 'relay';
  items: RelayItem[];
}

/** A tab the background holds a record for. */
export interface TabSummary {
  tabId: number;
  /** The current page session's URL (no query or fragment). */
  url: string;
  sessions: number;
}

/** The sites being recorded (match patterns), and those whose permission the user took back. */
export interface RecordedSites {
  sites: string[];
  /** Recorded once, until the permission was removed in the browser's settings: offered again. */
  lost: string[];
  /** "Record every site" is on. */
  everySite: boolean;
}

export type SitesAnswer = ({ ok: true } | { ok: false; reason: string }) & RecordedSites;

export type RerunAnswer = { ok: true; frame: number } | { ok: false; reason: string };

/** Panel (or test, or demo) -> background: each request with the answer it gets. */
export interface BackgroundRequests {
  'list-tabs': { request: { type: 'list-tabs' }; answer: TabSummary[] };
  clear: { request: { type: 'clear'; tabId: number }; answer: true };
  'set-preserve': { request: { type: 'set-preserve'; tabId: number; preserve: boolean }; answer: true };
  /** Ask the page to call its registered provider once more. */
  'call-provider-again': { request: { type: 'call-provider-again'; tabId: number }; answer: RerunAnswer };
  'list-sites': { request: { type: 'list-sites' }; answer: RecordedSites };
  /** Record these sites (the panel has asked the browser for their permission first). */
  'record-sites': { request: { type: 'record-sites'; patterns: string[] }; answer: SitesAnswer };
  'stop-site': { request: { type: 'stop-site'; pattern: string }; answer: SitesAnswer };
}

export type PanelRequest = BackgroundRequests[keyof BackgroundRequests]['request'];
export type AnswerTo<R extends PanelRequest> = BackgroundRequests[R['type']]['answer'];

/**
 * Sends a request to the background through `send` (runtime.sendMessage of whichever context
 * asks) and types its answer. The background answers every well-formed request.
 */
export function askBackground<R extends PanelRequest>(
  send: (message: R) => Promise<unknown>,
  request: R,
): Promise<AnswerTo<R>> {
  return send(request) as Promise<AnswerTo<R>>;
}

/** Recorded by the background when it asks a frame to call the provider again. */
export interface PanelEvent {
  k: 'again';
  at: number;
}

/** DevTools page -> background: what the widget's traffic showed in the inspected tab. */
export interface NetworkMessage {
  type: 'network';
  tabId: number;
  events: NetworkEvent[];
}

/** DevTools page -> background: the inspected tab's top document changed (devtools.network.onNavigated). */
export interface NavigationMessage {
  type: 'navigated';
  tabId: number;
  url: string;
  at: number;
}

/** Background -> panel port: something changed for the tab the port watches. */
export interface PanelNotice {
  type: 'changed';
  tabId: number;
}

export const PANEL_PORT_PREFIX = 'lcw-auth-panel:';

/** Validates a relay's message; items that are not well-formed are left out. */
export function parseRelayMessage(m: unknown): RelayMessage | null {
  if (!isRecord(m) || m.type !== 'relay' || !Array.isArray(m.items) || m.items.length > MAX_RELAY_ITEMS) return null;
  return { type: 'relay', items: m.items.map(parseRelayItem).filter((item): item is RelayItem => item !== null) };
}

function parseRelayItem(m: unknown): RelayItem | null {
  if (!isRecord(m)) return null;
  if (m.type === 'frame-start') {
    if (!isBoundedString(m.url, MAX_URL_CHARS) || !isFiniteNumber(m.at)) return null;
    const top = isBoundedString(m.top, MAX_URL_CHARS) && m.top !== '' ? { top: m.top } : {};
    const doc = isFiniteNumber(m.doc) ? { doc: m.doc } : {};
    return { type: 'frame-start', url: m.url, at: m.at, ...doc, ...top };
  }
  if (m.type === 'page-event') {
    const event = parsePageEvent(m.event);
    return event ? { type: 'page-event', event } : null;
  }
  return null;
}

export function parsePanelRequest(m: unknown): PanelRequest | null {
  if (!isRecord(m)) return null;
  switch (m.type) {
    case 'list-tabs':
    case 'list-sites':
      return { type: m.type };
    case 'record-sites':
      return Array.isArray(m.patterns) && m.patterns.length <= 64 && m.patterns.every(isSitePattern)
        ? { type: 'record-sites', patterns: m.patterns }
        : null;
    case 'stop-site':
      return isSitePattern(m.pattern) ? { type: 'stop-site', pattern: m.pattern } : null;
    case 'clear':
    case 'call-provider-again':
      return isTabId(m.tabId) ? { type: m.type, tabId: m.tabId } : null;
    case 'set-preserve':
      return isTabId(m.tabId) && typeof m.preserve === 'boolean'
        ? { type: 'set-preserve', tabId: m.tabId, preserve: m.preserve }
        : null;
    default:
      return null;
  }
}

/** Validates a DevTools page's report; events that are not well-formed are left out. */
export function parseNetworkMessage(m: unknown): NetworkMessage | null {
  if (!isRecord(m) || m.type !== 'network' || !isTabId(m.tabId) || !Array.isArray(m.events)) return null;
  if (m.events.length > MAX_RELAY_ITEMS) return null;
  const events = m.events.map(parseNetworkEvent).filter((e): e is NetworkEvent => e !== null);
  return { type: 'network', tabId: m.tabId, events };
}

export function parseNavigationMessage(m: unknown): NavigationMessage | null {
  if (!isRecord(m) || m.type !== 'navigated' || !isTabId(m.tabId)) return null;
  if (!isBoundedString(m.url, MAX_URL_CHARS) || !isFiniteNumber(m.at)) return null;
  return { type: 'navigated', tabId: m.tabId, url: m.url, at: m.at };
}
