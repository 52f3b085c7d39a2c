/**
 * The background's record store against an in-memory storage.session that enforces a quota the
 * way Chrome does (JSON size of keys and values): bounds, counting what was dropped, the quota
 * retry, and the panel's incremental read.
 */
import { describe, test, expect, vi, beforeEach } from 'vitest';

const area = vi.hoisted(() => {
  const items = new Map<string, string>();
  const state = { quota: 10_485_760, gets: [] as string[][] };
  const bytes = () => [...items].reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  return {
    items,
    state,
    async get(keys: string | string[] | null) {
      const wanted = keys === null ? [...items.keys()] : typeof keys === 'string' ? [keys] : keys;
      if (Array.isArray(keys)) state.gets.push(keys);
      return Object.fromEntries(wanted.filter(k => items.has(k)).map(k => [k, JSON.parse(items.get(k)!)]));
    },
    async set(values: Record<string, unknown>) {
      const before = new Map(items);
      for (const [k, v] of Object.entries(values)) items.set(k, JSON.stringify(v));
      if (bytes() > state.quota) {
        items.clear();
        for (const [k, v] of before) items.set(k, v);
        throw new Error('Session storage quota bytes exceeded.');
      }
    },
    async remove(keys: string | string[]) {
      for (const k of [keys].flat()) items.delete(k);
    },
  };
});
vi.mock('webextension-polyfill', () => ({ default: { storage: { session: area } } }));

const { append, clearRecord, setPreserve } = await import('../../src/background/store.js');
const { readRecord } = await import('../../src/record/read.js');
const { RECORD_LIMITS: LIMITS } = await import('../../src/record/format.js');
type Item = Parameters<typeof append>[2][number];

/** One invocation as the relay reports it: invoked, called back with a token, returned. */
const invocation = (id: number, token: string): Item[] => [
  { type: 'page-event', event: { k: 'inv', id, at: id * 3, route: 'sdk' } },
  { type: 'page-event', event: { k: 'cb', id, at: id * 3 + 1, sync: true, v: token } },
  { type: 'page-event', event: { k: 'end', id, at: id * 3 + 2 } },
];
async function record(tabId: number, from: number, count: number, tokenLength = 700) {
  const token = 'x'.repeat(tokenLength);
  for (let start = from; start < from + count; start += 30) {
    await append(
      tabId,
      0,
      Array.from({ length: Math.min(30, from + count - start) }, (_, i) => invocation(start + i, token)).flat(),
    );
  }
}

beforeEach(() => {
  area.items.clear();
  area.state.quota = 10_485_760;
  area.state.gets = [];
});

