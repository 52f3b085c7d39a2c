/** The exported report: valid against its schema, signatures redacted unless asked for. */
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { assembleSession, type RecordedEvent } from '../../src/analysis/session.js';
import { buildReport } from '../../src/analysis/report.js';
import { makeKey, signToken, validClaims } from '../helpers/tokens.js';

const T0 = 1_764_000_000_000;
const schema = JSON.parse(readFileSync('docs/report.schema.json', 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
let token: string;
let events: RecordedEvent[];
beforeAll(async () => {
  token = await signToken(await makeKey(), validClaims());
  const frame = 0;
  events = [
    { k: 'widget', at: T0, frame, iframe: true, script: { appId: 'app', orgId: 'org', orgUrl: 'https://org.crm.dynamics.com', version: 'v1', src: 'x' } },
    { k: 'evt', at: T0 + 1, frame, type: 'lcw:ready', detail: null },
    { k: 'reg', at: T0 + 2, frame, fn: true, arg: 'function', ready: true },
    { k: 'inv', at: T0 + 3, frame, id: 1, route: 'sdk' },
    { k: 'cb', at: T0 + 4, frame, id: 1, sync: true, v: ` Bearer ${token}` },
    { k: 'end', at: T0 + 5, frame, id: 1 },
    { k: 'inv', at: T0 + 6, frame, id: 2, route: 'sdk' },
    { k: 'end', at: T0 + 7, frame, id: 2, err: { n: 'Error', m: 'down' } },
    { k: 'evt', at: T0 + 8, frame, type: 'lcw:error', detail: { errorCode: 2, errorDescription: 'Auth token provider method execution failed' } },
  ];
});

const report = (includeTokens?: boolean) => buildReport(assembleSession(events), { url: 'https://shop.contoso.com/help?code=secret#frag', now: T0 + 10, ...(includeTokens ? { includeTokens } : {}) });

describe('buildReport', () => {
  test('is valid against docs/report.schema.json', () => {
    const r = report();
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(report(true)), JSON.stringify(validate.errors)).toBe(true);
  });
  test('the schema rejects what is not a report', () => {
    expect(validate({ ...report(), version: 2 })).toBe(false);
    expect(validate({ ...report(), extra: 1 })).toBe(false);
  });
  test('holds the documented facts', () => {
    const r = report();
    expect(r).toMatchObject({
      format: 'lcw-auth-report', version: 1, createdAt: '2025-11-24T16:00:00.010Z', tokensIncluded: false,
      page: { url: 'https://shop.contoso.com/help', origin: 'https://shop.contoso.com' },
      widget: { detected: true, version: 'v1', orgId: 'org', appId: 'app', orgUrl: 'https://org.crm.dynamics.com' },
      route: 'setAuthTokenProvider',
      widgetErrors: [{ at: '2025-11-24T16:00:00.008Z', errorCode: 2, description: 'Auth token provider method execution failed' }],
    });
    expect(r.invocations.map(i => [i.id, i.outcome, i.errorCode, i.msToToken])).toEqual([['0:1', 'token', 4, 1], ['0:2', 'threw', 2, null]]);
    expect(r.invocations[0]!.findings.map(f => f.rule)).toEqual(expect.arrayContaining(['token.whitespace', 'token.bearer-prefix']));
    expect(r.timeline).toHaveLength(events.length);
  });
  test('redacts signatures and leaves the token out by default', () => {
    const r = report();
    expect(r.invocations[0]!.token).toEqual({ header: { alg: 'RS256', typ: 'JWT' }, claims: validClaims(), signature: 'redacted' });
    const signature = token.split('.')[2]!;
    expect(JSON.stringify(r)).not.toContain(signature);
  });
  test('includes the token exactly as handed over only when asked', () => {
    const token0 = report(true).invocations[0]!.token!;
    expect(token0.raw).toBe(` Bearer ${token}`);
    expect(token0.signature).toBe(token.split('.')[2]);
  });
});
