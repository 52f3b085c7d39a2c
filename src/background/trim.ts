/**
 * Keeping a tab's record within its bounds: whole old chunks go, the vital events in them stay
 * (moved into their session's first chunk). Used by the store (store.ts) on every write.
 */
import browser from 'webextension-polyfill';
import {
  RECORD_LIMITS,
  chunkKey,
  decodeChunk,
  isVital,
  type RecordedEvent,
  type SessionMeta,
  type TabRecord,
} from '../record/format.js';

/** Chunks to write, by key. */
export type Writes = Record<string, RecordedEvent[]>;

const area = () => browser.storage.session;

/** An event's share of a chunk's size, in characters of its JSON (the quota counts the stored JSON). */
export const sizeOfEvent = (event: RecordedEvent) => JSON.stringify(event).length;

export const sizeOf = (record: TabRecord) =>
  record.sessions.reduce((sum, s) => sum + s.chunks.reduce((a, c) => a + c[2], 0), 0);

/**
 * Drops whole old chunks until the record is within its bounds: earlier page sessions first (their
 * first chunk last), then the current one's oldest but its first (which holds how the page began)
 * and its newest. A flood therefore costs the middle of the story, never its start or its end; and
 * the vital events of a dropped chunk (isVital: registrations, ...) move into its session's first
 * chunk, within a budget, so no finding is ever drawn from their absence.
 */
export async function trim(tabId: number, record: TabRecord, writes: Writes, maxSize: number): Promise<string[]> {
  const removed: string[] = [];
  const dropped: { session: SessionMeta; key: string; events?: RecordedEvent[] }[] = [];
  const current = record.sessions.at(-1);
  const drop = (s: SessionMeta) => {
    const index = s.chunks.length > 2 || (s !== current && s.chunks.length > 1) ? 1 : 0;
    const [n, count] = s.chunks.splice(index, 1)[0]!;
    const key = chunkKey(tabId, s, n);
    dropped.push({ session: s, key, ...(writes[key] ? { events: writes[key] } : {}) });
    delete writes[key];
    removed.push(key);
    s.count -= count;
    s.dropped += count;
  };
  for (const s of record.sessions) while (s.count > RECORD_LIMITS.eventsPerSession && s.chunks.length > 2) drop(s);
  // Earlier sessions down to their first chunk, then the current one, then (still over) earlier ones whole.
  for (const [s, keep] of [
    ...record.sessions.filter(s => s !== current).map(s => [s, 1] as const),
    ...(current ? [[current, 2] as const] : []),
    ...record.sessions.filter(s => s !== current).map(s => [s, 0] as const),
  ])
    while (sizeOf(record) > maxSize && s.chunks.length > keep) drop(s);
  await pinVital(tabId, dropped, writes);
  return removed;
}

/** Moves the vital events of dropped chunks into their session's first chunk (what is not moved stays counted). */
async function pinVital(
  tabId: number,
  dropped: { session: SessionMeta; key: string; events?: RecordedEvent[] }[],
  writes: Writes,
): Promise<void> {
  const unread = dropped.filter(d => !d.events && d.session.chunks.length > 0).map(d => d.key);
  const stored = unread.length > 0 ? await area().get(unread) : {};
  for (const { session, key, events } of dropped) {
    const first = session.chunks[0];
    if (!first) continue;
    const vital = (events ?? decodeChunk(stored[key])).filter(isVital);
    if (vital.length === 0) continue;
    const firstKey = chunkKey(tabId, session, first[0]);
    const into = (writes[firstKey] ??= decodeChunk((await area().get(firstKey))[firstKey]));
    for (const event of vital) {
      const size = sizeOfEvent(event);
      if ((session.pinned ?? 0) + size > RECORD_LIMITS.pinnedChars) break;
      into.push(event);
      session.pinned = (session.pinned ?? 0) + size;
      first[1]++;
      first[2] += size;
      session.count++;
      session.dropped--;
    }
  }
}
