/** The exported report: valid against its schema, signatures redacted unless asked for. */
import { describe, test, expect } from 'vitest';
import { reportSummary } from '../../src/analysis/report/summary.js';
import { reportVerdict } from '../../src/analysis/report/verdict.js';
import { validateReport as validate } from '../helpers/report-schema.js';
import { assembleSession } from '../../src/analysis/session/session.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { buildReport } from '../../src/analysis/report/report.js';
import { validClaims } from '../helpers/tokens.js';

import { T0, events, report, reportWithErrorText, token } from '../helpers/report-fixture.js';
describe('buildReport', () => {
  test('is valid against docs/report.schema.json', () => {
    const r = report();
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(report(true)), JSON.stringify(validate.errors)).toBe(true);
  });
  test('a version 1 report (before wire evidence) still reads', () => {
    const { kind: _kind, kindEvidence: _evidence, ...widget } = report().widget;
    const v1 = {
      ...report(),
      version: 1,
      widget,
      invocations: report().invocations.map(({ received: _r, ...i }) => i),
    };
    expect(validate(v1), JSON.stringify(validate.errors)).toBe(true);
    expect(reportSummary(v1 as Parameters<typeof reportSummary>[0])).toContain('| Report | lcw-auth-report v1');
    // The widget line: the kind and its evidence in a version 2 report, the script's word in a version 1.
    expect(reportSummary(report())).toContain('v2 (its script tag asks for v2) · org org');
    expect(reportSummary(v1 as Parameters<typeof reportSummary>[0])).toContain('v2 · org org');
  });
  test('the schema rejects what is not a report', () => {
    expect(validate({ ...report(), version: 4 })).toBe(false);
    expect(validate({ ...report(), widget: { ...report().widget, kind: 'v3' } })).toBe(false);
    expect(validate({ ...report(), extra: 1 })).toBe(false);
  });
  test('holds the documented facts', () => {
    const r = report();
    expect(r).toMatchObject({
      format: 'lcw-auth-report',
      version: 3,
      createdAt: '2025-11-24T16:00:00.010Z',
      tokensIncluded: false,
      page: { url: 'https://shop.contoso.com/help', origin: 'https://shop.contoso.com' },
      widget: { detected: true, version: 'v2', orgId: 'org', appId: 'app', orgUrl: 'https://org.crm.dynamics.com' },
      route: 'setAuthTokenProvider',
      widgetErrors: [
        { at: '2025-11-24T16:00:00.008Z', errorCode: 2, description: 'Auth token provider method execution failed' },
      ],
    });
    expect(r.invocations.map(i => [i.id, i.outcome, i.errorCode, i.msToToken])).toEqual([
      ['0:1', 'token', 4, 1],
      ['0:2', 'threw', 2, null],
    ]);
    expect(r.invocations[0]!.findings.map(f => f.rule)).toEqual(
      expect.arrayContaining(['token.whitespace', 'token.bearer-prefix']),
    );
    expect(r.timeline).toHaveLength(events.length);
  });
  test('findings carry the widget error they lead to, page-level ones too (a missing client function: 8)', () => {
    const view = assembleSession([
      { k: 'evt', at: T0, frame: 0, type: 'lcw:ready', detail: null },
      { k: 'req', at: T0 + 1, frame: 0, name: 'auth.getToken', found: false },
    ]);
    const r = buildReport(view, { url: 'https://shop.example/help', now: T0 });
    expect(r.findings.map(f => [f.rule, f.errorCode])).toEqual([['invocation.client-function-missing', 8]]);
    expect(validate(r)).toBe(true);
    // A finding that blocks nothing has no errorCode at all.
    const warning = buildReport(assembleSession(events), { url: 'https://shop.example/', now: T0 })
      .invocations.flatMap(i => i.findings)
      .find(f => f.severity !== 'error');
    expect(warning).toBeDefined();
    expect(warning).not.toHaveProperty('errorCode');
  });

  test('redacts signatures and leaves the token out by default', () => {
    const r = report();
    expect(r.invocations[0]!.token).toEqual({
      header: { alg: 'RS256', typ: 'JWT' },
      claims: validClaims(),
      signature: 'redacted',
    });
    const signature = token.split('.')[2]!;
    expect(JSON.stringify(r)).not.toContain(signature);
  });
  test('includes the token exactly as handed over only when asked', () => {
    const token0 = report(true).invocations[0]!.token!;
    expect(token0.raw).toBe(` Bearer ${token}`);
    expect(token0.signature).toBe(token.split('.')[2]);
  });
});

