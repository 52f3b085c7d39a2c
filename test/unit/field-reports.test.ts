/** What the field reports (issue 13): calls without a token, reconnects, flaky providers, panes, context. */
import { describe, test, expect } from 'vitest';
import { assembleSession, SessionAssembly } from '../../src/analysis/session/session.js';
import { reportVerdict, sessionVerdict } from '../../src/analysis/report/verdict.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { buildReport } from '../../src/analysis/report/report.js';
import { validateReport } from '../helpers/report-schema.js';
import {
  CONFIG,
  PERSISTENT,
  T0,
  auth,
  cb,
  cfg,
  contextProvider,
  emptyHandOff,
  end,
  frame,
  got,
  healthy,
  inv,
  pane,
  portalAsk,
  ready,
  reg,
  token,
  twice,
  wire,
} from '../helpers/events.js';

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
