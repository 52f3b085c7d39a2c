/**
 * One verdict that agrees with itself (issue 22): the headline, the counts, the report and the
 * summary from the same computation; observed kept apart from expected; the panel's own calls
 * kept out of the page's verdict; gaps in the record said beside it.
 */
import { describe, test, expect } from 'vitest';
import {
  SessionAssembly,
  assembleSession,
  buildReport,
  invocationCountKey,
  reportSummary,
  reportVerdict,
  sessionVerdict,
  viewVerdict,
} from '../../src/analysis/index.js';
import { outcomeWords } from '../../src/analysis/report/verdict.js';
import type { RecordedEvent } from '../../src/record/format.js';
import {
  T0,
  cb,
  end,
  expired,
  frame,
  inv,
  portalAsk,
  ready,
  reg,
  token,
  widgetFrame,
  auth,
  wire,
} from '../helpers/events.js';
import { validateReport } from '../helpers/report-schema.js';

const raised = (code: number, at: number, description = ''): RecordedEvent => ({
  k: 'evt',
  at,
  type: 'lcw:error',
  detail: { errorCode: code, errorDescription: description },
  frame,
});
const counts = (a: SessionAssembly) => a.invocations().map(invocationCountKey);
const report = (events: RecordedEvent[], options = {}) =>
  buildReport(assembleSession(events, options), { url: 'https://shop.example/help', now: T0 + 60_000 });

describe('observed beats predicted, and the counts follow it', () => {
  test('an asynchronous provider that throws: the widget raises 3 five ms later, tied to it, not pending', () => {
    const events = [widgetFrame('v2'), ready(), reg(), inv(), end(), raised(3, T0 + 9, 'no token')];
    const a = new SessionAssembly(events, { nowMs: T0 + 100 });
    const view = a.invocation(0);
    expect(view.observed).toMatchObject({ code: 3, by: 'widget' });
    expect(viewVerdict(view)).toEqual({
      text:
        'Error 3 (no token was provided) observed: The widget raised lcw:error 3 ("no token") 7 ms after the ' +
        'provider was called.',
      tone: 'error',
    });
    expect(counts(a)).toEqual(['error 3']);
    expect(outcomeWords(view)).toBe('no callback before the widget raised error 3');
    // Near miss: no error raised, and the invocation is still young: it is pending.
    const young = new SessionAssembly([widgetFrame('v2'), ready(), reg(), inv(), end()], { nowMs: T0 + 100 });
    expect(counts(young)).toEqual(['pending']);
  });

  test('a v1 provider that throws, then the widget raises 3: error 3 observed, never "no error"', () => {
    const events = [widgetFrame('v1'), ready(), reg(), inv(), end(1, { n: 'Error', m: 'down' }), raised(3, T0 + 30)];
    const a = new SessionAssembly(events);
    expect(sessionVerdict(a).text).toMatch(/^Error 3 \(no token was provided\) observed: The widget raised/);
    expect(sessionVerdict(a).text).toContain('Likely why: The provider threw Error: "down"');
    expect(counts(a)).toEqual(['error 3']);
    const r = report(events);
    expect(r.invocations[0]!.observed?.code).toBe(3);
    expect(reportSummary(r)).toContain('| Invocations | 1 (error 3 (no token was provided): 1) |');
  });

  test('the portal\'s "Login Required" with the widget\'s error 3: observed, not expected', () => {
    const events = [...portalAsk('', 'Login Required'), raised(3, T0 + 60)];
    expect(sessionVerdict(new SessionAssembly(events)).text).toMatch(/^Error 3 \(no token was provided\) observed:/);
    // Near miss: without the widget's error, the same hand-over is only expected.
    expect(sessionVerdict(new SessionAssembly(portalAsk('', 'Login Required'))).text).toMatch(
      /^Error 3 \(no token was provided\) expected:/,
    );
  });

  test("a custom widget's 401 'UserId not found' on a valid token: refused, never 'no error'", () => {
    const events = [inv(), cb(token), end(), auth('conversation', 401, '{"message":"UserId not found"}', token)];
    const a = new SessionAssembly(events);
    expect(sessionVerdict(a).text).toMatch(/^Refused by the service: conversation answered 401/);
    expect(counts(a)).toEqual(['refused by the service']);
    expect(reportSummary(report(events))).toContain('| Invocations | 1 (refused by the service: 1) |');
  });

  test('an error after a later invocation is not tied to the earlier one', () => {
    const events = [ready(), reg(), inv(), cb(token), end(), { ...inv(2), at: T0 + 20 }, raised(4, T0 + 25)];
    const a = new SessionAssembly(events);
    expect(a.invocation(0).observed).toBeUndefined();
    expect(a.invocation(1).observed?.code).toBe(4);
  });

  test('"returned without calling back" agrees with "callback: never called"', () => {
    const view = assembleSession([widgetFrame('v1'), ready(), reg(), inv(), end()]).invocations[0]!;
    expect([view.outcome, view.callbackCount]).toEqual(['empty', 0]);
    expect(outcomeWords(view)).toBe('returned without calling back: nothing was handed over');
  });
});