describe('the record store', () => {
  test('10,000 invocations with 700-character tokens are kept whole', async () => {
    await append(1, 0, [{ type: 'frame-start', url: 'https://shop.example/', at: 0 }]);
    await record(1, 1, 10_000);
    const { sessions } = (await readRecord(1))!;
    expect(sessions[0]!.count).toBe(30_000);
    expect(sessions[0]!.dropped).toBe(0);
    expect(sessions[0]!.events.filter(e => e.k === 'inv').map(e => (e as { id: number }).id)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i + 1),
    );
  }, 60_000);

  test('beyond the event bound whole chunks from the middle go: the first and the newest stay, each drop counted', async () => {
    const invocations = Math.ceil(LIMITS.eventsPerSession / 3) + 200;
    await record(2, 1, invocations, 20);
    const { sessions } = (await readRecord(2))!;
    const s = sessions[0]!;
    expect(s.count).toBeLessThanOrEqual(LIMITS.eventsPerSession);
    expect(s.count).toBeGreaterThan(LIMITS.eventsPerSession - LIMITS.chunk);
    expect(s.count + s.dropped).toBe(invocations * 3);
    expect(s.events).toHaveLength(s.count);
    // What stays: how the page began (its first chunk) and the newest, in order.
    expect(s.events[0]).toMatchObject({ k: 'inv', id: 1 });
    expect(s.events.at(-1)).toMatchObject({ k: 'end', id: invocations });
  }, 60_000);

  test('twelve 1 MB tokens: chunks split by size, the record stays within the quota and keeps its start', async () => {
    await append(5, 0, [{ type: 'frame-start', url: 'https://shop.example/', at: 0 }]);
    for (let id = 1; id <= 12; id++) await append(5, 0, invocation(id, 'x'.repeat(1_000_000)));
    await append(5, 0, invocation(13, 'ok'));
    const s = (await readRecord(5))!.sessions[0]!;
    expect(s.events[0]).toMatchObject({ k: 'inv', id: 1 });
    expect(s.events.at(-1)).toMatchObject({ k: 'end', id: 13 });
    expect(s.dropped).toBeGreaterThan(0);
    expect([...area.items].reduce((sum, [k, v]) => sum + k.length + v.length, 0)).toBeLessThan(area.state.quota);
  });

  test("when other tabs hold the quota, a write frees this tab's oldest half and nothing throws", async () => {
    await record(3, 1, 1000);
    area.state.quota = [...area.items].reduce((sum, [k, v]) => sum + k.length + v.length, 0) + 5000;
    await record(3, 1001, 100);
    const s = (await readRecord(3))!.sessions[0]!;
    expect(s.dropped).toBeGreaterThan(1000);
    expect(s.count + s.dropped).toBe(1100 * 3);
    expect(s.events.at(-1)).toMatchObject({ k: 'end', id: 1100 });
  });

  test('every registration survives the cut: vital events of a dropped chunk move into the first', async () => {
    await append(12, 0, [{ type: 'frame-start', url: 'https://shop.example/', at: 0 }]);
    for (let id = 1; id <= 12; id++) {
      await append(12, 0, [
        { type: 'page-event', event: { k: 'reg', at: id * 3, fn: true, arg: 'function', ready: true } },
        ...invocation(id, 'x'.repeat(1_000_000)),
      ]);
    }
    await append(12, 0, [{ type: 'page-event', event: { k: 'drop', at: 100, n: 7, why: 'flood' } }]);
    await append(12, 0, invocation(40, 'ok'));
    const s = (await readRecord(12))!.sessions[0]!;
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.events.filter(e => e.k === 'reg')).toHaveLength(12);
    expect(s.events.filter(e => e.k === 'drop')).toHaveLength(1);
    // What was moved is kept, not dropped: the counts still add up to what was recorded.
    expect(s.count + s.dropped).toBe(1 + 12 * 4 + 3);
    expect(s.events).toHaveLength(s.count);
  });

  test('one tab cannot starve another: a write over the quota holds every tab to its share', async () => {
    area.state.quota = 10_485_760;
    for (let id = 1; id <= 9; id++) await append(21, 0, invocation(id, 'h'.repeat(990_000)));
    const before = (await readRecord(21))!.sessions[0]!;
    for (let id = 1; id <= 13; id++) await append(22, 0, invocation(id, 't'.repeat(300_000)));
    const starved = (await readRecord(22))!.sessions[0]!;
    expect(starved.dropped + (starved.quotaDropped ?? 0)).toBe(0);
    expect(starved.events.filter(e => e.k === 'cb')).toHaveLength(13);
    // The hog gave up its oldest chunks, and says so.
    const hog = (await readRecord(21))!.sessions[0]!;
    expect(hog.dropped).toBeGreaterThan(before.dropped);
    expect(hog.count + hog.dropped).toBe(27);
  });

  test('events storage.session refuses even then are counted as lost to the quota, not forgotten', async () => {
    await record(23, 1, 10);
    area.state.quota = [...area.items].reduce((sum, [k, v]) => sum + k.length + v.length, 0) + 2000;
    await append(23, 0, invocation(11, 'z'.repeat(50_000)));
    const s = (await readRecord(23))!.sessions[0]!;
    expect(s.quotaDropped).toBe(3);
  });

  test('a reader with a cache fetches only the chunks that changed', async () => {
    await record(4, 1, 100);
    const cache = new Map();
    await readRecord(4, cache);
    area.state.gets = [];
    await record(4, 101, 1);
    const { sessions } = (await readRecord(4, cache))!;
    expect(area.state.gets.filter(keys => keys.some(k => k.startsWith('ev:')))).toEqual([
      [expect.stringMatching(/^ev:4:.*:3$/)],
    ]);
    expect(sessions[0]!.events).toHaveLength(303);
  });

  test('DevTools saw the tab navigate: the page after it gets its own session, adopted when it speaks', async () => {
    const start = (url: string, doc: number) => ({ type: 'frame-start' as const, url, at: doc + 1, doc });
    const navigated = (url: string, at: number) => ({ type: 'navigated' as const, url, at });
    // A tab with no record gets none from the news alone.
    await append(11, -1, [navigated('https://shop.example/x', 1)]);
    expect(await readRecord(11)).toBeUndefined();
    await append(7, 0, [start('https://shop.example/a', 0)]);
    await record(7, 1, 2);
    await append(7, -1, [navigated('https://shop.example/plain?q=1', 10)]);
    let { sessions } = (await readRecord(7))!;
    expect(sessions.map(s => [s.url, s.events.length])).toEqual([['https://shop.example/plain', 0]]);
    // Another page that says nothing: the empty session is only renamed.
    await append(7, -1, [navigated('https://shop.example/plain2', 15)]);
    await append(7, 0, [start('https://shop.example/b', 20)]);
    ({ sessions } = (await readRecord(7))!);
    expect(sessions.map(s => [s.url, s.frames])).toEqual([
      ['https://shop.example/b', { '0': 'https://shop.example/b' }],
    ]);
    // Late news of a page that already spoke (DevTools is slower than the page) changes nothing.
    await append(7, -1, [navigated('https://shop.example/b', 26)]);
    expect((await readRecord(7))!.sessions.map(s => s.url)).toEqual(['https://shop.example/b']);
    // With "Preserve log" the left page stays, and the silent one between is not kept as a page.
    await setPreserve(7, true);
    await record(7, 10, 1);
    await append(7, -1, [navigated('https://shop.example/c', 30)]);
    await append(7, 0, [start('https://shop.example/c', 40)]);
    ({ sessions } = (await readRecord(7))!);
    expect(sessions.map(s => s.url)).toEqual(['https://shop.example/b', 'https://shop.example/c']);
  });

  test("traffic DevTools saw before the new page's first word goes with the new page", async () => {
    const cfg = (at: number) => ({
      type: 'page-event' as const,
      event: {
        k: 'cfg' as const,
        at,
        url: 'https://org.crm.dynamics.com/livechatconnector/config/x',
        status: 200,
        body: '{}',
      },
    });
    await append(10, 0, [{ type: 'frame-start', url: 'https://shop.example/a', at: 1, doc: 0 }]);
    await append(10, -1, [cfg(100)]);
    await record(10, 1, 1);
    // A reload whose frame-end was lost: the new document's configuration arrives first.
    await append(10, -1, [cfg(1000)]);
    await append(10, 0, [{ type: 'frame-start', url: 'https://shop.example/a', at: 1200, doc: 990 }]);
    const { sessions } = (await readRecord(10))!;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.events.map(e => [e.k, e.at])).toEqual([['cfg', 1000]]);
    expect(sessions[0]!.count).toBe(1);
  });

  test('a widget iframe in a page that never announces itself names the page (its referrer), query dropped', async () => {
    await append(8, 2, [
      { type: 'frame-start', url: 'https://widget.example/chat', at: 0, top: 'https://shop.example/help?user=1' },
    ]);
    let { sessions } = (await readRecord(8))!;
    expect(sessions.map(s => [s.url, s.frames])).toEqual([
      ['https://shop.example/help', { '2': 'https://widget.example/chat' }],
    ]);
    // A page that did announce itself keeps its own URL.
    await append(8, 0, [{ type: 'frame-start', url: 'https://shop.example/other', at: 10 }]);
    await append(8, 2, [
      { type: 'frame-start', url: 'https://widget.example/chat', at: 11, top: 'https://elsewhere.example/' },
    ]);
    ({ sessions } = (await readRecord(8))!);
    expect(sessions.map(s => s.url)).toEqual(['https://shop.example/other']);
  });

  test('after Clear, new events are never served from a cache of the cleared ones', async () => {
    await record(5, 1, 40);
    const cache = new Map();
    await readRecord(5, cache);
    await clearRecord(5);
    await record(5, 500, 40);
    const { sessions } = (await readRecord(5, cache))!;
    expect(sessions[0]!.events.filter(e => e.k === 'inv').map(e => (e as { id: number }).id)).toEqual(
      Array.from({ length: 40 }, (_, i) => 500 + i),
    );
  });

  test('a preview read holds the first chunk and the newest ones, says it is partial, and does not spoil the cache', async () => {
    await append(6, 0, [{ type: 'frame-start', url: 'https://shop.example/', at: 0 }]);
    await record(6, 1, 200); // 600 events: chunks 0-5
    const cache = new Map();
    const preview = (await readRecord(6, cache, { previewChunks: 2 }))!;
    expect(preview.partial).toBe(true);
    const ids = preview.sessions[0]!.events.map(e => (e as { id: number }).id);
    expect(ids.slice(0, 3)).toEqual([1, 1, 1]);
    expect(ids.at(-1)).toBe(200);
    expect(preview.sessions[0]!.events).toHaveLength(300);
    const whole = (await readRecord(6, cache))!;
    expect(whole.partial).toBe(false);
    expect(whole.sessions[0]!.events).toHaveLength(600);
    // A small record is whole even when a preview is asked for.
    await record(7, 1, 10);
    expect((await readRecord(7, new Map(), { previewChunks: 2 }))!.partial).toBe(false);
  });
});
