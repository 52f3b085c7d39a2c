/**
 * The record as the background stores it in storage.session and the panel reads it: one meta
 * entry per tab (its page sessions and their chunk lists) and the events in chunks, each chunk
 * one JSON string (Chrome charges storage.session by the memory of its values, and thousands of
 * small objects cost several times their JSON). Pure: no browser API, so the engine can take its
 * event type from here.
 */
import type { PageEvent } from '../protocol/hook.js';
import type { NetworkEvent } from '../protocol/network.js';
import type { PanelEvent, RelayItem } from '../protocol/messages.js';

/** A fact as stored: which frame it came from (NETWORK_FRAME: the widget's traffic, seen by DevTools). */
export type RecordedEvent = (PageEvent | NetworkEvent | PanelEvent) & { frame: number };

/**
 * What the background appends to a tab's record: a relay's frame starts and events, or the DevTools page's network
 * events.
 */
export type RecordItem =
  | Extract<RelayItem, { type: 'frame-start' }>
  /** The DevTools page saw the tab's top document change: the page after it gets its own session. */
  | { type: 'navigated'; url: string; at: number }
  | { type: 'page-event'; event: PageEvent | NetworkEvent | PanelEvent };

export interface SessionMeta {
  id: string;
  url: string;
  startedAt: number;
  /** frameId -> document URL (no query or fragment). */
  frames: Record<string, string>;
  /** Events kept, and events dropped to stay within the bounds. */
  count: number;
  dropped: number;
  /** Events lost because storage.session was full even after every tab was held to its share. */
  quotaDropped?: number;
  /** Characters of vital events (registrations, ...) moved into the first chunk when their own chunk went. */
  pinned?: number;
  /** Chunk number -> [events, approximate size in characters], oldest first. */
  chunks: [number, number, number][];
}

export interface TabRecord {
  /** Keep earlier page sessions across navigations ("Preserve log"). */
  preserve: boolean;
  /** Oldest first; the last is the current page. */
  sessions: SessionMeta[];
}

/** A page session with its events, as a reader gets it. */
export interface PageSession extends Omit<SessionMeta, 'chunks'> {
  events: RecordedEvent[];
}

/**
 * Bounds of a tab's record. 40,000 events hold 10,000 invocations (each records 3-4 events); the
 * size bound keeps the record within storage.session's 10 MB quota, which all tabs share: when a
 * write exceeds it, every tab over its share (sizePerTab split between the tabs recorded, never
 * under minSharePerTab) gives up its oldest chunks, and the write is retried.
 */
export const RECORD_LIMITS = {
  eventsPerSession: 40_000,
  sizePerTab: 9_000_000,
  minSharePerTab: 1_000_000,
  /** Vital events of a session kept in its first chunk when their chunk is dropped (see VITAL). */
  pinnedChars: 262_144,
  sessionsKept: 5,
  /** Events in a chunk, and its size in characters past which the next event starts a new one. */
  chunk: 100,
  chunkChars: 524_288,
} as const;

/**
 * What a page session must never lose to a cut, because findings rest on its absence: how the
 * provider was registered, what the widget asked for and raised, where it was found, its
 * configuration, the panel's "Call provider again", and the relay's own count of what it dropped.
 */
export function isVital(event: RecordedEvent): boolean {
  switch (event.k) {
    case 'reg':
    case 'req':
    case 'widget':
    case 'again':
    case 'drop':
    case 'pane':
    case 'cfg':
      return true;
    case 'evt':
      return event.type === 'lcw:ready' || event.type === 'lcw:error';
    default:
      return false;
  }
}

export const META_PREFIX = 'tab:';
export const metaKey = (tabId: number): string => `${META_PREFIX}${tabId}`;
export const chunkKey = (tabId: number, session: Pick<SessionMeta, 'id'>, n: number): string =>
  `ev:${tabId}:${session.id}:${n}`;
export const chunkKeys = (tabId: number, sessions: readonly SessionMeta[]): string[] =>
  sessions.flatMap(s => s.chunks.map(([n]) => chunkKey(tabId, s, n)));

export function encodeChunk(events: readonly RecordedEvent[]): string {
  return JSON.stringify(events);
}

/** A stored chunk's events; anything unreadable (written by another version, or damaged) reads as none. */
export function decodeChunk(stored: unknown): RecordedEvent[] {
  if (typeof stored !== 'string') return [];
  try {
    const events: unknown = JSON.parse(stored);
    return Array.isArray(events) ? (events as RecordedEvent[]) : [];
  } catch {
    return [];
  }
}