describe('the headline says what failed before the newest', () => {
  const many = (n: number, handed: string, last: string): RecordedEvent[] => {
    const events: RecordedEvent[] = [ready(), reg()];
    for (let id = 1; id <= n + 1; id++) {
      const at = T0 + id * 10;
      events.push({ ...inv(id), at }, cb(id <= n ? handed : last, true, id, at + 1), { ...end(id), at: at + 2 });
    }
    return events;
  };
  test('300 expired, then a good one: "Token accepted (the newest); 300 earlier invocations: error 4"', () => {
    const a = new SessionAssembly(many(300, expired, token));
    // Before the earlier ones are judged, it says it is still judging them.
    expect(sessionVerdict(a).text).toBe('Token accepted (the newest); judging 300 earlier…');
    a.invocations();
    expect(sessionVerdict(a)).toEqual({
      text: 'Token accepted (the newest); 300 earlier invocations: error 4 (the token is invalid)',
      tone: 'warning',
    });
    expect(reportVerdict(report(many(300, expired, token))).text).toBe(
      'Token accepted (the newest); 300 earlier invocations: error 4 (the token is invalid)',
    );
  });
  test('near miss: all good, the headline is just the newest', () => {
    const a = new SessionAssembly(many(3, token, token));
    a.invocations();
    expect(sessionVerdict(a)).toEqual({ text: 'Token accepted', tone: 'ok' });
  });
});

