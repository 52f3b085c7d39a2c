/**
 * Each tab's record, kept in storage.session (memory only: never on disk, never synced) so it
 * outlives the MV3 service worker. Events are stored in chunks of CHUNK so appending touches one
 * small key, whatever the record's size; the record is bounded by dropping whole old chunks.
 * Writes to one tab are serialised.
 */
import browser from 'webextension-polyfill';
import type { PageEvent } from '../protocol/hook.js';
import { redactUrl, type PanelEvent } from '../protocol/messages.js';
import type { NetworkEvent } from '../protocol/network.js';
import type { RecordedEvent } from '../analysis/session.js';

export interface SessionMeta {
  id: string;
  url: string;
  startedAt: number;
  /** frameId -> document URL (no query or fragment). */
  frames: Record<string, string>;
  /** Events kept, and events dropped to stay within the bounds. */
  count: number;
  dropped: number;
  /** Chunk number -> [events, approximate size in characters], oldest first. */
  chunks: [number, number, number][];
}

export interface TabRecord {
  /** Keep earlier page sessions across navigations ("Preserve log"). */
  preserve: boolean;
  /** Oldest first; the last is the current page. */
  sessions: SessionMeta[];
}

export interface PageSession extends Omit<SessionMeta, 'chunks'> { events: RecordedEvent[] }

/**
 * Bounds of a tab's record. 40,000 events hold 10,000 invocations (each records 3-4 events); the
 * size bound keeps a tab within storage.session's 10 MB quota (shared by all tabs: when a write
 * still exceeds it, the tab's oldest chunks go and the write is retried).
 */
export const LIMITS = { eventsPerSession: 40_000, sizePerTab: 9_000_000, sessionsKept: 5, chunk: 100 };

const metaKey = (tabId: number) => `tab:${tabId}`;
const chunkKey = (tabId: number, session: Pick<SessionMeta, 'id'>, n: number) => `ev:${tabId}:${session.id}:${n}`;
const chains = new Map<number, Promise<unknown>>();
const session = browser.storage.session;

/** Runs `work` after the tab's earlier writes have finished. */
function serialised<T>(tabId: number, work: () => Promise<T>): Promise<T> {
  const result = (chains.get(tabId) ?? Promise.resolve()).then(work, work);
  chains.set(tabId, result.catch(() => undefined));
  return result;
}

async function readMeta(tabId: number): Promise<TabRecord | undefined> {
  return (await session.get(metaKey(tabId)))[metaKey(tabId)] as TabRecord | undefined;
}

function newSession(url: string, at: number): SessionMeta {
  return { id: `${Math.round(at)}-${Math.random().toString(36).slice(2, 8)}`, url, startedAt: at, frames: {}, count: 0, dropped: 0, chunks: [] };
}

const chunkKeys = (tabId: number, sessions: SessionMeta[]) => sessions.flatMap(s => s.chunks.map(([n]) => chunkKey(tabId, s, n)));

/** What is appended: a relay's frame starts and page events, or the DevTools page's network events. */
export type RelayItem = { type: 'frame-start'; url: string; at: number } | { type: 'page-event'; event: PageEvent | NetworkEvent | PanelEvent };

