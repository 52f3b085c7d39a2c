/** One invocation assembled from its events: outcome, timing, route, prediction. */
import { describe, test, expect } from 'vitest';
import { assembleSession } from '../../src/analysis/session/session.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { makeKey, signToken, validClaims } from '../helpers/tokens.js';
import {
  T0,
  cb,
  end,
  frame,
  healthy,
  inv,
  otherUser,
  ready,
  reg,
  timedOut,
  token,
  widgetFrame,
} from '../helpers/events.js';

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
