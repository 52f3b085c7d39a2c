/** The HAR scanner at the byte level: any chunking, escapes across chunk edges, only the widget's entries parsed. */
import { describe, test, expect } from 'vitest';
import { HarScanner } from '../../src/analysis/traffic/har-scan.js';
import { harTraffic } from '../../src/analysis/traffic/har.js';
import { SessionAssembly, assembleSession } from '../../src/analysis/session/session.js';
import { sessionVerdict } from '../../src/analysis/report/verdict.js';

const widgetEntry = (path: string, extra: object = {}) => ({
  startedDateTime: '2026-11-24T16:00:00.000Z',
  request: { url: `https://org.omnichannelengagementhub.com/livechatconnector${path}`, method: 'POST', headers: [] },
  response: { status: 200, headers: [], content: { text: '{}' } },
  ...extra,
});
const har = {
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    pages: [{ title: 'https://shop.contoso.com/help?x=1', id: 'page_1' }],
    entries: [
      { request: { url: 'https://shop.contoso.com/a"b\\\\"}{[' }, comment: 'quotes \\" and braces } ] in strings' },
      widgetEntry('/config/org-1/app-1?channelId=lcw'),
      { request: { url: 'https://cdn.example/x.js' }, response: { content: { text: '\\\\\\\\'.repeat(50) } } },
      widgetEntry('/v2/auth/getchattoken/org-1/app-1/r', { note: 'end "\\\\" here' }),
    ],
  },
};
const bytes = new TextEncoder().encode(`\ufeff ${JSON.stringify(har)}`);

function scan(chunkSize: number) {
  const scanner = new HarScanner();
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
  return scanner.end();
}

describe('HarScanner', () => {
  test('every chunk size gives the same two widget entries, the pages and the creator', () => {
    const whole = scan(bytes.length);
    expect(whole.problem).toBeNull();
    expect(whole.entries).toEqual([har.log.entries[1], har.log.entries[3]]);
    expect([whole.entryCount, whole.creator, whole.pages]).toEqual([4, 'WebInspector', har.log.pages]);
    expect(whole.firstUrl).toBe(har.log.entries[0]!.request.url);
    for (let size = 1; size <= 97; size++) expect(scan(size)).toEqual(whole);
  });
  test('what is not a complete HAR says what it is', () => {
    const feed = (text: string) => {
      const s = new HarScanner();
      s.push(new TextEncoder().encode(text));
      return s.end().problem;
    };
    expect(feed('[1,2]')).toMatch(/does not start with a JSON object/);
    expect(feed('{"log": {"entries": [{"a": 1}')).toMatch(/cut off at byte 29 \(inside the JSON\)/);
    expect(feed('{"log": {"pages": []}}')).toMatch(/no "log.entries" list/);
    expect(feed('{"a": 1}}')).toMatch(/closes nothing at byte 8/);
    expect(feed('  ')).toBe('the file is empty');
    expect(feed('{"log": {"entries": [{"a": "1')).toMatch(/cut off at byte 29 \(inside entry 1\)/);
  });
  test('the page URL comes without its query; entries become validated events', () => {
    const { events, pageUrl } = harTraffic(scan(bytes.length).entries, har.log.pages);
    expect(pageUrl).toBe('https://shop.contoso.com/help');
    // A page title that is not a URL (Firefox writes the document's title): the first entry's URL stands in.
    expect(harTraffic([], [{ title: 'Help · Contoso' }], 'https://shop.contoso.com/help?q=1').pageUrl).toBe(
      'https://shop.contoso.com/help',
    );
    expect(events.map(e => e.k)).toEqual(['cfg', 'wire']);
    // Values past the record's bounds are cut to them, not a reason to lose the call.
    const odd = harTraffic(
      [
        widgetEntry('/auth/getchattoken/o/a/r', {
          request: {
            url: 'https://o.omnichannelengagementhub.com/livechatconnector/auth/getchattoken/o/a/r',
            method: 'POST',
            headers: [{ name: 'authenticatedUserToken', value: `eyJ${'a'.repeat(100_000)}` }],
          },
          response: { status: -1, headers: [{ name: 'Message', value: 'm'.repeat(5000) }], content: {} },
        }),
      ],
      [{ title: 'javascript:alert(1)' }],
    );
    expect(odd.pageUrl).toBeNull();
    expect(odd.events).toHaveLength(1);
    expect(odd.events[0]).toMatchObject({ k: 'wire', status: 0, tokenCut: 100_003 });
    const wire = odd.events[0] as { token: string; message: string };
    expect([wire.token.length, wire.message.length]).toEqual([65_536, 1000]);
    // Hostile values are dropped by the record's validation, not trusted.
    expect(harTraffic([{ startedDateTime: 'yesterday', request: { url: 'x' } }, null, 5], null).events).toEqual([]);
  });
});