describe('"Call provider again" is the panel\'s, not the page\'s', () => {
  const refusedThenAgain = (): RecordedEvent[] => [
    ready(),
    reg(),
    inv(),
    cb(expired),
    end(),
    auth('getchattoken', 401, '{"message":"Unauthorized"}', expired),
    { k: 'again', at: T0 + 30, frame },
    { ...inv(2), at: T0 + 31 },
    cb(expired, true, 2, T0 + 32),
    { ...end(2), at: T0 + 33 },
  ];
  test("the headline, the counts and the comparisons stay the page's", () => {
    const before = new SessionAssembly(refusedThenAgain().slice(0, 6));
    const after = new SessionAssembly(refusedThenAgain());
    after.invocations();
    expect(sessionVerdict(after)).toEqual(sessionVerdict(before));
    expect(sessionVerdict(after).text).toMatch(/observed on the wire/);
    const rerun = after.invocation(1);
    expect(rerun.rerun).toBe(true);
    expect(rerun.findings.map(f => f.rule)).not.toContain('session.stale-token-reused');
    expect(after.authCallsOf(1)).toEqual([]);
    const r = buildReport(after.view(), { url: 'https://shop.example/', now: T0 + 60 });
    expect(validateReport(r), JSON.stringify(validateReport.errors)).toBe(true);
    const summary = reportSummary(r);
    expect(summary).toContain('| Invocations | 1 (error 4 (the token is invalid): 1) |');
    expect(summary).toMatch(/- #2: Error 4 \(the token is invalid\) expected: The token expired/);
  });
});

describe('a record with gaps says so beside the verdict', () => {
  test('no registration kept of a page that dropped events: "from what was kept"', () => {
    const stored = { dropped: 1200 };
    const a = new SessionAssembly([ready()], { stored });
    expect(a.page.findings.map(f => f.message)).toEqual([
      'lcw:ready fired, but no token provider was registered and no client function was asked for ' +
        '(from what was kept: 1,200 events were dropped).',
    ]);
    expect(sessionVerdict(a).text).toMatch(/\(from what was kept: 1,200 events were dropped\)$/);
    const r = buildReport(a.view(), { url: 'https://shop.example/', now: T0 });
    expect(r.lost).toEqual({ bounds: 1200 });
    expect(validateReport(r)).toBe(true);
    expect(reportSummary(r)).toMatch(/\| Dropped \| 1200 events: dropped from the middle of the record/);
    expect(reportVerdict(r).text).toMatch(/\(from what was kept: 1,200 events were dropped\)$/);
  });
  test('a callback lost to the quota is not "did not call back"', () => {
    const lost = new SessionAssembly([ready(), reg(), inv(), end()], {
      nowMs: T0 + 20_000,
      stored: { dropped: 0, quotaDropped: 3 },
    });
    expect(lost.invocation(0).findings.find(f => f.rule === 'invocation.no-callback')?.message).toMatch(
      /^No callback was recorded within 10 seconds, from what was kept: 3 events/,
    );
    // Near miss: nothing dropped, it did not call back.
    const whole = new SessionAssembly([ready(), reg(), inv(), end()], { nowMs: T0 + 20_000 });
    expect(whole.invocation(0).findings.find(f => f.rule === 'invocation.no-callback')?.message).toBe(
      'The provider did not call back within 10 seconds.',
    );
  });
});

describe('what a HAR can and cannot say', () => {
  test('no route, no widget errors, no provider timing, no "custom widget" from a HAR', () => {
    const events = [auth('getchattoken', 200, '{}', token)];
    const view = assembleSession(events, { source: 'har' });
    expect(view.widget.kind).toBeNull();
    const r = buildReport(view, { url: 'https://shop.example/', now: T0, source: 'har' });
    expect(validateReport(r)).toBe(true);
    const summary = reportSummary(r);
    expect(summary).toContain('| Token route | not in a HAR file |');
    expect(summary).toContain('| Widget errors | not in a HAR file |');
    expect(summary).toMatch(
      /\| #1 \| [^|]+ \| token seen on the wire \| not seen \| not seen \(wire only\) \| none \|/,
    );
    expect(summary).not.toMatch(/-1:1|sync ×1|0 ms|custom widget/);
    // Near miss: the same traffic recorded live on a page is a custom widget's.
    expect(assembleSession(events).widget.kind).toBe('custom');
  });
});

describe('the configured client function and the one the widget asked for are told apart', () => {
  test('the same name: found or not; another name: both named, each with what is true of it', async () => {
    const { clientFunctionWords } = await import('../../src/analysis/index.js');
    const asked = (name: string, found: boolean) => [{ name, found }];
    expect(clientFunctionWords('auth.getToken', asked('auth.getToken', false))).toBe(
      'auth.getToken (not found on the page)',
    );
    expect(clientFunctionWords('auth.getAuthenticationToken', asked('auth.missingFunction', false))).toBe(
      'auth.getAuthenticationToken (named by the configuration; the widget did not ask for it) · ' +
        'the widget asked for auth.missingFunction (not found on the page)',
    );
    expect(clientFunctionWords('auth.getToken', [])).toBe('auth.getToken (the widget has not asked for it yet)');
  });
  test('the page view lists what the widget asked for', () => {
    const view = assembleSession([
      ready(),
      { k: 'req', at: T0 + 1, name: 'auth.missingFunction', found: false, frame },
      { k: 'req', at: T0 + 2, name: 'auth.missingFunction', found: false, frame },
    ]);
    expect(view.askedFunctions).toEqual([{ name: 'auth.missingFunction', found: false }]);
  });
});

describe('tokens too long for the record, seen only on the wire', () => {
  test('2,000 calls with a 150 KB token: one stand-in, judged by its size, never "no token provider seen yet"', () => {
    const long = `eyJ${'a'.repeat(150_000)}`;
    const calls = Array.from(
      { length: 2000 },
      (_, k): RecordedEvent =>
        ({
          ...wire('getchattoken', 200, null, long.slice(0, 65_536), T0 + k),
          tokenCut: long.length,
        }) as RecordedEvent,
    );
    const a = new SessionAssembly(calls);
    expect(a.invocationCount).toBe(1);
    const rules = a.invocation(0).findings.map(f => [f.rule, f.message]);
    expect(rules).toContainEqual(['token.too-large', 'The token is 150003 characters long.']);
    expect(a.invocation(0).findings.find(f => f.rule === 'invocation.token-cut')?.message).toMatch(
      /^The AuthenticatedUserToken header carried 150003 characters/,
    );
    expect(sessionVerdict(a).text).not.toMatch(/no token provider seen yet/);
  });
});

describe("a frame's words count as the widget's only from the widget's own frame", () => {
  const forged: RecordedEvent[] = [
    ready(),
    reg(),
    inv(),
    cb(token),
    end(),
    { k: 'got', at: T0 + 20, via: 'setAuthTokenProvider', v: undefined, frame: 3 },
    { k: 'pane', at: T0 + 30, title: 'Chat authentication has failed.', text: 'UNAUTHORIZED', frame: 3 },
  ];
  test("an ad's frame that receives undefined or shows the pane decides nothing", () => {
    const frames = { '0': 'https://shop.example/help', '3': 'https://ads.example/livechatwidget/htmls/chat.html' };
    const a = new SessionAssembly(forged, { frames });
    expect(a.page.deliveries).toEqual([]);
    expect(a.page.panes).toEqual([]);
    expect(sessionVerdict(a).text).toBe('Token accepted');
    expect(a.page.timeline.filter(t => t.frame === 3).map(t => t.text)).toEqual([
      expect.stringMatching(/in a frame that is not the widget's: not counted as the widget's\)$/),
      expect.stringMatching(/in a frame that is not the widget's: not counted as the widget's\)$/),
    ]);
  });
  test("near miss: the same words from the widget's frame on Omnichannel's CDN are evidence", () => {
    const frames = {
      '0': 'https://shop.example/help',
      '3': 'https://oc-cdn-ocprod.azureedge.net/livechatwidget/WebChatControl/htmls/chat.html',
    };
    const a = new SessionAssembly(forged, { frames });
    expect(a.page.deliveries).toHaveLength(1);
    expect(sessionVerdict(a).text).toMatch(/^Error 3 \(no token was provided\) observed in the widget's frame/);
  });
});

