/** `lcw-auth report`, the shipped CLI, on reports the panel exports. */
import { describe, test, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { assembleSession } from '../../src/analysis/session/session.js';
import { buildReport } from '../../src/analysis/report/report.js';

import { T0, events, report, reportWithErrorText, token } from '../helpers/report-fixture.js';

describe('lcw-auth report', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcw-report-'));
  });
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  test('prints the summary of a valid report; exit 1 when it shows an error', async () => {
    const result = await runCli(['report', write('ok.json', report())]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('**Error 2 (the token provider threw) observed: The widget raised lcw:error 2');
    expect(result.stdout).toContain('https://shop.contoso.com/help');
  });
  test('exit 0 for a report in which nothing fails', async () => {
    const good = buildReport(assembleSession(events.slice(0, 3)), { url: 'https://a.example/', now: T0 });
    expect((await runCli(['report', write('good.json', good)])).status).toBe(0);
  });
  test('--json: valid, the verdict and the error codes', async () => {
    const result = await runCli(['report', write('ok2.json', report()), '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      errors: [],
      verdict:
        'Error 2 (the token provider threw) observed: The widget raised lcw:error 2 ("Auth token provider method ' +
        'execution failed") 2 ms after the provider was called. Likely why: The provider threw Error: "down". ' +
        'Before it: 1 earlier invocation: error 4 (the token is invalid).',
      invocations: 2,
      errorCodes: [4, 2],
      observed: [null, 2],
      widgetErrors: [2],
    });
  });
  test('a file that is not a report: exit 2 with what is wrong, where', async () => {
    const broken = { ...report(), invocations: [{ ...report().invocations[0], outcome: 'exploded' }] };
    const result = await runCli(['report', write('broken.json', broken)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not a valid lcw-auth report (v1 to v3)');
    expect(result.stderr).toContain('/invocations/0/outcome must be equal to one of the allowed values');
    const json = await runCli(['report', write('broken2.json', broken), '--json']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout).valid).toBe(false);
    const notJson = await runCli(['report', write('text.json', 'eyJhbGciOi...')]);
    expect([notJson.status, notJson.stderr]).toEqual([2, expect.stringContaining('is not JSON')]);
    const missing = await runCli(['report', join(dir, 'none.json')]);
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringContaining('no such file')]);
  });
  test('page text in a report comes out as inert Markdown, as in Copy summary', async () => {
    const hostile = reportWithErrorText(
      '![beacon](https://evil.example/b.png) <img src=x> [Click](https://evil.example/login)',
    );
    const result = await runCli(['report', write('hostile-md.json', hostile)]);
    expect(result.stdout).toContain('!\\[beacon\\](https://evil.example/b.png) \\<img src=x\\> \\[Click\\]');
    expect(result.stdout).not.toMatch(/[^\\]!\[beacon\]/);
  });
  test('a report that says it left the tokens out but holds them: said, and nothing token-shaped printed', async () => {
    const full = report(true);
    const lying = { ...full, tokensIncluded: false };
    lying.invocations[1]!.findings[0]!.message = `refused ${token}`;
    const result = await runCli(['report', write('lying.json', lying)]);
    const [, payload, signature] = token.split('.');
    expect(result.stdout).toContain('holds full tokens or signatures, although it says they were left out');
    expect(result.stdout).not.toContain(signature!);
    expect(result.stdout).not.toContain(payload!);
    const json = await runCli(['report', '--json', write('lying.json', lying)]);
    expect(json.stdout).not.toContain(signature!);
    // Near miss: a report that says it holds the tokens is read as it is.
    const honest = await runCli(['report', write('full.json', { ...lying, tokensIncluded: true })]);
    expect(honest.stdout).toContain(`refused ${token.split('.')[0]}.${payload}.`);
  });
  test('a HAR file handed to report: one line that says so and names lcw-auth har', async () => {
    const har = write('trace.har', { log: { version: '1.2', entries: [] } });
    const result = await runCli(['report', har]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`lcw-auth: ${har} is a HAR file, not a report: read it with lcw-auth har ${har}`);
  });
  test('hostile text in a report cannot drive the terminal', async () => {
    const r = report();
    r.widgetErrors[0]!.description = 'ok\u001b[2J\u001b]0;pwned\u0007';
    const result = await runCli(['report', write('ansi.json', r)]);
    expect(result.stdout).not.toContain('\u001b');
    // Escaped for the terminal, and as Markdown ("[" cannot open a link).
    expect(result.stdout).toContain('ok\\u001b\\[2J');
  });
});
