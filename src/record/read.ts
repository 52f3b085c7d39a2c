/**
 * Reading a tab's record from storage.session. The panel reads it directly (a record of several
 * MB is too big to pass through a message quickly) with a cache, so each update reads only the
 * chunks that are new or grew; the background reads it for its own answers.
 */
import browser from 'webextension-polyfill';
import {
  chunkKey,
  decodeChunk,
  META_PREFIX,
  metaKey,
  type PageSession,
  type RecordedEvent,
  type TabRecord,
} from './format.js';

const area = () => browser.storage.session;

/** Chunks already read, by key: a chunk that is not growing never changes, so it is read once. */
export type ChunkCache = Map<string, RecordedEvent[]>;

export interface ReadOptions {
  /**
   * Read only the current page session's first chunk (the widget and the registration are
   * usually there) and its newest `previewChunks`: enough to show the status and the newest
   * entries at once while the whole record is read.
   */
  previewChunks?: number;
}

export interface ReadRecord {
  preserve: boolean;
  sessions: PageSession[];
  /** Only part of the record was read (ReadOptions.previewChunks). */
  partial: boolean;
}

/** Several smaller reads in parallel: 10,000 invocations were read in ~150 ms instead of ~230 ms. */
const READ_BATCH = 25;

export async function readMeta(tabId: number): Promise<TabRecord | undefined> {
  return (await area().get(metaKey(tabId)))[metaKey(tabId)] as TabRecord | undefined;
}

/** The tab's record with its events, or undefined when nothing was recorded for it. */
export async function readRecord(
  tabId: number,
  cache: ChunkCache = new Map(),
  { previewChunks }: ReadOptions = {},
): Promise<ReadRecord | undefined> {
  const record = await readMeta(tabId);
  if (!record) return undefined;
  let sessions = record.sessions;
  let partial = false;
  const last = sessions.at(-1);
  if (previewChunks !== undefined && last) {
    const chunks =
      last.chunks.length > previewChunks + 1 ? [last.chunks[0]!, ...last.chunks.slice(-previewChunks)] : last.chunks;
    partial = sessions.length > 1 || chunks.length < last.chunks.length;
    sessions = [{ ...last, chunks }];
  }
  const wanted = sessions.flatMap(s => s.chunks.map(([n, count]) => [chunkKey(tabId, s, n), count] as const));
  const missing = wanted.filter(([key, count]) => cache.get(key)?.length !== count).map(([key]) => key);
  const batches = Array.from({ length: Math.ceil(missing.length / READ_BATCH) }, (_, i) =>
    missing.slice(i * READ_BATCH, (i + 1) * READ_BATCH),
  );
  const fetched = Object.assign({}, ...(await Promise.all(batches.map(keys => area().get(keys))))) as Record<
    string,
    unknown
  >;
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
}

/** Every tab with a record. */
export async function listRecords(): Promise<[number, TabRecord][]> {
  const all = await area().get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith(META_PREFIX))
    .map(([key, record]) => [Number(key.slice(META_PREFIX.length)), record as TabRecord]);
}
