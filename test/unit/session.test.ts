/** Assembling recorded page events into judged invocations: each page-level rule fires and stays quiet. */
import { describe, test, expect, beforeAll } from 'vitest';
import { assembleSession, SessionAssembly } from '../../src/analysis/session/session.js';
import { reportVerdict, sessionVerdict, viewVerdict, widgetKindText } from '../../src/analysis/report/verdict.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { buildReport } from '../../src/analysis/report/report.js';
import { validateReport } from '../helpers/report-schema.js';
import { RULE_IDS, parseContextVariableList, type RuleId } from '../../src/analysis/index.js';
import { makeKey, signToken, validClaims } from '../helpers/tokens.js';
import { parsePageEvent } from '../../src/protocol/page-events.js';

type SessionRule = Extract<
  RuleId,
  `${'registration' | 'invocation' | 'config' | 'auth' | 'session' | 'widget'}.${string}`
>;
const T0 = 1_764_000_000_000;
let token: string;
let otherUser: string;
let expired: string;
beforeAll(async () => {
  const key = await makeKey();
  // Valid at T0, the moment these events are stamped with.
  token = await signToken(key, validClaims());
  otherUser = await signToken(key, validClaims({ sub: '11111111-2222-3333-4444-555555555555' }));
  expired = await signToken(key, validClaims({ iat: T0 / 1000 - 7200, nbf: T0 / 1000 - 7200, exp: T0 / 1000 - 3600 }));
});

const frame = 0;
const ready = (): RecordedEvent => ({ k: 'evt', at: T0, type: 'lcw:ready', detail: null, frame });
const reg = (over: Partial<RecordedEvent & { k: 'reg' }> = {}): RecordedEvent => ({
  k: 'reg',
  at: T0 + 1,
  fn: true,
  arg: 'function',
  ready: true,
  frame,
  ...over,
});
const timedOut = (): RecordedEvent => ({ k: 'timeout', at: T0 + 10_002, id: 1, frame });
const inv = (id = 1, route: 'sdk' | 'fn' | 'code' = 'sdk'): RecordedEvent => ({
  k: 'inv',
  at: T0 + 2,
  id,
  route,
  frame,
});
/** The widget's frame (frame 1) received `v` from the host page. */
const got = (v: unknown, at: number): RecordedEvent =>
  ({ k: 'got', at, via: 'setAuthTokenProvider', v, frame: 1 }) as RecordedEvent;
const cb = (v: unknown, sync = true, id = 1, at = T0 + 3): RecordedEvent =>
  ({ k: 'cb', at, id, sync, v, frame }) as RecordedEvent;
const end = (id = 1, err?: { n: string; m: string }): RecordedEvent => ({
  k: 'end',
  at: T0 + 4,
  id,
  frame,
  ...(err ? { err } : {}),
});
const healthy = () => [ready(), reg(), inv(), cb(token), end()];
/** The widget's frame asked the client function auth.getAuthenticationToken (invocation `id`). */
const ask = (id: number, at: number): RecordedEvent => ({
  k: 'inv',
  at,
  id,
  route: 'fn',
  name: 'auth.getAuthenticationToken',
  frame,
});
/** Two invocations handing over `first`, then `second`. */
const twice = (first: string, second: string) => [
  ready(),
  reg(),
  inv(),
  cb(first),
  end(),
  inv(2),
  cb(second, true, 2),
  end(2),
];

// The widget's traffic, as the DevTools page reports it.
const CONFIG = (auth: Record<string, unknown> = {}, join: Record<string, unknown> = {}) => ({
  LiveChatConfigAuthSettings: {
    msdyn_authenticationtype: 192350000,
    msdyn_javascriptclientfunction: null,
    msdyn_publickeyurl: 'https://contoso.example/_services/auth/publickey',
    ...auth,
  },
  LiveWSAndLiveChatEngJoin: {
    msdyn_conversationmode: '192350000',
    msdyn_enablechatreconnect: 'false',
    msdyn_authenticatedsigninoptional: 'false',
    ...join,
  },
});
const cfg = (body: unknown, status = 200): RecordedEvent => ({
  k: 'cfg',
  at: T0 - 10,
  url: 'https://org.crm.dynamics.com/livechatconnector/config/org/app?channel=lcw',
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  frame: -1,
});
const auth = (endpoint: string, status: number, body: string, carried: string | null, at = T0 + 10): RecordedEvent => ({
  k: 'auth',
  at,
  url: `https://org.crm.dynamics.com/livechatconnector/v2/auth/${endpoint}`,
  method: 'POST',
  status,
  body,
  token: carried,
  frame: -1,
});
const wire = (
  endpoint: string,
  status: number,
  message: string | null,
  carried: string | null,
  at: number,
  error?: string,
): RecordedEvent => ({
  k: 'wire',
  at,
  url: `https://org.crm.dynamics.com/livechatconnector/v2/auth/${endpoint}`,
  method: 'POST',
  status,
  token: carried,
  message,
  ...(error ? { error } : {}),
  frame: -1,
});
/** What tells the widget's version: its frame's page (chat.html on v1, chatv2.html on v2). */
const widgetFrame = (kind: 'v1' | 'v2'): RecordedEvent => ({
  k: 'widget',
  at: T0 - 20,
  frame,
  iframe: true,
  script: null,
  frameSrc: `https://oc-cdn-ocprod.azureedge.net/livechatwidget/${kind === 'v1' ? 'WebChatControl/htmls/chat' : 'v2public/htmls/chatv2'}.html`,
});
const emptyHandOff = () => [ready(), reg(), inv(), cb(''), end()];
/** setContextProvider(fn), then the widget calling it (invocation `id`, which returned `v`). */
const contextProvider = (v: unknown, id = 9): RecordedEvent[] => [
  { k: 'reg', at: T0 + 1, fn: true, arg: 'function', ready: true, route: 'ctx', frame },
  { k: 'inv', at: T0 + 5, id, route: 'ctx', frame },
  { k: 'end', at: T0 + 6, id, v, frame },
];
/** The portal's client function asked once, calling back with `v` and, when given, a second argument. */
const portalAsk = (v: unknown, reason?: string, portal = true): RecordedEvent[] => [
  ready(),
  {
    k: 'req',
    at: T0 + 1,
    name: 'auth.getAuthenticationToken',
    found: true,
    frame,
    ...(portal ? { portal: true } : {}),
  },
  ask(1, T0 + 2),
  { ...cb(v, false, 1, T0 + 40), ...(reason === undefined ? {} : { r: reason }) },
  end(1),
];
const pane = (title: string, text: string): RecordedEvent => ({ k: 'pane', at: T0 + 50, title, text, frame: 1 });
const PERSISTENT = { msdyn_conversationmode: '192350001' };