test('a HAR carries the field reports too: an /auth/ call without a token, a reconnect refused', () => {
  const call = (path: string, status: number, headers: { name: string; value: string }[], at: string) =>
    widgetEntry(path, {
      startedDateTime: at,
      request: { url: `https://org.omnichannelengagementhub.com/livechatconnector${path}`, method: 'POST', headers },
      response: {
        status,
        headers: [{ name: 'message', value: status === 403 ? 'Reconnect is off' : '' }],
        content: {},
      },
    });
  const { events } = harTraffic(
    [
      call('/v2/auth/reconnectablechats/o/a', 401, [], '2026-11-24T16:00:00.000Z'),
      call(
        '/v2/auth/getchattoken/o/a',
        401,
        [{ name: 'AuthenticatedUserToken', value: '' }],
        '2026-11-24T16:00:01.000Z',
      ),
    ],
    [{ title: 'https://shop.contoso.com/help' }],
  );
  const view = assembleSession(events.map(e => ({ ...e, frame: -1 })));
  expect(view.findings.map(f => f.message)).toEqual([
    'POST reconnectablechats went out with no AuthenticatedUserToken header (answered 401); no token was handed ' +
      'over on this page.',
    'POST getchattoken went out with an empty AuthenticatedUserToken header (answered 401); no token was handed ' +
      'over on this page.',
  ]);
});

test("a HAR's chat start with custom context: the rule fires from its postData, nothing else of the body is kept", () => {
  const body = JSON.stringify({ preChatResponse: { email: 'v@example.com' }, customContextData: { tier: 'gold' } });
  const start = (postData: object | undefined) =>
    widgetEntry('/auth/organization/o/widgetApp/a/conversation', {
      request: {
        url: 'https://org.omnichannelengagementhub.com/livechatconnector/auth/organization/o/widgetApp/a/conversation',
        method: 'POST',
        headers: [{ name: 'AuthenticatedUserToken', value: 'a.b.c' }],
        ...(postData ? { postData } : {}),
      },
    });
  const { events } = harTraffic([start({ mimeType: 'application/json', text: body })], null);
  expect(events.map(e => (e.k === 'wire' ? e.customContext : null))).toEqual(['{"tier":"gold"}']);
  expect(JSON.stringify(events)).not.toContain('v@example.com');
  const rules = (e: typeof events) => assembleSession(e.map(x => ({ ...x, frame: -1 }))).findings.map(f => f.rule);
  expect(rules(events)).toContain('auth.custom-context');
  // Near misses: no postData, or postData that is not text.
  expect(rules(harTraffic([start(undefined)], null).events)).not.toContain('auth.custom-context');
  expect(rules(harTraffic([start({ text: { customContextData: 1 } })], null).events)).not.toContain(
    'auth.custom-context',
  );
});

describe("only Omnichannel's hosts speak for the widget", () => {
  const entry = (url: string, status = 401) => ({
    startedDateTime: '2026-11-24T16:00:00.000Z',
    request: { url, method: 'GET', headers: [{ name: 'Referer', value: 'https://oc-cdn-ocprod.azureedge.net/' }] },
    response: { status, headers: [], content: { text: '{}' } },
  });
  test("a survey site's /survey/auth/login and a third party's /livechatconnector/config/ are not the widget's", () => {
    const { events } = harTraffic(
      [
        entry('https://surveys.contoso-feedback.com/survey/auth/login'),
        entry('https://tracker.example/livechatconnector/config/org/app', 200),
      ],
      [],
    );
    expect(events).toEqual([]);
  });
  test("near miss: the same paths on Omnichannel's host are", () => {
    const { events } = harTraffic(
      [entry('https://org.omnichannelengagementhub.com/livechatconnector/v2/auth/getchattoken/o/a/r')],
      [],
    );
    expect(events.map(e => e.k)).toEqual(['wire']);
  });
});