/** Applies what one relay sent, in order: frame starts and page events. */
export function append(tabId: number, frameId: number, items: RelayItem[]): Promise<void> {
  return serialised(tabId, async () => {
    const record = (await readMeta(tabId)) ?? { preserve: false, sessions: [] };
    const obsolete: string[] = [];
    const writes: Record<string, unknown> = {};
    let open: { session: SessionMeta; n: number; events: RecordedEvent[] } | undefined;

    for (const item of items) {
      if (item.type === 'frame-start') {
        const url = redactUrl(item.url);
        if (frameId === 0) {
          const fresh = newSession(url, item.at);
          fresh.frames['0'] = url;
          const keep = record.preserve ? LIMITS.sessionsKept - 1 : 0;
          const gone = record.sessions.slice(0, Math.max(0, record.sessions.length - keep));
          obsolete.push(...chunkKeys(tabId, gone));
          record.sessions = [...record.sessions.slice(gone.length), fresh];
          open = undefined;
        } else {
          currentSession(record, url, item.at).frames[String(frameId)] = url;
        }
        continue;
      }
      const current = currentSession(record, '', item.event.at);
      if (!open || open.session !== current) open = await openChunk(tabId, current, writes);
      if (open.events.length >= LIMITS.chunk) {
        const n = open.n + 1;
        current.chunks.push([n, 0, 0]);
        open = { session: current, n, events: [] };
      }
      const recorded = { ...item.event, frame: frameId } as RecordedEvent;
      open.events.push(recorded);
      const last = current.chunks[current.chunks.length - 1]!;
      last[1]++;
      last[2] += JSON.stringify(recorded).length;
      current.count++;
      writes[chunkKey(tabId, current, open.n)] = open.events;
    }
    obsolete.push(...trim(tabId, record, writes, LIMITS.sizePerTab));
    try {
      await session.set({ ...encodeChunks(writes), [metaKey(tabId)]: record });
    } catch {
      // Over the quota (other tabs hold the rest): free this tab's oldest half and try once more.
      obsolete.push(...trim(tabId, record, writes, sizeOf(record) / 2));
      await session.remove(obsolete.splice(0));
      await session.set({ ...encodeChunks(writes), [metaKey(tabId)]: record });
    }
    if (obsolete.length > 0) await session.remove(obsolete);
  });
}

/**
 * Chunks are stored as one JSON string each, not as arrays of objects: Chrome counts the quota
 * by the memory its values take, and thousands of small objects cost several times their JSON.
 */
function encodeChunks(writes: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(writes).map(([key, events]) => [key, JSON.stringify(events)]));
}

function decodeChunk(stored: unknown): RecordedEvent[] {
  if (typeof stored !== 'string') return [];
  try {
    return JSON.parse(stored) as RecordedEvent[];
  } catch {
    return [];
  }
}

/** The newest chunk of a session, loaded (or made) for appending. */
async function openChunk(tabId: number, s: SessionMeta, writes: Record<string, unknown>) {
  const last = s.chunks[s.chunks.length - 1];
  if (!last) {
    s.chunks.push([0, 0, 0]);
    return { session: s, n: 0, events: [] as RecordedEvent[] };
  }
  const key = chunkKey(tabId, s, last[0]);
  const events = (writes[key] as RecordedEvent[] | undefined) ?? decodeChunk((await session.get(key))[key]);
  return { session: s, n: last[0], events };
}

/** Drops whole oldest chunks (oldest sessions first) until the record is within its bounds. */
const sizeOf = (record: TabRecord) => record.sessions.reduce((sum, s) => sum + s.chunks.reduce((a, c) => a + c[2], 0), 0);

function trim(tabId: number, record: TabRecord, writes: Record<string, unknown>, maxSize: number): string[] {
  const removed: string[] = [];
  const size = () => sizeOf(record);
  const drop = (s: SessionMeta) => {
    const [n, count] = s.chunks.shift()!;
    const key = chunkKey(tabId, s, n);
    delete writes[key];
    removed.push(key);
    s.count -= count;
    s.dropped += count;
  };
  for (const s of record.sessions) while (s.count > LIMITS.eventsPerSession && s.chunks.length > 1) drop(s);
  for (const s of record.sessions) while (size() > maxSize && s.chunks.length > (s === record.sessions.at(-1) ? 1 : 0)) drop(s);
  return removed;
}

/** The current page session; one is made when events come before any frame start. */
function currentSession(record: TabRecord, url: string, at: number): SessionMeta {
  let current = record.sessions[record.sessions.length - 1];
  if (!current) {
    current = newSession(url, at);
    record.sessions.push(current);
  }
  return current;
}