describe('reportSummary (Copy summary, lcw-auth report)', () => {
  test('says the verdict, the widget, the counts and the latest findings', () => {
    const text = reportSummary(report());
    // The widget raised error 2 after the provider threw: observed, with the cause after it and what failed before.
    expect(text).toContain(
      '**Error 2 (the token provider threw) observed: The widget raised lcw:error 2 ("Auth token provider method ' +
        'execution failed") 2 ms after the provider was called. Likely why: The provider threw Error: "down". ' +
        'Before it: 1 earlier invocation: error 4 (the token is invalid).**',
    );
    expect(text).toContain(
      '| Invocations | 2 (error 4 (the token is invalid): 1, error 2 (the token provider threw): 1) |',
    );
    expect(text).toContain('| Widget errors | error 2 (the token provider threw) ×1 |');
    expect(text).toContain('| #2 | 2025-11-24 16:00:00 | threw | — | none | 2 observed |');
    expect(text).toContain('- `invocation.threw` (');
    expect(text).toContain('signatures redacted');
    expect(text).not.toContain(token.split('.')[2]!);
  });
  test('page text cannot become a link, an image, markup or a new table cell in the ticket', () => {
    const hostile = reportWithErrorText(
      '![x](https://evil.example/p.png) <img src=x onerror=alert(1)> | cell\n# heading `code` [link](javascript:alert(1))',
    );
    const text = reportSummary(hostile);
    const line = text.split('\n').find(l => l.includes('evil.example'))!;
    expect(line).toContain(
      '!\\[x\\](https://evil.example/p.png) \\<img src=x onerror=alert(1)\\> \\| cell # heading \\`code\\` \\[link\\]',
    );
    expect(text).not.toMatch(/[^\\]<img/);
  });
  test('lists at most the newest 20 invocations and says how many there were', () => {
    const many: RecordedEvent[] = [];
    for (let id = 1; id <= 45; id++)
      many.push(
        { k: 'inv', at: T0 + id * 10, frame: 0, id, route: 'sdk' },
        { k: 'cb', at: T0 + id * 10 + 1, frame: 0, id, sync: true, v: '' },
      );
    const text = reportSummary(buildReport(assembleSession(many), { url: 'https://a.example/', now: T0 }));
    expect(text).toContain('The newest 20 of 45.');
    expect(text.match(/^\| #\d+ \|/gm)).toHaveLength(20);
    expect(text).toContain('| #45 |');
    expect(text).not.toContain('| #25 |');
  });
  test('reportVerdict of a report without invocations speaks of the page', () => {
    const quiet = buildReport(assembleSession([events[0]!]), { url: 'https://a.example/', now: T0 });
    expect(reportVerdict(quiet).text).toBe('Widget found; no token provider seen yet.');
    expect(reportVerdict(buildReport(assembleSession([]), { url: 'https://a.example/', now: T0 })).text).toBe(
      'No Omnichannel chat widget seen on this page.',
    );
  });
});

describe('a report with the widget\'s traffic and a "Call provider again"', () => {
  const traffic = (): RecordedEvent[] => [
    {
      k: 'cfg',
      at: T0 - 50,
      frame: -1,
      url: 'https://org.crm.dynamics.com/livechatconnector/config/org/app?secret=1',
      status: 200,
      body: JSON.stringify({
        LiveChatConfigAuthSettings: {
          msdyn_authenticationtype: 192350000,
          msdyn_publickeyurl: 'https://contoso.example/pk',
        },
        LiveWSAndLiveChatEngJoin: {},
      }),
    },
    ...events,
    {
      k: 'auth',
      at: T0 + 6,
      frame: -1,
      url: 'https://org.crm.dynamics.com/livechatconnector/v2/auth/getchattoken?x=1',
      method: 'POST',
      status: 401,
      body: '{"message":"UserId not found"}',
      token: token,
    },
    { k: 'again', at: T0 + 20, frame: 0 },
    { k: 'inv', at: T0 + 21, frame: 0, id: 3, route: 'sdk' },
    { k: 'cb', at: T0 + 22, frame: 0, id: 3, sync: true, v: token },
    { k: 'end', at: T0 + 23, frame: 0, id: 3 },
  ];
  test('is valid, and holds the configuration, the failed call and the re-run, never the token the call carried', () => {
    const r = buildReport(assembleSession(traffic()), { url: 'https://shop.contoso.com/', now: T0 + 30 });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.config).toEqual({
      url: 'https://org.crm.dynamics.com/livechatconnector/config/org/app',
      authenticationType: 'jwt',
      authenticationTypeRaw: 192350000,
      clientFunction: null,
      publicKeyUrl: 'https://contoso.example/pk',
      persistentChat: false,
      hasAuthSettings: true,
      reconnect: false,
      signInOptional: false,
      snippetOrigins: [],
    });
    expect(r.authCalls).toEqual([
      {
        at: '2025-11-24T16:00:00.006Z',
        url: 'https://org.crm.dynamics.com/livechatconnector/v2/auth/getchattoken',
        endpoint: 'getchattoken',
        method: 'POST',
        status: 401,
        message: 'UserId not found',
        seenBy: 'devtools',
        invocation: '0:1',
      },
    ]);
    expect(r.invocations.map(i => i.rerun)).toEqual([undefined, undefined, true]);
    expect(JSON.stringify(r)).not.toContain(token.split('.')[2]!);
    const summary = reportSummary(r);
    expect(summary).toContain('| Configuration | JWT · public key https://contoso.example/pk |');
    expect(summary).toContain('POST getchattoken → 401 UserId not found (invocation #1)');
    // The panel's call is its own result: not counted with the page's, and listed apart.
    expect(summary).toContain(
      '| Invocations | 2 (error 4 (the token is invalid): 1, error 2 (the token provider threw): 1) |',
    );
    expect(summary).toContain('| Called from the panel | 1 (their tokens went to nobody; not counted above) |');
    expect(summary).toMatch(/### Called from the panel[^#]*- #3: /);
  });
  test('a configuration that could not be read is reported as such', () => {
    const r = buildReport(
      assembleSession([
        {
          k: 'cfg',
          at: T0,
          frame: -1,
          url: 'https://org.crm.dynamics.com/livechatconnector/config/o/a',
          status: 502,
          body: '',
        },
      ]),
      { url: 'https://a.example/', now: T0 },
    );
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.config).toEqual({
      url: 'https://org.crm.dynamics.com/livechatconnector/config/o/a',
      problem: 'The configuration request answered 502.',
    });
  });
});

describe('a report that is bigger or stranger than it should be', () => {
  test('300,000 page findings: a bounded list, no stack overflow', () => {
    const base = report();
    const finding = base.invocations[0]!.findings[0]!;
    const big = { ...base, findings: Array.from({ length: 300_000 }, () => finding) };
    const text = reportSummary(big);
    expect(text).toContain('- … and 299950 more findings in the report file.');
    expect(text.split('\n').filter(l => l.startsWith(`- **${finding.severity}**`)).length).toBeLessThan(120);
  });
  test('full tokens in a file that says they were left out: the summary says what the file holds', () => {
    const lying = report(true);
    expect(reportSummary({ ...lying, tokensIncluded: false })).toContain(
      '**holds full tokens or signatures, although it says they were left out**',
    );
    expect(reportSummary(report())).toContain(', signatures redacted');
  });
});
