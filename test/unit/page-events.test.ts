/** The trust boundary: page events and pasted context variables validated before the engine reads them. */
import { describe, test, expect } from 'vitest';
import { assembleSession } from '../../src/analysis/session/session.js';
import { widgetKindText } from '../../src/analysis/report/page-words.js';
import { parseContextVariableList } from '../../src/analysis/index.js';
import { parsePageEvent } from '../../src/protocol/page-events.js';
import { T0, ask, frame, ready } from '../helpers/events.js';

describe('parsePageEvent at the trust boundary', () => {
  test.each([
    [null],
    [{}],
    [{ k: 'inv', at: 1, id: 1, route: 'other' }],
    [{ k: 'evt', at: 1, type: 'click', detail: null }],
    [{ k: 'reg', at: Infinity, fn: true, arg: 'function', ready: true }],
    [{ k: 'end', at: 1, id: 1, err: { n: 1 } }],
    [{ k: 'widget', at: 1, iframe: true, script: { appId: 1 } }],
    // The widget frame's page and the custom-widget flag come from the page's DOM: bounded and typed.
    [{ k: 'widget', at: 1, iframe: true, script: null, frameSrc: 'x'.repeat(4097) }],
    [{ k: 'widget', at: 1, iframe: true, script: null, frameSrc: { toString: 'chat.html' } }],
    [{ k: 'widget', at: 1, iframe: false, script: null, custom: 'yes' }],
    [{ k: 'got', at: 1, via: 'postMessage', v: 'eyJ' }],
  ])('rejects %j', message => expect(parsePageEvent(message)).toBeNull());
  test("the portal flag is kept only as true (the page's own value is never copied)", () => {
    const req = { k: 'req', at: 1, name: 'auth.getAuthenticationToken', found: true };
    expect(parsePageEvent({ ...req, portal: true })).toEqual({ ...req, portal: true });
    for (const portal of ['yes', 1, { toString: 'true' }]) expect(parsePageEvent({ ...req, portal })).toEqual(req);
  });
  test('a Power Pages portal shows in the widget line', () => {
    const view = assembleSession([
      ready(),
      { k: 'req', at: T0 + 1, name: 'auth.getAuthenticationToken', found: true, portal: true, frame },
    ]);
    expect([view.widget.portal, view.route]).toEqual([true, 'clientFunction']);
    expect(widgetKindText({ ...view.widget, kind: 'v2', kindEvidence: 'its frame is chatv2.html' })).toBe(
      'v2 (its frame is chatv2.html) · on a Power Pages portal',
    );
    expect(assembleSession([ready(), ask(1, T0 + 2)]).widget.portal).toBe(false);
  });
  test('a forged "cut" delivery is not taken at its word', () => {
    // Not longer than what is kept whole: not a cut string, so it is shown as the object it is.
    for (const v of [
      { o: 'cut', n: 10, t: 'eyJ', h: '0badf00d' },
      { o: 'cut', n: 1e6, t: 'eyJ', h: { evil: true } },
      { o: 'cut', n: 'many', t: 'eyJ', h: '0badf00d' },
    ])
      expect(parsePageEvent({ k: 'got', at: 1, via: 'setAuthTokenProvider', v })).toMatchObject({ v: { o: 'object' } });
    // A genuine one keeps its length and fingerprint, and only its first KiB.
    expect(
      parsePageEvent({
        k: 'got',
        at: 1,
        via: 'authTokenResponse',
        v: { o: 'cut', n: 2e6, t: 'a'.repeat(1_048_576), h: 7 },
      }),
    ).toEqual({
      k: 'got',
      at: 1,
      via: 'authTokenResponse',
      v: { o: 'cut', n: 2e6, t: 'a'.repeat(1024), h: '00000007' },
    });
  });
  test('keeps only the protocol fields and bounds what it copies', () => {
    const deep = JSON.parse('['.repeat(50) + ']'.repeat(50));
    const event = parsePageEvent({
      k: 'evt',
      at: 1,
      type: 'lcw:error',
      detail: { deep, s: 'x'.repeat(5000) },
      extra: '<script>',
    });
    expect(event).toEqual({
      k: 'evt',
      at: 1,
      type: 'lcw:error',
      detail: { deep: [[['(object)']]], s: 'x'.repeat(2000) },
    });
  });
  test('reduces a handed object to its primitive properties', () => {
    expect(
      parsePageEvent({ k: 'cb', at: 1, id: 1, sync: true, v: { access_token: 'abc', nested: { a: 1 }, n: 2 } }),
    ).toEqual({ k: 'cb', at: 1, id: 1, sync: true, v: { o: 'object', p: { access_token: 'abc', n: 2 } } });
  });
});

describe('parseContextVariableList (the panel\'s "paste a list")', () => {
  test.each([
    [
      'names, one per line',
      'msdyn_cartvalue\nmsdyn_isvip\n',
      [
        { name: 'msdyn_cartvalue', type: 'text' },
        { name: 'msdyn_isvip', type: 'text' },
      ],
    ],
    [
      'copied from the work stream table (tabs, a heading)',
      'Name\tType\nmsdyn_cartvalue\tNumber\nmsdyn_isvip\tText\n',
      [
        { name: 'msdyn_cartvalue', type: 'number' },
        { name: 'msdyn_isvip', type: 'text' },
      ],
    ],
    [
      'commas and colons, any case',
      'a, number\nb: TEXT\nc integer',
      [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'text' },
        { name: 'c', type: 'number' },
      ],
    ],
    [
      'a JSON array',
      '[{"name":"a","type":"number"},"b"]',
      [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'text' },
      ],
    ],
  ])('%s', (_, text, expected) => {
    expect(parseContextVariableList(text)).toEqual(expected);
  });
  test.each([
    ['a name twice', 'a\na number', /"a" is listed twice/],
    ['an unknown type', 'a\tboolean', /Line 1 .*Text or Number/],
    ['broken JSON', '[{"name": ', /not valid JSON/],
  ])('%s gets a specific message', (_, text, message) => {
    expect(() => parseContextVariableList(text)).toThrow(message);
  });
});
