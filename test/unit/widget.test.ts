/** The widget as the record shows it: kind, frame, what it received (long tokens by fingerprint). */
import { describe, test, expect } from 'vitest';
import { assembleSession } from '../../src/analysis/session/session.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { parsePageEvent } from '../../src/protocol/page-events.js';
import { T0, cb, end, frame, healthy, inv, otherUser, ready, reg, token, wire } from '../helpers/events.js';

describe('widget', () => {
  const script = (
    version: string,
    src = 'https://oc-cdn-ocprod.azureedge.net/livechatwidget/scripts/LiveChatBootstrapper.js',
  ) => ({
    appId: 'app',
    orgId: 'org',
    orgUrl: 'https://org.crm.dynamics.com',
    version,
    src,
  });
  const seen = (extra: Partial<RecordedEvent & { k: 'widget' }>): RecordedEvent => ({
    k: 'widget',
    at: T0,
    frame,
    iframe: false,
    script: null,
    ...extra,
  });
  test.each([
    [
      'its frame is chatv2.html',
      [seen({ iframe: true, frameSrc: 'https://cdn.example/livechatwidget/v2public/htmls/chatv2.html' })],
      'v2',
    ],
    [
      'its frame is chat.html',
      [seen({ iframe: true, frameSrc: 'https://cdn.example/livechatwidget/WebChatControl/htmls/chat.html' })],
      'v1',
    ],
    // The frame outweighs what the script tag asks for (the bootstrapper decides).
    [
      'its frame is chatv2.html',
      [seen({ script: script('v1') }), seen({ iframe: true, frameSrc: '/x/chatv2.html' })],
      'v2',
    ],
    ['its script tag asks for v1', [seen({ script: script('v1') })], 'v1'],
    [
      'its script comes from v2scripts',
      [seen({ script: script('prod', 'https://cdn.example/livechatwidget/v2scripts/x.js') })],
      'v2',
    ],
    ['the page has a custom widget script (oc-lcw-script)', [seen({ custom: true })], 'custom'],
    [
      'its frame asked for "authSDKClientFunction", the v2 widget\'s name for the provider (inferred)',
      [{ k: 'req' as const, at: T0, frame, name: 'authSDKClientFunction', found: true }],
      'v2',
    ],
    [
      'calls to Omnichannel with no hosted widget on the page',
      [wire('conversation', 200, null, 'a.b.c', T0)],
      'custom',
    ],
  ] satisfies [string, RecordedEvent[], string][])('which widget: %s', (evidence, events, kind) => {
    const view = assembleSession(events);
    expect([view.widget.kind, view.widget.kindEvidence]).toEqual([kind, evidence]);
  });
  test('near misses: a script tag saying "prod", a frame of another name, calls beside a hosted widget', () => {
    expect(assembleSession([seen({ script: script('prod') })]).widget.kind).toBeNull();
    expect(assembleSession([seen({ iframe: true, frameSrc: '/chat2.html' })]).widget.kind).toBeNull();
    const call = wire('conversation', 200, null, 'a.b.c', T0 + 5);
    expect(assembleSession([seen({ script: script('prod') }), call]).widget.kind).toBeNull();
  });
  test('script tag facts and lcw:error in both detail shapes', () => {
    const view = assembleSession([
      {
        k: 'widget',
        at: T0,
        frame,
        iframe: true,
        script: { appId: 'app', orgId: 'org', orgUrl: 'https://org.crm.dynamics.com', version: 'v1', src: 'x' },
      },
      {
        k: 'evt',
        at: T0 + 1,
        frame,
        type: 'lcw:error',
        detail: { errorCode: 4, errorDescription: 'Auth token provider provided invalid token' },
      },
      { k: 'evt', at: T0 + 2, frame, type: 'lcw:error', detail: { n: 'TypeError', m: 'auth is undefined' } },
      { k: 'evt', at: T0 + 3, frame, type: 'lcw:error', detail: 'weird' },
    ]);
    expect(view.widget).toMatchObject({ detected: true, version: 'v1', orgId: 'org', appId: 'app', iframe: true });
    expect(view.widgetErrors.map(e => [e.errorCode, e.description])).toEqual([
      [4, 'Auth token provider provided invalid token'],
      [null, 'TypeError: auth is undefined'],
      [null, 'weird'],
    ]);
  });
});

describe('a long token the widget received is kept as length, start and fingerprint', () => {
  const long = `${token}${'x'.repeat(100_000)}`;
  test('parsePageEvent cuts it; a token of usual size is kept whole', () => {
    const kept = parsePageEvent({ k: 'got', at: 1, via: 'setAuthTokenProvider', v: long });
    expect(kept).toMatchObject({ v: { o: 'cut', n: long.length, t: long.slice(0, 1024) } });
    expect((kept as { v: { h: string } }).v.h).toMatch(/^[0-9a-f]{8}$/);
    expect(parsePageEvent({ k: 'got', at: 1, via: 'setAuthTokenProvider', v: token })).toMatchObject({ v: token });
  });
  test('it is still tied to the invocation that handed it over, and only to that one', () => {
    const received = parsePageEvent({ k: 'got', at: T0 + 5, via: 'setAuthTokenProvider', v: long })!;
    const view = assembleSession([...healthy(), { ...received, frame: 1 }]);
    expect(view.invocations[0]!.received?.tokenOf).toBe(undefined);
    const handedLong = assembleSession([ready(), reg(), inv(), cb(long), end(), { ...received, frame: 1 }]);
    expect(handedLong.invocations[0]!.received?.tokenOf).toBe('0:1');
    // Its real length is said, as for a cut callback value, never the length of the part kept.
    expect(handedLong.timeline.map(t => t.text)).toContain(
      `Widget frame received a value of ${long.length} characters (only its first 1024 kept) (setAuthTokenProvider message)`,
    );
    // Near miss: same length, another token.
    const other = `${otherUser}${'y'.repeat(long.length - otherUser.length)}`;
    const handedOther = assembleSession([ready(), reg(), inv(), cb(other), end(), { ...received, frame: 1 }]);
    expect(handedOther.invocations[0]!.received?.tokenOf).toBe(undefined);
  });
});
