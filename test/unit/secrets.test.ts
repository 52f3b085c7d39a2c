/** What leaks without "Include full tokens": nothing token-shaped in a redacted export, summary or CLI reading. */
import { describe, test, expect } from 'vitest';
import { redactData, redactSecrets } from '../../src/analysis/words/secrets.js';
import { reportSummary } from '../../src/analysis/index.js';
import { analyzeTokenSync } from '../../src/analysis/token/analyze.js';
import { report, reportWithErrorText, token } from '../helpers/report-fixture.js';

const OPAQUE = 'Q2hhdFRva2VuX2Zvcl9jb250b3NvX3VzZXJfNDI';

describe('redactSecrets', () => {
  test('a JWT and an opaque credential inside text keep their first characters and their length', () => {
    const text = `The page said: session ${token} expired; access=${OPAQUE}.`;
    const out = redactSecrets(text);
    expect(out).not.toContain(token.split('.')[2]);
    expect(out).not.toContain(token.split('.')[1]);
    expect(out).toContain(`${token.slice(0, 6)}…(a JWT of ${token.length} characters, redacted)`);
    expect(out).toContain(`access=Q2hhdF…(a value of ${OPAQUE.length} characters, redacted).`);
    expect(out.startsWith('The page said: session ')).toBe(true);
  });
  test('a long hexadecimal string is a credential too', () => {
    expect(redactSecrets(`key ${'0123456789abcdef'.repeat(2)}`)).toBe(
      'key 012345…(a value of 32 characters, redacted)',
    );
  });
  test('near miss: GUIDs, addresses, dates, words and numbers stay as they are', () => {
    const text =
      'sub 0c7e5fd8-0000-4000-8000-0000000000b2 at https://org.crm.dynamics.com/livechatconnector/v2/auth/' +
      'getchattoken on 2026-12-08T02:44:12.000Z: AuthenticatedUserTokenMissing 1234567890123456789012345';
    expect(redactSecrets(text)).toBe(text);
  });
  test('redactData copies every string of nested data, deeper than the call stack, keeping what is kept', () => {
    let deep: unknown = OPAQUE;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const data = { header: { kid: OPAQUE }, list: [OPAQUE, 3, null], deep };
    const out = redactData(data, key => key === 'header') as Record<string, unknown>;
    expect(out.header).toEqual({ kid: OPAQUE });
    expect(out.list).toEqual([expect.stringMatching(/^Q2hhdF…\(a value of/), 3, null]);
    let inner: unknown = out.deep;
    while (Array.isArray(inner)) inner = inner[0];
    expect(inner).toMatch(/redacted\)$/);
  });
});

describe('a redacted export and its summary', () => {
  test('a full signed JWT the page put in an lcw:error detail is not in the export or the summary', () => {
    const r = reportWithErrorText(`token ${token} was refused`);
    const [, payload, signature] = token.split('.');
    for (const text of [JSON.stringify(r), reportSummary(r)]) {
      expect(text).not.toContain(signature!);
      expect(text).not.toContain(payload!);
    }
    expect(r.widgetErrors.at(-1)!.description).toMatch(
      /^token eyJhbG…\(a JWT of \d+ characters, redacted\) was refused$/,
    );
  });
  test("an opaque value's finding quotes 8 characters, and the export none of it past 6", () => {
    const findings = analyzeTokenSync(OPAQUE).findings.map(f => f.message);
    expect(findings).toContainEqual(expect.stringContaining(`("Q2hhdFRv"... (${OPAQUE.length} characters))`));
  });
  test('near miss: with "Include full tokens" the export holds what was asked for', () => {
    const full = report(true);
    expect(JSON.stringify(full)).toContain(token.split('.')[2]!);
    expect(full.invocations[0]!.token?.header?.alg).toBe('RS256');
  });
});
