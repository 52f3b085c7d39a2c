/**
 * Writing each tab's record (format in src/record/format.ts) to storage.session: memory only,
 * never on disk, never synced, and it outlives the MV3 service worker. Appending touches one
 * small chunk whatever the record's size; the record is bounded by dropping whole old chunks.
 * Writes to one tab are serialised, and so are the background's own reads of it.
 */
import browser from 'webextension-polyfill';
import { redactUrl } from '../protocol/hosts.js';
import { NETWORK_FRAME } from '../protocol/network.js';
import {
  RECORD_LIMITS,
  chunkKey,
  chunkKeys,
  decodeChunk,
  encodeChunk,
  META_PREFIX,
  metaKey,
  type RecordItem,
  type RecordedEvent,
  type SessionMeta,
  type TabRecord,
} from '../record/format.js';
import { readMeta } from '../record/read.js';
import { sizeOf, sizeOfEvent, trim, type Writes } from './trim.js';

const chains = new Map<number, Promise<unknown>>();
const area = () => browser.storage.session;

/** Runs `work` after the tab's earlier writes have finished. */
export function serialised<T>(tabId: number, work: () => Promise<T>): Promise<T> {
  const result = (chains.get(tabId) ?? Promise.resolve()).then(work, work);
  chains.set(
    tabId,
    result.catch(() => undefined),
  );
  return result;
}

function newSession(url: string, at: number): SessionMeta {
  const id = `${Math.round(at)}-${Math.random().toString(36).slice(2, 8)}`;
  return { id, url, startedAt: at, frames: {}, count: 0, dropped: 0, chunks: [] };
}

interface OpenChunk {
  session: SessionMeta;
  n: number;
  events: RecordedEvent[];
}

/**
 * Applies what one relay (or the DevTools page, or the wire) sent, in order: frame starts and
 * events. `pageUrl` names a session the page itself never named (a custom widget's page, where the
 * hook has nothing to say and only the wire speaks).
 */
export function append(tabId: number, frameId: number, items: readonly RecordItem[], pageUrl?: string): Promise<void> {
  return serialised(tabId, async () => {
    const stored = await readMeta(tabId);
    // News of a navigation is about a page already recorded: a tab without a record stays without.
    if (!stored && items.every(item => item.type === 'navigated')) return;
    const record = stored ?? { preserve: false, sessions: [] };
    const obsolete: string[] = [];
    const writes: Writes = {};
    let open: OpenChunk | undefined;

    for (const item of items) {
      if (item.type === 'navigated') {
        // The top document changed (DevTools saw it): a page at another URL gets a session of its
        // own, empty until it says anything (DevTools may also bring the news late, once the page
        // has spoken: then the URL is the session's already). A silent page is only renamed. A
        // reload keeps the URL: the new document's own frame-start starts its session.
        const current = record.sessions.at(-1);
        const url = redactUrl(item.url);
        if (!current || current.url === url) continue;
        if (current.frames['0'] === undefined && current.count === 0 && current.dropped === 0) {
          current.url = url;
        } else {
          obsolete.push(...startSession(tabId, record, { url: '', at: item.at }));
          record.sessions.at(-1)!.url = url;
          open = undefined;
        }
        continue;
      }
      if (item.type === 'frame-start') {
        const url = redactUrl(item.url);
        if (frameId === 0) {
          const previous = record.sessions.at(-1);
          obsolete.push(...startSession(tabId, record, { url, at: item.at }));
          const started = record.sessions.at(-1)!;
          if (previous && previous !== started && item.doc !== undefined) {
            await moveLateTraffic(tabId, previous, started, item.doc, writes);
          }
          open = undefined;
        } else {
          // The top page may never announce itself (it only embeds the widget): the frame names it.
          const page = item.top ? redactUrl(item.top) : '';
          const current = currentSession(record, page, item.at);
          if (current.url === '' && page) current.url = page;
          current.frames[String(frameId)] = url;
        }
        continue;
      }
      const current = currentSession(record, '', item.event.at);
      if (current.url === '' && pageUrl) current.url = redactUrl(pageUrl);
      if (open?.session !== current) open = await openChunk(tabId, current, writes);
      const filled = current.chunks[current.chunks.length - 1]!;
      if (open.events.length >= RECORD_LIMITS.chunk || filled[2] >= RECORD_LIMITS.chunkChars) {
        const n = open.n + 1;
        current.chunks.push([n, 0, 0]);
        open = { session: current, n, events: [] };
      }
      const recorded = { ...item.event, frame: frameId };
      open.events.push(recorded);
      const last = current.chunks[current.chunks.length - 1]!;
      last[1]++;
      last[2] += sizeOfEvent(recorded);
      current.count++;
      writes[chunkKey(tabId, current, open.n)] = open.events;
    }
    obsolete.push(...(await trim(tabId, record, writes, RECORD_LIMITS.sizePerTab)));
    const pageEvents = items.filter(item => item.type === 'page-event').length;
    if (!(await write(tabId, record, writes))) {
      // Over the quota (other tabs hold the rest): every tab over its share gives up its oldest
      // chunks and the write is tried again; then this tab's oldest half goes; then the loss is counted.
      const share = await holdOthersToShare(tabId);
      let stored = false;
      for (const bound of [share, sizeOf(record) / 2]) {
        obsolete.push(...(await trim(tabId, record, writes, Math.min(bound, share))));
        await area().remove(obsolete.splice(0));
        if ((stored = await write(tabId, record, writes))) break;
      }
      if (!stored) await countLost(tabId, pageEvents);
    }
    if (obsolete.length > 0) await area().remove(obsolete);
  });
}