describe('files that break or fool a reader', () => {
  const feed = (text: string | Uint8Array, chunk = 1 << 16) => {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const s = new HarScanner();
    for (let at = 0; at < bytes.length; at += chunk) if (!s.push(bytes.subarray(at, at + chunk))) break;
    return s.end();
  };
  const entryJson = (path: string) => JSON.stringify(widgetEntry(path));
  test('a damaged widget entry is named (index and time), never skipped in silence', () => {
    const damaged = `{"log":{"entries":[${entryJson('/config/o/a')},${entryJson('/v2/auth/getchattoken').replace(/}$/, ',}')}]}}`;
    const scan = feed(damaged);
    expect(scan.entries).toHaveLength(1);
    expect(scan.damagedCount).toBe(1);
    expect(scan.damaged[0]).toMatchObject({ index: 2, startedDateTime: '2026-11-24T16:00:00.000Z' });
    expect(scan.damaged[0]!.why).toMatch(/^its JSON is damaged/);
    // The verdict says it was drawn from what could be read, and is not green.
    const { events } = harTraffic(scan.entries, null);
    const a = new SessionAssembly(events, { source: 'har', unreadable: scan.damagedCount });
    expect(sessionVerdict(a).text).toMatch(
      /from what was kept: 1 of the widget's entries in the file could not be read\)$/,
    );
    expect(sessionVerdict(a).tone).not.toBe('ok');
    // Near miss: a damaged entry that is not the widget's is nobody's business.
    expect(
      feed(`{"log":{"entries":[${entryJson('/config/o/a')},{"request":{"url":"https://x.example/",}}]}}`).damagedCount,
    ).toBe(0);
  });
  test('deep nesting (3 million levels) is only counted, and the entries after it are read', () => {
    const depth = 3_000_000;
    const scan = feed(`{"log":{"x":${'['.repeat(depth)}${']'.repeat(depth)},"entries":[${entryJson('/config/o/a')}]}}`);
    expect([scan.problem, scan.entries.length]).toEqual([null, 1]);
  });
  test('a second "log" replaces the first, as JSON.parse keeps the last value of a key', () => {
    const twice = `{"log":{"entries":[${entryJson('/v2/auth/getchattoken')}]},"log":{"entries":[]}}`;
    expect(JSON.parse(twice).log.entries).toEqual([]);
    expect(feed(twice).entries).toEqual([]);
    const entriesTwice = `{"log":{"entries":[${entryJson('/v2/auth/getchattoken')}],"entries":[${entryJson('/config/o/a')}]}}`;
    expect(feed(entriesTwice).entries).toEqual(JSON.parse(entriesTwice).log.entries);
  });
  test('an escaped key is the key it means', () => {
    const escaped = `{"\\u006cog":{"entri\\u0065s":[${entryJson('/config/o/a')}]}}`;
    expect(JSON.parse(escaped).log.entries).toHaveLength(1);
    expect(feed(escaped).entries).toHaveLength(1);
  });
  test('a UTF-16 file is said to be UTF-16', () => {
    const text = `{"log":{"entries":[]}}`;
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...text].flatMap(c => [c.charCodeAt(0), 0])]);
    expect(feed(utf16).problem).toMatch(/it is UTF-16 encoded/);
    expect(feed(utf16.subarray(2)).problem).toMatch(/it is UTF-16 encoded/);
  });
  test('an entry over 32 MB is named as too large, not parsed', () => {
    const big = `{"log":{"entries":[${entryJson('/v2/auth/getchattoken').replace('"text":"{}"', `"text":"${'A'.repeat(33 << 20)}"`)}]}}`;
    const scan = feed(big, 1 << 20);
    expect([scan.entries.length, scan.damagedCount]).toEqual([0, 1]);
    expect(scan.damaged[0]!.why).toMatch(/^it is 33 MB, over the 32 MB read$/);
  });
});
