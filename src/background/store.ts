/**
 * Each tab's record, kept in storage.session (memory only: never on disk, never synced) so it
 * outlives the MV3 service worker. Writes to one tab are serialised; the record is bounded.
 */
import browser from 'webextension-polyfill';
import type { PageEvent } from '../protocol/hook.js';
import type { RecordedEvent } from '../analysis/session.js';

export interface PageSession {
  id: string;
  url: string;
  startedAt: number;
  /** frameId -> document URL (no query or fragment). */
  frames: Record<string, string>;
  events: RecordedEvent[];
  /** Events dropped to keep the record under its bounds. */
  dropped: number;
  /** Approximate size of `events`, in characters of JSON. */
  size: number;
}

export interface TabRecord {
  /** Keep earlier page sessions across navigations ("Preserve log"). */
  preserve: boolean;
  /** Oldest first; the last is the current page. */
  sessions: PageSession[];
}

export const LIMITS = { eventsPerSession: 2000, sizePerTab: 4_000_000, sessionsKept: 5 };

const keyOf = (tabId: number) => `tab:${tabId}`;
const chains = new Map<number, Promise<unknown>>();

/** Runs `change` on the tab's record after the tab's earlier changes, and saves what it returns. */
function update(tabId: number, change: (record: TabRecord) => TabRecord | null): Promise<void> {
  const run = async () => {
    const key = keyOf(tabId);
    const stored = (await browser.storage.session.get(key))[key] as TabRecord | undefined;
    const next = change(stored ?? { preserve: false, sessions: [] });
    if (next === null) await browser.storage.session.remove(key);
    else await browser.storage.session.set({ [key]: next });
  };
  const result = (chains.get(tabId) ?? Promise.resolve()).then(run, run);
  chains.set(tabId, result.catch(() => undefined));
  return result;
}

export async function readRecord(tabId: number): Promise<TabRecord | undefined> {
  await chains.get(tabId);
  const key = keyOf(tabId);
  return (await browser.storage.session.get(key))[key] as TabRecord | undefined;
}

export async function listRecords(): Promise<[number, TabRecord][]> {
  const all = await browser.storage.session.get(null);
  return Object.entries(all).filter(([key]) => key.startsWith('tab:')).map(([key, record]) => [Number(key.slice(4)), record as TabRecord]);
}

function newSession(url: string, at: number): PageSession {
  return { id: `${at.toFixed(3)}-${Math.random().toString(36).slice(2, 8)}`, url, startedAt: at, frames: {}, events: [], dropped: 0, size: 0 };
}

export function frameStarted(tabId: number, frameId: number, url: string, at: number): Promise<void> {
  return update(tabId, record => {
    if (frameId === 0) {
      const session = newSession(url, at);
      session.frames['0'] = url;
      const kept = record.preserve ? record.sessions.slice(-(LIMITS.sessionsKept - 1)) : [];
      return { ...record, sessions: [...kept, session] };
    }
    const current = currentSession(record, url, at);
    current.frames[String(frameId)] = url;
    return record;
  });
}

export function addEvent(tabId: number, frameId: number, event: PageEvent): Promise<void> {
  return update(tabId, record => {
    const session = currentSession(record, '', event.at);
    const recorded = { ...event, frame: frameId } as RecordedEvent;
    session.events.push(recorded);
    session.size += JSON.stringify(recorded).length;
    // Over a bound: drop the oldest events of the oldest sessions, and count them.
    while (session.events.length > LIMITS.eventsPerSession || totalSize(record) > LIMITS.sizePerTab) {
      const victim = record.sessions.find(s => s.events.length > 0 && s !== session) ?? session;
      const dropped = victim.events.shift();
      if (!dropped) break;
      victim.size -= JSON.stringify(dropped).length;
      victim.dropped++;
    }
    return record;
  });
}

function totalSize(record: TabRecord): number {
  return record.sessions.reduce((sum, s) => sum + s.size, 0);
}

/** The current page session; one is made when events come before any frame-start (e.g. after a reload of the extension). */
function currentSession(record: TabRecord, url: string, at: number): PageSession {
  let session = record.sessions[record.sessions.length - 1];
  if (!session) {
    session = newSession(url, at);
    record.sessions.push(session);
  }
  return session;
}

export function clearRecord(tabId: number): Promise<void> {
  return update(tabId, record => ({ ...record, sessions: record.sessions.slice(-1).map(s => ({ ...s, events: [], dropped: 0, size: 0 })) }));
}

export function setPreserve(tabId: number, preserve: boolean): Promise<void> {
  return update(tabId, record => ({ ...record, preserve }));
}

export function removeRecord(tabId: number): Promise<void> {
  return update(tabId, () => null);
}