const CASES: Record<SessionRule, { fires: () => RecordedEvent[]; quiet: () => RecordedEvent[] }> = {
  'registration.non-function': {
    fires: () => [
      ready(),
      reg({ fn: false, arg: 'string', err: { n: 'Error', m: 'AuthTokenProvider is not a function' } }),
    ],
    quiet: healthy,
  },
  'registration.before-ready': {
    fires: () => [reg({ ready: false }), ready(), inv(), cb(token), end()],
    quiet: healthy,
  },
  'registration.none': { fires: () => [ready()], quiet: healthy },
  'registration.context-provider': {
    fires: () => [...contextProvider({ region: 'EU' }), ...healthy()],
    // Near miss: a context provider on a chat that never handed over a token (not authenticated).
    quiet: () => [ready(), ...contextProvider({ region: 'EU' })],
  },
  'invocation.not-signed-in': {
    fires: () => portalAsk('', 'Login Required'),
    // Near miss: an empty answer with no reason is a bare "empty token".
    quiet: () => portalAsk(''),
  },
  'invocation.portal-no-token': {
    fires: () => portalAsk(null),
    // Near miss: the same null off a portal is a bare "no token".
    quiet: () => portalAsk(null, undefined, false),
  },
  'invocation.async-callback': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    // Near miss: the same provider on v2, or on a page whose widget version was not seen.
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.async-callback-v2': {
    fires: () => [widgetFrame('v2'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.async-callback-unknown': {
    fires: () => [ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.returned-without-callback': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end()],
    // Near miss: v2 waits for the callback; a client function is answered whenever it calls back.
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end()],
  },
  'invocation.token-cut': {
    fires: () => [
      ready(),
      reg(),
      inv(),
      cb({ o: 'cut', n: 2_000_000, t: 'a'.repeat(1_048_576), h: '0badf00d' }),
      end(),
    ],
    quiet: healthy,
  },
  'invocation.widget-got-nothing': {
    // v1: the host posts what the callback stored when the provider returned: nothing yet.
    fires: () => [ready(), reg(), inv(), end(), got(undefined, T0 + 5), cb(token, false, 1, T0 + 900)],
    quiet: () => [...healthy(), got(token, T0 + 5)],
  },
  'invocation.widget-got-previous': {
    // Each registration's message follows it: the second one carries the first one's token again.
    fires: () => [
      ...healthy(),
      got(token, T0 + 5),
      inv(2),
      end(2),
      got(token, T0 + 10),
      cb(otherUser, false, 2, T0 + 400),
    ],
    quiet: () => [
      ...healthy(),
      got(token, T0 + 5),
      inv(2),
      cb(otherUser, true, 2, T0 + 3),
      end(2),
      got(otherUser, T0 + 10),
    ],
  },
  'invocation.multiple-callbacks': { fires: () => [...healthy(), cb(token, true, 1, T0 + 3)], quiet: healthy },
  'invocation.no-callback': {
    fires: () => [ready(), reg(), inv(), end(), { k: 'timeout', at: T0 + 10_002, id: 1, frame }],
    quiet: () => [ready(), reg(), inv(), end()],
  },
  'invocation.threw': {
    fires: () => [ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
    // Near miss: the v1 host does not catch it, so no error 2 (the next rule).
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
  },
  'invocation.threw-v1': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
  },
  'invocation.rejected': {
    fires: () => [ready(), reg(), inv(), end(), { k: 'rej', at: T0 + 5, id: 1, err: { n: 'Error', m: '401' }, frame }],
    quiet: healthy,
  },
  'invocation.shared-callback': {
    // Two requests at once; the function answers the newest callback twice (Power Pages' one variable).
    fires: () => [
      ready(),
      ask(1, T0 + 2),
      ask(2, T0 + 3),
      cb(token, false, 2, T0 + 40),
      cb(token, false, 2, T0 + 41),
      end(1),
      end(2),
    ],
    // Near miss: one after the other, each answered once.
    quiet: () => [ready(), ask(1, T0 + 2), cb(token, false, 1, T0 + 40), ask(2, T0 + 50), cb(token, false, 2, T0 + 90)],
  },
  'invocation.client-function-missing': {
    fires: () => [ready(), { k: 'req', at: T0 + 1, name: 'auth.getToken', found: false, frame }],
    quiet: () => [
      ready(),
      { k: 'req', at: T0 + 1, name: 'auth.getToken', found: true, frame },
      inv(1, 'fn'),
      cb(token, false),
      end(),
    ],
  },
  'config.oauth': {
    fires: () => [cfg(CONFIG({ msdyn_authenticationtype: 192350001 })), ...healthy()],
    quiet: () => [cfg(CONFIG()), ...healthy()],
  },
  'config.sign-in-optional': {
    fires: () => [cfg(CONFIG({}, { msdyn_authenticatedsigninoptional: 'true' })), ...emptyHandOff()],
    quiet: () => [cfg(CONFIG()), ...emptyHandOff()],
  },
  'config.persistent-without-auth': {
    fires: () => [cfg({ LiveWSAndLiveChatEngJoin: PERSISTENT }), ...healthy()],
    quiet: () => [cfg(CONFIG({}, PERSISTENT)), ...healthy()],
  },
  'config.unreadable': {
    fires: () => [cfg('{"LiveChatConfigAuthSettings": {"msdyn_auth'), ...healthy()],
    quiet: () => [cfg(CONFIG()), ...healthy()],
  },
  'auth.user-not-found': {
    fires: () => [...healthy(), auth('getchattoken', 401, '{"message":"UserId not found"}', token)],
    quiet: () => [...healthy(), auth('getchattoken', 200, '{"ChatId":"1"}', token)],
  },
  'auth.rejected': {
    fires: () => [...healthy(), auth('getchattoken', 401, 'Unauthorized', token)],
    // Near miss: a 403 is not the service refusing the token.
    quiet: () => [...healthy(), auth('getchattoken', 403, '{}', token)],
  },
  'auth.chat-map-mismatch': {
    fires: () => [
      ...healthy(),
      auth('validateauthchatmaprecord', 400, '{"message":"Chat map record does not belong to user"}', token),
    ],
    quiet: () => [...healthy(), auth('validateauthchatmaprecord', 200, '{}', token)],
  },
  'auth.reconnect-refused': {
    fires: () => [...healthy(), auth('reconnectablechats', 403, '{"message":"Reconnect disabled"}', token)],
    quiet: () => [...healthy(), auth('reconnectablechats', 200, '[]', token)],
  },
  'auth.custom-context': {
    fires: () => [...healthy(), { ...auth('conversation', 200, '', token), customContext: '{"region":"EU"}' }],
    // Near miss: the same context on a call without a token (an unauthenticated chat's start).
    quiet: () => [ready(), { ...auth('conversation', 200, '', null), customContext: '{"region":"EU"}' }],
  },
  'auth.no-token': {
    // The widget called before the provider answered (a race at page load).
    fires: () => [ready(), auth('sessioninit', 401, '', null, T0 + 1), reg(), inv(), cb(token), end()],
    // Near miss: the browser's CORS preflight never carries the header; the real call does.
    quiet: () => [
      ...healthy(),
      { ...auth('sessioninit', 204, '', null), method: 'OPTIONS' } as RecordedEvent,
      auth('sessioninit', 200, '', token, T0 + 11),
    ],
  },
  'auth.failed': {
    fires: () => [...healthy(), auth('sessioninit', 500, '<html>error</html>', token)],
    quiet: () => [...healthy(), auth('sessioninit', 200, '', token)],
  },
  'session.sub-changed': { fires: () => twice(token, otherUser), quiet: () => twice(token, token) },
  'session.stale-token-reused': { fires: () => twice(expired, expired), quiet: () => twice(token, token) },
  'session.intermittent-provider': {
    fires: () => [
      ready(),
      reg(),
      inv(),
      end(1, { n: 'TypeError', m: 'Failed to fetch' }),
      ...twice(token, token).slice(5),
    ],
    // Near miss: every invocation handed over a token.
    quiet: () => twice(token, token),
  },
  'widget.auth-setup-error': {
    fires: () => [...emptyHandOff(), pane('Chat authentication has failed.', 'AUTH SETUP ERROR')],
    quiet: () => [...emptyHandOff(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
  },
  'widget.unauthorized': {
    fires: () => [...healthy(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
    quiet: healthy,
  },
  'widget.error-pane': {
    fires: () => [...healthy(), pane('Chat authentication has failed.', 'Please try again later')],
    quiet: () => [...healthy(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
  },
  'session.chat-outlived-token': {
    fires: () => [...healthy(), auth('sessionclose', 200, '', token, T0 + 2 * 3600_000)],
    quiet: () => [...healthy(), auth('sessionclose', 200, '', token)],
  },
};

const rulesOf = (events: RecordedEvent[]) => {
  const view = assembleSession(events);
  return [...view.findings, ...view.invocations.flatMap(i => i.findings)].map(f => f.rule);
};

describe('every page-level rule', () => {
  test('has cases in this table', () => {
    expect(Object.keys(CASES).sort()).toEqual(
      RULE_IDS.filter(id => /^(registration|invocation|config|auth|session|widget)\./.test(id)).sort(),
    );
  });
  for (const [rule, c] of Object.entries(CASES)) {
    test(`${rule} fires`, () => expect(rulesOf(c.fires())).toContain(rule));
    test(`${rule} stays quiet`, () => expect(rulesOf(c.quiet())).not.toContain(rule));
  }
});

describe('an invocation', () => {
  test('a healthy one: token outcome, timing, no predicted error', () => {
    const [invocation] = assembleSession(healthy()).invocations;
    expect(invocation).toMatchObject({
      route: 'setAuthTokenProvider',
      outcome: 'token',
      callbackCount: 1,
      callbackAsync: false,
      msToToken: 1,
      errorCode: null,
    });
    expect(invocation!.analysis?.claims?.sub).toBe(validClaims().sub);
  });
  test.each([
    ['threw', [inv(), end(1, { n: 'Error', m: 'x' })], 'threw', 2],
    ['empty', [inv(), cb(''), end()], 'empty', 3],
    ['undefined', [inv(), cb(undefined), end()], 'empty', 3],
    ['an object', [inv(), cb({ o: 'object', p: { access_token: 'x' } }), end()], 'non-string', 4],
    ['a timeout', [inv(), end(), timedOut()], 'timeout', 3],
    ['no answer yet', [inv(), end()], 'pending', null],
  ])('%s', (_, events, outcome, errorCode) => {
    expect(assembleSession(events).invocations[0]).toMatchObject({ outcome, errorCode });
  });
  test('a provider that threw: error 2 as documented, but on v1 the exception went to the page, not the widget', () => {
    const threw = (...before: RecordedEvent[]) =>
      assembleSession([...before, ready(), reg(), inv(), end(1, { n: 'Error', m: 'down' })]).invocations[0]!;
    expect([threw().errorCode, threw().findings.map(f => f.rule)]).toEqual([2, ['invocation.threw']]);
    const v1 = threw(widgetFrame('v1'));
    expect([v1.errorCode, v1.outcome, v1.findings.map(f => f.message)]).toEqual([
      null,
      'threw',
      [
        'The provider threw Error: "down": it went to the page\'s call of setAuthTokenProvider and nothing was ' +
          'handed to the widget (v1 widget).',
      ],
    ]);
  });
  test('an async callback says how late it came, in ms below two seconds, and what that means per version', () => {
    const late = (...before: RecordedEvent[]) =>
      assembleSession([...before, inv(), end(), cb(token, false, 1, T0 + 63)]).invocations[0]!;
    const v1 = late(widgetFrame('v1'));
    expect([v1.findings[0]?.message, v1.errorCode]).toEqual([
      'The callback ran 61 ms after the provider was called, after the provider had returned.',
      3,
    ]);
    const v2 = late(widgetFrame('v2'));
    expect([v2.findings[0]?.message, v2.findings[0]?.severity, v2.errorCode]).toEqual([
      'The callback ran 61 ms after the provider was called, after the provider had returned: the v2 widget waits for it.',
      'info',
      null,
    ]);
    // Unknown version: both outcomes in one sentence, no error predicted.
    const unknown = late();
    expect([unknown.findings[0]?.message, unknown.errorCode]).toEqual([
      'The callback ran 61 ms after the provider was called, after the provider had returned: error 3 if this ' +
        'page runs the v1 widget, fine on v2 (which widget it runs was not seen).',
      null,
    ]);
  });
  test("v2: the frame's authTokenResponse answers the provider's invocation (authSDKClientFunction)", () => {
    const response = (v: unknown, at: number) =>
      ({ k: 'got', at, via: 'authTokenResponse', v, frame: 1 }) as RecordedEvent;
    const asked = (at: number): RecordedEvent => ({ k: 'req', at, frame, name: 'authSDKClientFunction', found: true });
    const view = assembleSession([
      widgetFrame('v2'),
      ready(),
      reg(),
      asked(T0 - 1),
      inv(),
      end(),
      cb(token, false, 1, T0 + 60),
      response(token, T0 + 70),
      asked(T0 + 3000),
      { ...inv(2), at: T0 + 3001 },
      { ...end(2), at: T0 + 3002 },
      cb(otherUser, false, 2, T0 + 3050),
      response(otherUser, T0 + 3060),
    ]);
    expect(view.route).toBe('setAuthTokenProvider');
    expect(view.clientFunctionFound).toBeNull();
    expect(view.invocations.map(i => [i.received?.via, i.received?.tokenOf, i.errorCode])).toEqual([
      ['authTokenResponse', '0:1', null],
      ['authTokenResponse', '0:2', null],
    ]);
  });
  test('v1: a provider that returned without calling back handed over nothing at once, whatever came later', () => {
    const returned = [widgetFrame('v1'), inv(), end()];
    expect(assembleSession(returned).invocations[0]).toMatchObject({ outcome: 'empty', errorCode: 3 });
    // Not "no callback within 10 s": the hand-over was over when the provider returned.
    const rules = assembleSession([...returned, timedOut()]).invocations[0]!.findings.map(f => f.rule);
    expect(rules).toEqual(['invocation.returned-without-callback']);
    // Its promise rejected later: what was seen is said beside it.
    const rejected = assembleSession([
      ...returned,
      { k: 'rej', at: T0 + 50, id: 1, frame, err: { n: 'Error', m: 'x' } },
    ]);
    expect(rejected.invocations[0]!.findings.map(f => f.rule)).toEqual([
      'invocation.rejected',
      'invocation.returned-without-callback',
    ]);
    // Near miss: v2 (and an unknown version) waits.
    expect(assembleSession([widgetFrame('v2'), inv(), end()]).invocations[0]!.outcome).toBe('pending');
    expect(assembleSession([inv(), end()]).invocations[0]!.outcome).toBe('pending');
  });
  test('an invocation older than 10 s without callback is overdue even before the relay says so', () => {
    expect(assembleSession([inv(), end()], { nowMs: T0 + 20_000 }).invocations[0]).toMatchObject({
      outcome: 'timeout',
      errorCode: 3,
    });
  });
  test('the token is judged at the moment it was handed over', async () => {
    const key = await makeKey();
    const shortLived = await signToken(key, validClaims({ iat: T0 / 1000 - 60, exp: T0 / 1000 + 60 }));
    expect(
      assembleSession([inv(), cb(shortLived), end()]).invocations[0]!.analysis!.findings.map(f => f.rule),
    ).not.toContain('time.expired');
  });
  test('invocations in different frames with the same id stay apart', () => {
    const events = [inv(1), { ...inv(1), frame: 7 }, cb(token), { ...cb(''), frame: 7 }];
    expect(assembleSession(events).invocations.map(i => [i.key, i.outcome])).toEqual([
      ['0:1', 'token'],
      ['7:1', 'empty'],
    ]);
  });
});

test("the v2 widget's request for authSDKClientFunction is the SDK route, never a missing client function", () => {
  const view = assembleSession([
    ready(),
    reg(),
    { k: 'req', at: T0 + 1, name: 'authSDKClientFunction', found: false, frame },
    inv(),
    cb(token),
    end(),
  ]);
  expect(view.route).toBe('setAuthTokenProvider');
  expect(view.clientFunctionFound).toBeNull();
  expect(view.findings.map(f => f.rule)).not.toContain('invocation.client-function-missing');
  expect(view.timeline.find(t => t.kind === 'req')?.text).toMatch(/the provider set with setAuthTokenProvider/);
});

test('setAuthCodeProvider: the OAuth 2.0 route, recorded, its code never analysed as a JWT', () => {
  const view = assembleSession([ready(), reg({ route: 'code' }), inv(1, 'code'), cb('0.AUoA-code'), end()]);
  expect(view.route).toBe('setAuthCodeProvider');
  expect(view.registrations[0]).toMatchObject({ method: 'setAuthCodeProvider' });
  expect(view.invocations[0]).toMatchObject({ route: 'setAuthCodeProvider', outcome: 'token', errorCode: null });
  expect(view.invocations[0]!.analysis).toBeNull();
  expect(view.timeline.map(t => t.text)).toContain('setAuthCodeProvider(function)');
});

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

test('with equal timestamps a registration is placed before the invocation it caused', () => {
  const view = assembleSession([
    { k: 'inv', at: 5, frame: 0, id: 1, route: 'sdk' },
    { k: 'cb', at: 5, frame: 0, id: 1, sync: true, v: '' },
    { k: 'end', at: 5, frame: 0, id: 1 },
    { k: 'reg', at: 5, frame: 0, fn: true, arg: 'function', ready: true },
  ]);
  expect(view.timeline.map(t => t.kind)).toEqual(['reg', 'inv', 'cb', 'end']);
});

describe("the widget's traffic", () => {
  test('the same answer to several calls is said once, with the count', () => {
    const view = assembleSession([
      ...healthy(),
      auth('getchattoken', 401, 'Unauthorized', token, T0 + 10),
      auth('getchattoken', 401, 'Unauthorized', token, T0 + 20),
    ]);
    expect(view.invocations[0]!.findings.filter(f => f.rule === 'auth.rejected').map(f => f.message)).toEqual([
      'getchattoken answered 401: "Unauthorized": the service refused this token (2 calls).',
    ]);
  });
  test('a token expired when handed over is not also said to be outlived by the chat', () => {
    const handedExpired = [ready(), reg(), inv(), cb(expired), end()];
    const rules = assembleSession([
      ...handedExpired,
      auth('getchattoken', 401, '', expired, T0 + 20),
    ]).invocations[0]!.findings.map(f => f.rule);
    expect(rules).toContain('time.expired');
    expect(rules).not.toContain('session.chat-outlived-token');
  });
  test("the service's refusal makes the error observed, with the predicted cause after it", () => {
    const handedExpired = [ready(), reg(), inv(), cb(expired), end()];
    const predicted = viewVerdict(assembleSession(handedExpired).invocations[0]!).text;
    expect(predicted).toMatch(/^Error 4 expected: The token expired 1 hour ago/);
    const refused = assembleSession([...handedExpired, auth('conversation', 401, 'Unauthorized', expired)]);
    expect(viewVerdict(refused.invocations[0]!).text).toMatch(
      /^Error 4 observed: conversation answered 401: "Unauthorized": the service refused this token\. Likely why: The token expired 1 hour ago/,
    );
    // Near miss: the service accepted it (clock skew on the service's side): still only expected.
    const accepted = assembleSession([...handedExpired, auth('conversation', 200, '{}', expired)]);
    expect(viewVerdict(accepted.invocations[0]!).text).toBe(predicted);
  });
  test('sign-in optional: an empty token is not error 3', () => {
    expect(assembleSession([cfg(CONFIG()), ...emptyHandOff()]).invocations[0]!.errorCode).toBe(3);
    expect(
      assembleSession([cfg(CONFIG({}, { msdyn_authenticatedsigninoptional: 'true' })), ...emptyHandOff()])
        .invocations[0]!.errorCode,
    ).toBeNull();
  });
  test('each /auth/ call is tied to the invocation whose token it carried, "Bearer " or not', () => {
    const view = assembleSession([
      ...twice(token, otherUser),
      auth('getchattoken', 200, '{}', `Bearer ${token}`, T0 + 20),
      auth('getchattoken', 401, '{"message":"UserId not found"}', otherUser, T0 + 30),
      auth('sessioninit', 200, '', 'unknown', T0 + 40),
    ]);
    // 'unknown' was handed over by no recorded invocation: a stand-in judges it (route 'wire').
    expect(view.authCalls.map(c => [c.endpoint, c.status, c.message, c.invocation])).toEqual([
      ['getchattoken', 200, null, '0:1'],
      ['getchattoken', 401, 'UserId not found', '0:2'],
      ['sessioninit', 200, null, '-1:1'],
    ]);
    expect(view.timeline.filter(t => t.kind === 'auth').map(t => [t.text, t.invocation])).toEqual([
      ['POST getchattoken → 200', '0:1'],
      ['POST getchattoken → 401 UserId not found', '0:2'],
      ['POST sessioninit → 200', '-1:1'],
    ]);
    expect(view.invocations[1]!.findings.map(f => f.rule)).toContain('auth.user-not-found');
    expect(view.invocations[0]!.findings.map(f => f.rule)).not.toContain('auth.user-not-found');
    expect(view.invocations.map(i => i.route)).toEqual(['setAuthTokenProvider', 'setAuthTokenProvider', 'wire']);
    expect(view.invocations[2]!.findings.map(f => f.rule)).toContain('token.segment-count');
  });
  test('a call seen both on the wire and by DevTools is one call, with the message header and the body', () => {
    const view = assembleSession([
      ...twice(token, otherUser),
      auth('getchattoken', 401, '{"message":"from the body"}', otherUser, T0 + 30),
      wire('getchattoken', 401, 'UserId not found', otherUser, T0 + 31),
      wire('getchattoken', 200, null, token, T0 + 35),
    ]);
    expect(view.authCalls.map(c => [c.status, c.message, c.seenBy, c.invocation])).toEqual([
      [401, 'UserId not found', 'both', '0:2'],
      [200, null, 'wire', '0:1'],
    ]);
    expect(view.timeline.filter(t => t.kind === 'auth').map(t => t.text)).toEqual([
      'POST getchattoken → 401 UserId not found',
      'POST getchattoken → 200 (seen on the wire)',
    ]);
    expect(view.invocations).toHaveLength(2);
  });
  test('the configuration seen on the wire and read by DevTools is one line, in either order', () => {
    const body = CONFIG();
    const url = 'https://org.crm.dynamics.com/livechatconnector/config/org/app?channel=lcw';
    const onWire = (at: number): RecordedEvent => ({ ...wire('x', 200, null, null, at), url }) as RecordedEvent;
    for (const events of [
      [onWire(T0 - 11), cfg(body)],
      [cfg(body), onWire(T0 - 9)],
    ]) {
      const lines = assembleSession(events).timeline.map(t => [t.kind, t.text]);
      expect(lines).toHaveLength(1);
      expect(lines[0]![0]).toBe('cfg');
      expect(lines[0]![1]).toMatch(/^Widget configuration: /);
    }
    // Near miss: a second load of the configuration, later, is a line of its own.
    expect(assembleSession([cfg(body), onWire(T0 + 5000)]).timeline).toHaveLength(2);
  });
  test('near miss: the same token sent twice, seconds apart, is two calls', () => {
    const view = assembleSession([
      ...twice(token, otherUser),
      auth('getchattoken', 200, '{}', token, T0 + 30),
      wire('getchattoken', 200, null, token, T0 + 3000),
    ]);
    expect(view.authCalls.map(c => c.seenBy)).toEqual(['devtools', 'wire']);
  });
  test('near miss: a header longer than the record keeps is not judged as a token of its own', () => {
    const cut = { ...wire('conversation', 0, null, 'x'.repeat(65_536), T0 + 5), tokenCut: 1_600_000 } as RecordedEvent;
    const view = assembleSession([cut]);
    expect(view.invocations).toEqual([]);
    expect(view.authCalls).toHaveLength(1);
  });
  test('a token seen only on the wire is judged like any other, as of when it was sent', () => {
    const view = assembleSession([
      wire('conversation', 0, null, null, T0, 'net::ERR_CONNECTION_REFUSED'),
      wire('conversation', 401, 'UserId not found', otherUser, T0 + 5),
      wire('sessionclose', 200, null, otherUser, T0 + 9),
    ]);
    expect(view.invocations).toHaveLength(1);
    const [seen] = view.invocations;
    expect([seen!.route, seen!.key, seen!.outcome, seen!.startedAt]).toEqual(['wire', '-1:1', 'token', T0 + 5]);
    expect(seen!.findings.map(f => f.rule)).toContain('auth.user-not-found');
    expect(view.timeline.map(t => [t.kind, t.text])).toEqual([
      ['auth', 'POST conversation → no answer (net::ERR_CONNECTION_REFUSED) (seen on the wire)'],
      ['auth', 'POST conversation → 401 UserId not found (seen on the wire)'],
      ['auth', 'POST sessionclose → 200 (seen on the wire)'],
    ]);
    expect(view.widget.detected).toBe(true);
  });
  test('the configuration: what it says, and what it says when it cannot be read', () => {
    const view = assembleSession([
      cfg(
        CONFIG(
          { msdyn_javascriptclientfunction: 'auth.getToken' },
          { msdyn_conversationmode: '192350001', msdyn_enablechatreconnect: 'true' },
        ),
      ),
    ]);
    expect(view.config?.reading).toEqual({
      ok: true,
      config: {
        authenticationType: 'jwt',
        authenticationTypeRaw: 192350000,
        clientFunction: 'auth.getToken',
        publicKeyUrl: 'https://contoso.example/_services/auth/publickey',
        persistentChat: true,
        hasAuthSettings: true,
        reconnect: true,
        signInOptional: false,
      },
    });
    expect(view.config?.url).toBe('https://org.crm.dynamics.com/livechatconnector/config/org/app');
    expect(view.timeline[0]!.text).toBe(
      'Widget configuration: JWT, client function auth.getToken, public key https://contoso.example/_services/auth/publickey, persistent chat',
    );
    for (const [body, status, problem] of [
      ['', 200, /not JSON \(0 characters\)/],
      ['[1,2]', 200, /not a JSON object/],
      ['{}', 503, /answered 503/],
      ['{"LiveChatConfigAuthSettings": "<script>"}', 200, null],
    ] as const) {
      const reading = assembleSession([cfg(body, status)]).config!.reading;
      if (problem) expect(reading.ok ? '' : reading.problem).toMatch(problem);
      else expect(reading).toMatchObject({ ok: true, config: { authenticationType: 'unknown', publicKeyUrl: null } });
    }
  });
});

test('a provider that hands over the same token each time: the k-th call goes to the k-th invocation, despite clocks a few ms apart', () => {
  const view = assembleSession([
    ...twice(token, token).map(e => (e.k === 'inv' && e.id === 2 ? { ...e, at: T0 + 50 } : e)),
    auth('getchattoken', 200, '{}', token, T0 + 5),
    auth('getchattoken', 200, '{}', token, T0 + 48),
    auth('sessionclose', 200, '', token, T0 + 900),
  ]);
  expect(view.authCalls.map(c => [c.endpoint, c.invocation])).toEqual([
    ['getchattoken', '0:1'],
    ['getchattoken', '0:2'],
    ['sessionclose', '0:1'],
  ]);
});

describe('what the field reports (issue 13)', () => {
  const messages = (events: RecordedEvent[]) => {
    const view = assembleSession(events);
    return [...view.findings, ...view.invocations.flatMap(i => i.findings)].map(f => `${f.rule}: ${f.message}`);
  };
  test('a call without a token says which call and when, against the first token', () => {
    const early = messages([ready(), auth('sessioninit', 401, '', null, T0 - 1500), reg(), inv(), cb(token), end()]);
    expect(early).toContain(
      'auth.no-token: POST sessioninit went out with no AuthenticatedUserToken header (answered 401); 1503 ms before ' +
        "the provider's first token: the widget asked before the token arrived.",
    );
    const none = messages([
      cfg(CONFIG({}, PERSISTENT)),
      auth('getchattoken', 401, '', '', T0),
      auth('getchattoken', 401, '', '', T0 + 5),
    ]);
    expect(none).toContain(
      'auth.no-token: POST getchattoken went out 2 times with an empty AuthenticatedUserToken header (answered 401); ' +
        'no token was handed over on this page (the widget runs persistent chat, which is always authenticated).',
    );
  });
  test("the status line names the page's error beside an accepted token, and only then", () => {
    const verdictOf = (events: RecordedEvent[]) => sessionVerdict(new SessionAssembly(events, { nowMs: T0 }));
    const early = verdictOf([
      ready(),
      auth('reconnectablechats', 401, '', null, T0 - 5),
      reg(),
      inv(),
      cb(token),
      end(),
    ]);
    expect(early.tone).toBe('error');
    expect(early.text).toMatch(
      /^Token accepted\. On the page: POST reconnectablechats went out with no AuthenticatedUserToken header/,
    );
    // Near misses: no page error, and a newest invocation that is an error itself (it leads alone).
    expect(verdictOf([ready(), reg(), inv(), cb(token), end()])).toEqual({ text: 'Token accepted', tone: 'ok' });
    // The exported report says the same (its page findings travel with it).
    const report = buildReport(
      assembleSession([ready(), auth('reconnectablechats', 401, '', null, T0 - 5), reg(), inv(), cb(token), end()], {
        nowMs: T0,
      }),
      { url: 'https://a.example/', now: T0 },
    );
    expect(reportVerdict(report)).toEqual(early);
    const failed = verdictOf([ready(), auth('sessioninit', 401, '', null, T0 - 5), reg(), inv(), cb(''), end()]);
    expect(failed.text).not.toContain('On the page');
  });
  test('sign-in optional: no token is the point (no finding); persistent chat overrides the switch', () => {
    const optional = { msdyn_authenticatedsigninoptional: 'true' };
    const untokened = auth('sessioninit', 200, '', null, T0 + 1);
    expect(messages([cfg(CONFIG({}, optional)), untokened, ...emptyHandOff()]).join('\n')).not.toMatch(
      /auth.no-token|token.empty/,
    );
    const persistent = messages([cfg(CONFIG({}, { ...optional, ...PERSISTENT })), untokened, ...emptyHandOff()]);
    expect(persistent.map(m => m.split(':')[0])).toEqual(expect.arrayContaining(['auth.no-token', 'token.empty']));
    expect(persistent.join('\n')).not.toMatch(/config.sign-in-optional/);
  });
  test('Power Pages: what the widget received adds nothing when the portal said why no token came', () => {
    const delivered = (reason?: string) =>
      assembleSession([
        ...portalAsk('', reason),
        { ...got('', T0 + 45), via: 'authTokenResponse' } as RecordedEvent,
      ]).invocations[0]!.findings.map(f => f.rule);
    expect(delivered('Login Required')).toEqual(['invocation.not-signed-in']);
    // Near miss: with no reason, the observed "got nothing" leads.
    expect(delivered()).toEqual(['invocation.widget-got-nothing', 'token.empty']);
  });
  test('Power Pages: "Login Required" is a visitor who is not signed in; another reason is quoted', () => {
    const [notSignedIn] = assembleSession(portalAsk('', 'Login Required')).invocations;
    expect([notSignedIn!.errorCode, notSignedIn!.findings.map(f => f.message)]).toEqual([
      3,
      ['The client function called back with "" and "Login Required": the visitor is not signed in.'],
    ]);
    expect(notSignedIn!.callbacks[0]!.reason).toBe('Login Required');
    const [other] = assembleSession(portalAsk('', 'quota')).invocations;
    expect(other!.findings.map(f => `${f.rule}: ${f.message}`)).toEqual([
      expect.stringMatching(/^token\.empty: .*\(with a second argument "quota"\)\.$/),
    ]);
  });
  test('a missing client function: did you mean the function beside it, or on a portal its own', () => {
    const missing = (name: string, near?: string[], portal = false): string[] =>
      messages([
        ready(),
        {
          k: 'req',
          at: T0 + 1,
          name,
          found: false,
          frame,
          ...(near ? { near } : {}),
          ...(portal ? { portal: true } : {}),
        },
      ]);
    expect(missing('auth.getAuthorizationToken', ['getAuthenticationToken', 'logout'])).toContain(
      'invocation.client-function-missing: The widget asked for a token through "auth.getAuthorizationToken", which ' +
        'is not a function on this page; did you mean "auth.getAuthenticationToken"?',
    );
    expect(missing('auth.getAuthorizationToken', undefined, true).join('\n')).toMatch(
      /did you mean "auth\.getAuthenticationToken" \(Power Pages' own\)\?/,
    );
    // Near miss: nothing close beside it, and not a portal: no guess.
    expect(missing('auth.getAuthorizationToken', ['logout', 'refresh']).join('\n')).not.toMatch(/did you mean/);
  });
  test('the context provider beside the token: what it returned, what lwicontexts holds', () => {
    const said = messages([...contextProvider({ region: 'EU' }), ...healthy()]).find(m =>
      m.startsWith('registration.context'),
    );
    expect(said).toBe(
      'registration.context-provider: setContextProvider\'s provider returned {"region":"EU"} (call #9); the token the ' +
        'chat uses has lwicontexts {"msdyn_cartvalue":"10000","msdyn_isvip":"false"}. An authenticated chat takes its ' +
        'context from lwicontexts (inferred from field reports).',
    );
    // Its calls are not token invocations.
    expect(assembleSession([...contextProvider({ region: 'EU' }), ...healthy()]).invocations).toHaveLength(1);
  });
  test('custom context a chat start sent: quoted beside the lwicontexts of the token it carried, once per call', () => {
    const sent = '{"region":{"value":"EU","isDisplayable":true}}';
    const conversation = wire('conversation', 200, null, token, T0 + 10);
    // The same call from both witnesses (the wire read the body; DevTools too, or not): one call, one finding.
    const view = assembleSession([
      ...healthy(),
      { ...conversation, customContext: sent } as RecordedEvent,
      { ...auth('conversation', 200, '', token, T0 + 10) },
    ]);
    expect(view.authCalls.map(c => [c.seenBy, c.customContext])).toEqual([['both', sent]]);
    expect(view.timeline.at(-1)!.text).toBe('POST conversation → 200, sent custom context');
    // The exported report carries it, valid against its schema.
    const report = buildReport(view, { url: 'https://a.example/', now: T0 });
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.authCalls?.map(c => c.customContext)).toEqual([sent]);
    expect(view.findings.filter(f => f.rule === 'auth.custom-context').map(f => f.message)).toEqual([
      `POST conversation sent customContextData ${sent}; the token it carried has lwicontexts ` +
        '{"msdyn_cartvalue":"10000","msdyn_isvip":"false"}. An authenticated chat takes its context from ' +
        'lwicontexts (inferred from field reports).',
    ]);
    // Near miss: a start without custom context.
    expect(messages([...healthy(), conversation]).join('\n')).not.toMatch(/auth\.custom-context/);
  });
  test('a provider that fails, then works: one finding naming the pattern', () => {
    const events = [
      ready(),
      reg(),
      inv(),
      end(1, { n: 'TypeError', m: 'Failed to fetch' }),
      ...twice(token, token).slice(5),
    ];
    expect(messages(events)).toContain(
      'session.intermittent-provider: 1 invocation failed (#1 threw TypeError) and 1 handed over a token (#2): the ' +
        'provider fails only sometimes.',
    );
  });
  test('a token too long to keep whole still counts as a token in that pattern', () => {
    const long = { o: 'cut', n: 2_000_000, t: 'a'.repeat(16), h: '0badf00d' };
    const events = [ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'x' }), inv(2), cb(long, true, 2), end(2)];
    expect(messages(events).filter(m => m.startsWith('session.intermittent'))).toEqual([
      'session.intermittent-provider: 1 invocation failed (#1 threw TypeError) and 1 handed over a token (#2): the ' +
        'provider fails only sometimes.',
    ]);
  });
  test('the same pane shown twice is one finding', () => {
    const shown = pane('Chat authentication has failed.', 'UNAUTHORIZED');
    expect(
      messages([...healthy(), shown, { ...shown, at: T0 + 90 }]).filter(m => m.startsWith('widget.')),
    ).toHaveLength(1);
  });
});