/** Chunks already read, by key: a chunk that is not growing never changes, so it is read once. */
export type ChunkCache = Map<string, RecordedEvent[]>;

const READ_BATCH = 25;

export interface ReadOptions {
  /**
   * Read only the current page session's first chunk (the widget and the registration are
   * usually there) and its newest `previewChunks`: enough to show the status and the newest
   * entries at once while the whole record is read.
   */
  previewChunks?: number;
}

/**
 * The tab's record with its events. The panel calls this directly (a record of several MB is
 * too big to pass through a message quickly) with a cache, so each update reads only new chunks.
 */
export async function readRecord(tabId: number, cache: ChunkCache = new Map(), { previewChunks }: ReadOptions = {}): Promise<{ preserve: boolean; sessions: PageSession[]; partial: boolean } | undefined> {
  return serialised(tabId, async () => {
    const record = await readMeta(tabId);
    if (!record) return undefined;
    let sessions = record.sessions;
    let partial = false;
    if (previewChunks !== undefined) {
      const last = sessions.at(-1)!;
      const chunks = last.chunks.length > previewChunks + 1 ? [last.chunks[0]!, ...last.chunks.slice(-previewChunks)] : last.chunks;
      partial = sessions.length > 1 || chunks.length < last.chunks.length;
      sessions = [{ ...last, chunks }];
    }
    const wanted = sessions.flatMap(s => s.chunks.map(([n, count]) => [chunkKey(tabId, s, n), count] as const));
    const missing = wanted.filter(([key, count]) => cache.get(key)?.length !== count).map(([key]) => key);
    // Several smaller reads in parallel: 10,000 invocations were read in ~150 ms instead of ~230 ms.
    const batches = Array.from({ length: Math.ceil(missing.length / READ_BATCH) }, (_, i) => missing.slice(i * READ_BATCH, (i + 1) * READ_BATCH));
    const fetched = Object.assign({}, ...(await Promise.all(batches.map(keys => session.get(keys))))) as Record<string, unknown>;
    for (const key of missing) cache.set(key, decodeChunk(fetched[key]));
    if (!partial) {
      const live = new Set(wanted.map(([key]) => key));
      for (const key of cache.keys()) if (!live.has(key)) cache.delete(key);
    }
    return {
      preserve: record.preserve,
      partial,
      sessions: sessions.map(({ chunks: list, ...meta }) => ({
        ...meta,
        events: list.flatMap(([n]) => cache.get(chunkKey(tabId, meta, n)) ?? []),
      })),
    };
  });
}

export async function listRecords(): Promise<[number, TabRecord][]> {
  const all = await session.get(null);
  return Object.entries(all).filter(([key]) => key.startsWith('tab:')).map(([key, record]) => [Number(key.slice(4)), record as TabRecord]);
}

export function clearRecord(tabId: number): Promise<void> {
  return serialised(tabId, async () => {
    const record = await readMeta(tabId);
    if (!record) return;
    const obsolete = chunkKeys(tabId, record.sessions);
    const last = record.sessions.at(-1);
    // A fresh id: new chunks must never reuse the keys of cleared ones (readers cache by key).
    record.sessions = last ? [{ ...newSession(last.url, last.startedAt), frames: last.frames }] : [];
    await session.set({ [metaKey(tabId)]: record });
    await session.remove(obsolete);
  });
}

export function setPreserve(tabId: number, preserve: boolean): Promise<void> {
  return serialised(tabId, async () => {
    const record = (await readMeta(tabId)) ?? { preserve, sessions: [] };
    await session.set({ [metaKey(tabId)]: { ...record, preserve } });
  });
}

export function removeRecord(tabId: number): Promise<void> {
  return serialised(tabId, async () => {
    const record = await readMeta(tabId);
    await session.remove([metaKey(tabId), ...(record ? chunkKeys(tabId, record.sessions) : [])]);
  });
}
