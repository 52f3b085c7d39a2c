/** Reading the widget's traffic: configuration bodies and /auth/ answers, including hostile and truncated ones. */
import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { parseWidgetConfig, authFailureMessage, authEndpoint } from '../../src/analysis/traffic/omnichannel.js';
import { headerValue, parseNetworkEvent, sentCustomContext, widgetRequestKind } from '../../src/protocol/network.js';

const config = JSON.stringify({
  LiveChatConfigAuthSettings: {
    msdyn_authenticationtype: '192350001',
    msdyn_javascriptclientfunction: '  auth.getToken ',
    msdyn_publickeyurl: 'https://contoso.example/pk',
  },
  LiveWSAndLiveChatEngJoin: {
    msdyn_conversationmode: 192350001,
    msdyn_enablechatreconnect: true,
    msdyn_authenticatedsigninoptional: 'True',
  },
});

describe('parseWidgetConfig', () => {
  test('reads the authentication settings, whatever the value types', () => {
    expect(parseWidgetConfig(config)).toEqual({
      ok: true,
      config: {
        authenticationType: 'oauth2',
        authenticationTypeRaw: '192350001',
        clientFunction: 'auth.getToken',
        publicKeyUrl: 'https://contoso.example/pk',
        persistentChat: true,
        hasAuthSettings: true,
        reconnect: true,
        // Asked for, but persistent chat is always authenticated: sign-in optional does not apply.
        signInOptional: false,
        snippetOrigins: [],
      },
    });
  });
  test('no authentication settings at all: the type is unknown, nothing is invented', () => {
    expect(parseWidgetConfig('{"LiveWSAndLiveChatEngJoin": {}}')).toMatchObject({
      ok: true,
      config: { authenticationType: 'unknown', clientFunction: null, publicKeyUrl: null, signInOptional: false },
    });
  });
  test.each([
    ['truncated', config.slice(0, 80), /not JSON \(80 characters, starting '\{"LiveChatConfig/],
    ['an HTML error page', '<!doctype html><title>502</title>', /not JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
  ])('%s: a clear problem', (_, body, problem) => {
    const reading = parseWidgetConfig(body);
    expect(reading.ok).toBe(false);
    expect(reading.ok ? '' : reading.problem).toMatch(problem);
  });
  test('never throws, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), body => {
        parseWidgetConfig(body);
      }),
    );
  });
  test('hostile keys and values stay data', () => {
    const reading = parseWidgetConfig(
      '{"__proto__": {"polluted": 1}, "LiveChatConfigAuthSettings": {"msdyn_publickeyurl": "<script>x</script>", "msdyn_authenticationtype": {"toString": 1}}}',
    );
    expect(reading).toMatchObject({
      ok: true,
      config: { publicKeyUrl: '<script>x</script>', authenticationTypeRaw: null },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('authFailureMessage', () => {
  test.each([
    ['{"message":"UserId not found"}', 'UserId not found'],
    ['{"Message":"Authentication failed."}', 'Authentication failed.'],
    ['{"error":{"message":"Token expired"}}', 'Token expired'],
    ['Unauthorized', 'Unauthorized'],
    ['"quoted"', 'quoted'],
    ['', null],
    ['   ', null],
    ['<html><body>401</body></html>', null],
    ['{"message":', '{"message":'],
    [`{"message":"${'x'.repeat(1000)}"}`, 'x'.repeat(300)],
  ])('%j -> %j', (body, message) => {
    expect(authFailureMessage(body)).toBe(message);
  });
});

describe("which requests are the widget's", () => {
  test.each([
    ['https://org.crm.dynamics.com/livechatconnector/config/org/app?x=1', 'cfg', ''],
    ['https://org.omnichannelengagementhub.com/livechatconnector/v3/auth/getchattoken', 'auth', 'getchattoken'],
    [
      'https://org.omnichannelengagementhub.com/livechatconnector/auth/validateauthchatmaprecord',
      'auth',
      'validateauthchatmaprecord',
    ],
    ['https://org.omnichannelengagementhub.com/survey/auth/submitpostchat', 'auth', 'submitpostchat'],
    // The Chat SDK's paths: ids after the endpoint's name, or the name after the ids.
    [
      'https://org.omnichannelengagementhub.com/livechatconnector/auth/sessionclose/org/app/0f3e?channelId=lcw',
      'auth',
      'sessionclose',
    ],
    [
      'https://org.omnichannelengagementhub.com/livechatconnector/v2/auth/getchattoken/org/app/0f3e',
      'auth',
      'getchattoken',
    ],
    [
      'https://org.omnichannelengagementhub.com/livechatconnector/auth/organization/org/widgetApp/app/conversation',
      'auth',
      'conversation',
    ],
    ['https://shop.example/auth/login', null, 'login'],
    ['not a url', null, ''],
  ])('%s', (url, kind, endpoint) => {
    expect(widgetRequestKind(url)).toBe(kind);
    if (kind === 'auth') expect(authEndpoint(url)).toBe(endpoint);
  });
  test('parseNetworkEvent keeps only well-formed reports of widget requests', () => {
    const auth = {
      k: 'auth',
      at: 1,
      url: 'https://o.example/livechatconnector/v2/auth/getchattoken',
      method: 'POST',
      status: 401,
      body: 'no',
      token: 'eyJ',
    };
    expect(parseNetworkEvent(auth)).toEqual(auth);
    expect(parseNetworkEvent({ ...auth, url: 'https://o.example/other' })).toBeNull();
    expect(parseNetworkEvent({ ...auth, body: 'x'.repeat(5000) })).toBeNull();
    expect(parseNetworkEvent({ ...auth, token: 42 })).toBeNull();
    expect(
      parseNetworkEvent({ ...auth, k: 'cfg', url: 'https://o.example/livechatconnector/config/a/b' }),
    ).toMatchObject({ k: 'cfg' });
    expect(parseNetworkEvent({ ...auth, status: 'x' })).toBeNull();
    // What crosses the boundary keeps no query or fragment: no rule reads them, and they can carry anything.
    const query = '?email=visitor%40contoso.example&code=abc#frag';
    expect(parseNetworkEvent({ ...auth, url: auth.url + query })).toEqual(auth);
    const config = 'https://o.example/livechatconnector/config/a/b';
    expect(parseNetworkEvent({ ...auth, k: 'cfg', url: `${config}?requestId=1&channelId=lcw` })).toMatchObject({
      url: config,
    });
  });
  test('headerValue: by name in any case; null when not sent, empty when sent without a value', () => {
    const headers = [{ name: 'authenticatedUserToken', value: 'eyJ' }, { name: 'Message' }];
    expect(headerValue(headers, 'AuthenticatedUserToken')).toBe('eyJ');
    expect(headerValue(headers, 'message')).toBe('');
    expect(headerValue(headers, 'AuthCodeNonce')).toBeNull();
    expect(headerValue(undefined, 'message')).toBeNull();
  });
  test('parseNetworkEvent: what the background saw on the wire, and nothing malformed', () => {
    const wire = {
      k: 'wire',
      at: 1,
      url: 'https://o.example/livechatconnector/auth/organization/o/widgetApp/w/conversation',
      method: 'POST',
      status: 401,
      token: 'eyJ',
      message: 'UserId not found',
    };
    expect(parseNetworkEvent(wire)).toEqual(wire);
    expect(parseNetworkEvent({ ...wire, status: 0, message: null, error: 'net::ERR_FAILED' })).toMatchObject({
      error: 'net::ERR_FAILED',
    });
    expect(parseNetworkEvent({ ...wire, token: null })).toMatchObject({ token: null });
    expect(parseNetworkEvent({ ...wire, url: `${wire.url}?email=a%40b.example` })).toEqual(wire);
    expect(parseNetworkEvent({ ...wire, tokenCut: 2_000_000 })).toMatchObject({ tokenCut: 2_000_000 });
    for (const bad of [
      { url: 'https://o.example/other' },
      { status: -1 },
      { status: 1.5 },
      { message: 42 },
      { message: 'm'.repeat(1001) },
      { token: 'x'.repeat(65_537) },
      { error: {} },
      { method: 'X'.repeat(11) },
      { token: undefined },
      { tokenCut: 10 },
      { tokenCut: '2000000' },
      { customContext: 42 },
      { customContext: 'c'.repeat(2001) },
    ]) {
      expect(parseNetworkEvent({ ...wire, ...bad }), JSON.stringify(bad)).toBeNull();
    }
    expect(parseNetworkEvent({ ...wire, customContext: '{"a":1}' })).toMatchObject({ customContext: '{"a":1}' });
  });
  test('sentCustomContext keeps the customContextData of a JSON body, and nothing else of it', () => {
    const body = JSON.stringify({
      locale: 'en-us',
      preChatResponse: { email: 'visitor@example.com' },
      customContextData: { region: { value: 'EU', isDisplayable: true } },
    });
    expect(sentCustomContext(body)).toBe('{"region":{"value":"EU","isDisplayable":true}}');
    // A long context is cut and says so; its bound holds.
    const long = sentCustomContext(JSON.stringify({ customContextData: { big: 'x'.repeat(5000) } }))!;
    expect([long.length, long.endsWith('…')]).toEqual([2000, true]);
    // Near misses: no context, a null one, a body that is not JSON, not an object, or over the read bound.
    for (const none of [
      '{"locale":"en-us"}',
      '{"customContextData":null}',
      '"customContextData"',
      '{"customContextData": {',
      '["customContextData"]',
      JSON.stringify({ customContextData: { a: 1 }, pad: 'x'.repeat(70_000) }),
    ])
      expect(sentCustomContext(none), none.slice(0, 40)).toBeUndefined();
    // Not text at all (a HAR's postData can be anything).
    for (const odd of [undefined, null, 42, { customContextData: { a: 1 } }])
      expect(sentCustomContext(odd)).toBeUndefined();
    // Nesting as deep as the read bound allows: kept or refused, never thrown.
    const deep = `{"customContextData":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect(() => sentCustomContext(deep)).not.toThrow();
    // An own __proto__ key stays data.
    expect(sentCustomContext('{"customContextData":{"__proto__":{"x":1}}}')).toBe('{"__proto__":{"x":1}}');
  });
});
