/** The widget's traffic tied to the invocations whose tokens it carried, and events in time order. */
import { describe, test, expect } from 'vitest';
import { assembleSession } from '../../src/analysis/session/session.js';
import { viewVerdict } from '../../src/analysis/report/verdict.js';
import type { RecordedEvent } from '../../src/record/format.js';
import {
  CONFIG,
  T0,
  auth,
  cb,
  cfg,
  emptyHandOff,
  end,
  expired,
  healthy,
  inv,
  otherUser,
  ready,
  reg,
  token,
  twice,
  wire,
} from '../helpers/events.js';

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
    expect(predicted).toMatch(/^Error 4 \(the token is invalid\) expected: The token expired 1 hour ago/);
    const refused = assembleSession([...handedExpired, auth('conversation', 401, 'Unauthorized', expired)]);
    expect(viewVerdict(refused.invocations[0]!).text).toMatch(
      /^Error 4 \(the token is invalid\) observed on the wire: conversation answered 401: "Unauthorized": the service refused this token\. Likely why: The token expired 1 hour ago/,
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
  test('a header longer than the record keeps is judged by its size only, never analysed as a JWT', () => {
    const cut = { ...wire('conversation', 0, null, 'x'.repeat(65_536), T0 + 5), tokenCut: 1_600_000 } as RecordedEvent;
    const view = assembleSession([cut]);
    expect(view.invocations.map(i => [i.route, i.analysis, i.findings.map(f => f.rule)])).toEqual([
      ['wire', null, ['invocation.token-cut', 'token.too-large']],
    ]);
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
        snippetOrigins: [],
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
