/**
 * The background's trust boundary: what relays, the DevTools page and panels send is validated
 * and reduced to the protocol's fields. Hostile shapes (getters, prototypes, huge or odd values)
 * are dropped, never passed on.
 */
import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseNavigationMessage,
  parsePanelRequest,
  parseRelayMessage,
  type RelayItem,
} from '../../src/protocol/messages.js';
import { MAX_RELAY_ITEMS, MAX_URL_CHARS } from '../../src/protocol/limits.js';
import { parsePageEvent } from '../../src/protocol/page-events.js';

const relay = (...items: unknown[]) => parseRelayMessage({ type: 'relay', items });
const frameStart = (over: Record<string, unknown>) => ({
  type: 'frame-start',
  url: 'https://a.example/',
  at: 1,
  ...over,
});

describe('relay messages', () => {
  test('a frame start keeps its document time origin and the referrer of a sub-frame', () => {
    expect(relay(frameStart({ doc: 12.5, top: 'https://shop.example/help' }))?.items).toEqual([
      { type: 'frame-start', url: 'https://a.example/', at: 1, doc: 12.5, top: 'https://shop.example/help' },
    ]);
  });

  test.each([
    ['a NaN time origin', { doc: NaN }],
    ['an infinite time origin', { doc: Infinity }],
    ['a time origin given as text', { doc: '12' }],
    ['an empty referrer', { top: '' }],
    ['a referrer that is not a string', { top: { toString: (): string => 'https://evil.example/' } }],
    ['a referrer over the URL bound', { top: `https://a.example/${'x'.repeat(MAX_URL_CHARS)}` }],
  ])('%s is left out, the rest of the frame start kept', (_, over) => {
    expect(relay(frameStart(over))?.items).toEqual([{ type: 'frame-start', url: 'https://a.example/', at: 1 }]);
  });

  test('fields outside the protocol never pass, getters are not run', () => {
    let ran = false;
    const hostile = frameStart({ extra: 'x', __proto__: { polluted: true } });
    Object.defineProperty(hostile, 'sneaky', { enumerable: true, get: () => ((ran = true), 'x') });
    const [item] = relay(hostile)!.items as [RelayItem & Record<string, unknown>];
    expect(Object.keys(item)).toEqual(['type', 'url', 'at']);
    expect(ran).toBe(false);
  });

  test('unknown item types, a too long URL and non-object items are dropped; too many items drop the message', () => {
    expect(
      relay({ type: 'frame-end', at: 1, doc: 1 }, frameStart({ url: 'x'.repeat(MAX_URL_CHARS + 1) }), null, [])?.items,
    ).toEqual([]);
    expect(relay(...Array.from({ length: MAX_RELAY_ITEMS + 1 }, () => frameStart({})))).toBeNull();
    expect(parseRelayMessage([{ type: 'relay', items: [] }])).toBeNull();
  });
});

describe('navigation news from the DevTools page', () => {
  test('a well-formed one is kept with only its fields', () => {
    expect(
      parseNavigationMessage({ type: 'navigated', tabId: 3, url: 'https://a.example/p?q=1', at: 5, doc: 1, x: 1 }),
    ).toEqual({
      type: 'navigated',
      tabId: 3,
      url: 'https://a.example/p?q=1',
      at: 5,
    });
  });

  test.each([
    ['a negative tab', { tabId: -1 }],
    ['a fractional tab', { tabId: 1.5 }],
    ['a tab given as text', { tabId: '3' }],
    ['a URL over the bound', { url: 'x'.repeat(MAX_URL_CHARS + 1) }],
    ['a URL that is not a string', { url: ['https://a.example/'] }],
    ['a NaN time', { at: NaN }],
    ['another type', { type: 'network' }],
  ])('%s is refused', (_, over) => {
    expect(
      parseNavigationMessage({ type: 'navigated', tabId: 3, url: 'https://a.example/', at: 5, ...over }),
    ).toBeNull();
  });
});

test('no validator throws or passes anything but plain protocol data, whatever it is given', () => {
  fc.assert(
    fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true }), value => {
      for (const parse of [parseRelayMessage, parseNavigationMessage, parsePanelRequest]) {
        const out = parse(value);
        if (out !== null) expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      }
      const inRelay = relay(value, frameStart({ doc: value, top: value }));
      expect(inRelay?.items.at(-1)).toMatchObject({ type: 'frame-start', url: 'https://a.example/', at: 1 });
    }),
    { numRuns: 500 },
  );
});

describe('page events from the hook', () => {
  test('a string the hook cut keeps its length, its kept part and its fingerprint as hex', () => {
    const cut = { o: 'cut', n: 2_000_000, t: 'eyJ', h: 123 };
    expect(parsePageEvent({ k: 'cb', at: 1, id: 1, sync: true, v: cut })).toMatchObject({
      v: { o: 'cut', n: 2_000_000, t: 'eyJ', h: '0000007b' },
    });
    // A "cut" that is not longer than the bound is not believed.
    expect(parsePageEvent({ k: 'cb', at: 1, id: 1, sync: true, v: { ...cut, n: 10 } })).toMatchObject({
      v: { o: 'object', p: {} },
    });
    // In an event detail it reads as text that says it was cut.
    const detail = (
      parsePageEvent({ k: 'evt', at: 1, type: 'lcw:error', detail: { errorDescription: { ...cut, n: 5000 } } }) as {
        detail: { errorDescription: string };
      }
    ).detail;
    expect(detail.errorDescription).toBe('eyJ… (5000 characters, cut)');
  });
  test("an error keeps its stack's top frame only", () => {
    const err = {
      n: 'Error',
      m: 'x',
      s: 'Error: x\n    at provider (https://shop.example/app.js:10:5)\n    at y (z.js:1:1)',
    };
    expect(parsePageEvent({ k: 'end', at: 1, id: 1, err })).toMatchObject({
      err: { n: 'Error', m: 'x', s: 'at provider (https://shop.example/app.js:10:5)' },
    });
  });
  test('a drop report needs a positive count and a known reason', () => {
    expect(parsePageEvent({ k: 'drop', at: 1, n: 5, why: 'flood' })).toEqual({ k: 'drop', at: 1, n: 5, why: 'flood' });
    expect(parsePageEvent({ k: 'drop', at: 1, n: 0, why: 'flood' })).toBeNull();
    expect(parsePageEvent({ k: 'drop', at: 1, n: 5, why: 'bored' })).toBeNull();
  });
  test('a detail whose parts are shared many times over is bounded in all, not per branch', () => {
    let leaf: unknown = { text: 'x'.repeat(100) };
    for (let level = 0; level < 12; level++) leaf = { a: leaf, b: leaf, c: leaf, d: leaf };
    const event = parsePageEvent({ k: 'evt', at: 1, type: 'lcw:error', detail: leaf });
    expect(JSON.stringify(event).length).toBeLessThan(100_000);
  });
});