describe("another frame's own SDK never decides the tab's verdict about the widget", () => {
  const frames = { '0': 'https://shop.example/help', '4': 'https://ads.example/banner/chat?user=a@b.example' };
  const inFrame = (events: RecordedEvent[], frame: number) => events.map(e => ({ ...e, frame }));
  const ad = (handed: unknown) => inFrame([reg({ at: T0 + 5 }), inv(1), cb(handed), end()], 4);
  test("an ad handing over a good token leaves the page's expired token the verdict", () => {
    const a = new SessionAssembly([ready(), reg(), inv(), cb(expired), end(), ...ad(token)], { frames });
    expect(a.invocationCount).toBe(1);
    expect(sessionVerdict(a).text).toMatch(/^Error 4 \(the token is invalid\) expected/);
    expect(a.page.registrations).toHaveLength(1);
    expect(a.page.otherFrames).toEqual([
      { frame: 4, origin: 'https://ads.example', registrations: 1, invocations: 1, widgetErrors: 0 },
    ]);
    const said = a.page.findings.find(f => f.rule === 'widget.other-frame')?.message;
    expect(said).toBe(
      'https://ads.example (frame 4) has its own widget SDK: 1 registration, 1 invocation, 0 lcw:errors, ' +
        "reported apart and not judged as the page's widget.",
    );
    // Its origin only: the frame's path and query are not the engine's to repeat.
    expect(JSON.stringify(a.view())).not.toContain('user=a@b.example');
  });
  test("an ad whose provider throws and raises lcw:error 2 leaves the page's good token accepted", () => {
    const raised: RecordedEvent = { k: 'evt', at: T0 + 9, type: 'lcw:error', detail: { errorCode: 2 }, frame: 4 };
    const threw = inFrame([reg({ at: T0 + 5 }), inv(1), end(1, { n: 'Error', m: 'no session' })], 4);
    const a = new SessionAssembly([ready(), reg(), inv(), cb(token), end(), ...threw, raised], { frames });
    expect(sessionVerdict(a).text).toBe('Token accepted');
    expect(a.page.widgetErrors).toEqual([]);
    expect(a.page.timeline.filter(t => t.frame === 4).at(-1)?.text).toBe(
      'lcw:error 2: an object {"errorCode"} (in https://ads.example\'s own frame: its own SDK, ' +
        "not the page's widget; " +
        'not counted)',
    );
  });
  test("near miss: a help page in a frame that carries the widget's script tag is the page's widget", () => {
    const src = 'https://oc-cdn-ocprod.azureedge.net/livechatwidget/scripts/LiveChatBootstrapper.js';
    const script = { src, appId: 'app', orgId: 'org', orgUrl: 'https://org.crm.dynamics.com', version: '' };
    const tag: RecordedEvent = { k: 'widget', at: T0 - 20, frame: 4, iframe: false, script };
    const a = new SessionAssembly([tag, ...inFrame([ready(), reg(), inv(), cb(expired), end()], 4)], { frames });
    expect(a.invocationCount).toBe(1);
    expect(a.page.otherFrames).toEqual([]);
    expect(sessionVerdict(a).text).toMatch(/^Error 4 \(the token is invalid\) expected/);
  });
});

describe('a long token the provider handed over and a header carried is one token', () => {
  test('no stand-in for a cut header whose token an invocation handed over', () => {
    const long = `eyJ${'b'.repeat(1_200_000)}`;
    const a = new SessionAssembly([
      ready(),
      reg(),
      inv(),
      {
        k: 'cb',
        at: T0 + 3,
        id: 1,
        sync: true,
        v: { o: 'cut', n: long.length, t: long.slice(0, 1_048_576), h: 'abcd1234' },
        frame,
      },
      end(),
      { ...wire('getchattoken', 200, null, long.slice(0, 65_536), T0 + 50), tokenCut: long.length } as RecordedEvent,
    ]);
    expect(a.invocations().map(i => i.route)).toEqual(['setAuthTokenProvider']);
  });
});