/** Writes the chunks and the tab's meta; false when storage.session refused them (its quota). */
async function write(tabId: number, record: TabRecord, writes: Writes): Promise<boolean> {
  try {
    await area().set({ ...encode(writes), [metaKey(tabId)]: record });
  } catch {
    return false;
  }
  return true;
}

/**
 * Events that could not be stored even after every tab was held to its share: counted in the meta
 * as it is stored (the events appended in memory are forgotten), so the loss is named like any other.
 */
async function countLost(tabId: number, events: number): Promise<void> {
  const stored = await readMeta(tabId);
  const current = stored?.sessions.at(-1);
  if (!stored || !current || events === 0) return;
  current.quotaDropped = (current.quotaDropped ?? 0) + events;
  await area()
    .set({ [metaKey(tabId)]: stored })
    .catch(() => undefined);
}

/** A tab's share of the size bound: the bound split between the tabs recorded, never under the minimum. */
const shareAmong = (tabs: number) =>
  Math.max(RECORD_LIMITS.minSharePerTab, Math.floor(RECORD_LIMITS.sizePerTab / Math.max(1, tabs)));

/** One tab at a time holds the others to their shares (two doing it at once would wait on each other). */
let holding = false;

/** Every other tab over its share gives up its oldest chunks; returns the share. */
async function holdOthersToShare(tabId: number): Promise<number> {
  const all = await area().get(null);
  const others = Object.entries(all).flatMap(([key, value]) =>
    key.startsWith(META_PREFIX) && key !== metaKey(tabId) ? [[Number(key.slice(META_PREFIX.length)), value]] : [],
  ) as [number, TabRecord][];
  const share = shareAmong(others.length + 1);
  if (holding) return share;
  holding = true;
  try {
    for (const [other, record] of others) {
      if (sizeOf(record) <= share) continue;
      await serialised(other, async () => {
        const fresh = await readMeta(other);
        if (!fresh) return;
        const writes: Writes = {};
        const gone = await trim(other, fresh, writes, share);
        await area().remove(gone);
        await area().set({ ...encode(writes), [metaKey(other)]: fresh });
      }).catch(() => undefined);
    }
  } finally {
    holding = false;
  }
  return share;
}

/**
 * A top-level document started (or, with an empty URL, DevTools saw the tab navigate): a new page
 * session; earlier ones stay only with "Preserve log". Returns the keys to remove.
 */
function startSession(tabId: number, record: TabRecord, start: { url: string; at: number }): string[] {
  const { url, at } = start;
  const last = record.sessions.at(-1);
  if (url && last && last.frames['0'] === undefined) {
    // The session begun when DevTools saw the navigation (or by the widget's frame in this page)
    // is this page's: what it holds arrived after the last page was gone.
    last.url = url;
    last.frames['0'] = url;
    return [];
  }
  const fresh = newSession(url, at);
  if (url) fresh.frames['0'] = url;
  const keep = record.preserve ? RECORD_LIMITS.sessionsKept - 1 : 0;
  const gone = record.sessions.slice(0, Math.max(0, record.sessions.length - keep));
  record.sessions = [...record.sessions.slice(gone.length), fresh];
  return chunkKeys(tabId, gone);
}

/** How much the DevTools clock (request start) and the page's (its time origin) may disagree. */
const CLOCK_TOLERANCE_MS = 50;

/**
 * The widget's traffic that DevTools reported after the new document started but before the new
 * page's first word reached us (the relay speaks with its first event) belongs to the new page:
 * moved from the previous session's newest chunk to the new session.
 */
async function moveLateTraffic(tabId: number, from: SessionMeta, to: SessionMeta, since: number, writes: Writes) {
  const last = from.chunks.at(-1);
  if (!last) return;
  const key = chunkKey(tabId, from, last[0]);
  const events = writes[key] ?? decodeChunk((await area().get(key))[key]);
  const late = (e: RecordedEvent) => e.frame === NETWORK_FRAME && e.at >= since - CLOCK_TOLERANCE_MS;
  const moved = events.filter(late);
  if (moved.length === 0) return;
  const kept = events.filter(e => !late(e));
  writes[key] = kept;
  const size = (list: RecordedEvent[]) => list.reduce((sum, e) => sum + sizeOfEvent(e), 0);
  last[1] = kept.length;
  last[2] = size(kept);
  from.count -= moved.length;
  to.chunks.push([0, moved.length, size(moved)]);
  to.count += moved.length;
  writes[chunkKey(tabId, to, 0)] = moved;
}

const encode = (writes: Writes): Record<string, string> =>
  Object.fromEntries(Object.entries(writes).map(([key, events]) => [key, encodeChunk(events)]));

/** The newest chunk of a session, loaded for appending; a new one when there is none or it is full (not read). */
async function openChunk(tabId: number, s: SessionMeta, writes: Writes): Promise<OpenChunk> {
  const last = s.chunks[s.chunks.length - 1];
  if (!last || last[1] >= RECORD_LIMITS.chunk || last[2] >= RECORD_LIMITS.chunkChars) {
    const n = last ? last[0] + 1 : 0;
    s.chunks.push([n, 0, 0]);
    return { session: s, n, events: [] };
  }
  const key = chunkKey(tabId, s, last[0]);
  const events = writes[key] ?? decodeChunk((await area().get(key))[key]);
  return { session: s, n: last[0], events };
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

export function clearRecord(tabId: number): Promise<void> {
  return serialised(tabId, async () => {
    const record = await readMeta(tabId);
    if (!record) return;
    const obsolete = chunkKeys(tabId, record.sessions);
    const last = record.sessions.at(-1);
    // A fresh id: new chunks must never reuse the keys of cleared ones (readers cache by key).
    record.sessions = last ? [{ ...newSession(last.url, last.startedAt), frames: last.frames }] : [];
    await area().set({ [metaKey(tabId)]: record });
    await area().remove(obsolete);
  });
}

export function setPreserve(tabId: number, preserve: boolean): Promise<void> {
  return serialised(tabId, async () => {
    const record = (await readMeta(tabId)) ?? { preserve, sessions: [] };
    await area().set({ [metaKey(tabId)]: { ...record, preserve } });
  });
}

export function removeRecord(tabId: number): Promise<void> {
  return serialised(tabId, async () => {
    const record = await readMeta(tabId);
    await area().remove([metaKey(tabId), ...(record ? chunkKeys(tabId, record.sessions) : [])]);
  });
}
