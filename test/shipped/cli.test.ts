/** The `lcw-auth check` contract, run as a subprocess exactly as a support engineer would. */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { makeKey, signToken, validClaims, NOW, type TestKey } from '../helpers/tokens.js';
import { keyList } from '../helpers/keys.js';

let key: TestKey;
let good: string;
let dir: string;
let server: Server;
let base: string;
let endlessClosed = false;

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const now = ['--now', String(NOW)];
const json = (result: CliResult) => JSON.parse(result.stdout);
/** Usage and input problems: one line on stderr, status 2, no stack trace. */
const expectInputError = (result: CliResult, pattern: RegExp) => {
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
};

beforeAll(async () => {
  key = await makeKey();
  good = await signToken(key, validClaims(), { kid: 'k1' });
  dir = mkdtempSync(join(tmpdir(), 'lcw-auth-cli-'));
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/key.pem': res => res.end(key.pem),
    '/keys.json': res => res.end(keyList([{ kid: 'k1', pem: key.pem, expiry: NOW + 3600 }])),
    '/missing': res => {
      res.statusCode = 404;
      res.end('nope');
    },
    '/login': res => res.end('<!doctype html><html><title>Sign in to Contoso</title></html>'),
    '/hang': () => {
      /* never answers */
    },
    // An answer that never ends: the CLI must stop reading after 1 MB and hang up.
    '/endless': res => {
      const chunk = Buffer.alloc(64 * 1024, 'k');
      const more = () => {
        while (res.write(chunk));
      };
      res.on('drain', more);
      res.on('close', () => (endlessClosed = true));
      more();
    },
    '/gigabyte': res => {
      res.setHeader('content-length', String(2 ** 30));
      res.write(Buffer.alloc(1024));
    },
    '/to-plain-http': res => {
      res.statusCode = 302;
      res.setHeader('location', 'http://0.0.0.0:9/key.pem');
      res.end();
    },
    '/hop': res => {
      res.statusCode = 301;
      res.setHeader('location', '/key.pem');
      res.end();
    },
  };
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res);
    else res.end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('lcw-auth check', () => {
  test('--widget v2: a 13-digit exp is an unknown there, not an error 4; --widget v1 keeps the error', async () => {
    const millis = await signToken(key, validClaims({ exp: (NOW + 3600) * 1000 }));
    const timeRules = (out: { findings: { rule: string }[] }) =>
      out.findings.map(f => f.rule).filter(r => r.startsWith('time.'));
    const v2 = json(await runCli(['check', millis, ...now, '--widget', 'v2', '--json']));
    expect([v2.errorCode, timeRules(v2)]).toEqual([null, ['time.milliseconds-v2']]);
    const v1 = json(await runCli(['check', millis, ...now, '--widget', 'V1', '--json']));
    expect([v1.errorCode, timeRules(v1)]).toEqual([4, ['time.milliseconds']]);
    expectInputError(await runCli(['check', millis, '--widget', 'v3']), /--widget takes v1, v2 or custom, not "v3"/);
  });
  test("--portal: a portal's 15-minute token is expected, not a warning", async () => {
    const portalToken = await signToken(key, validClaims({ iat: NOW - 300, nbf: NOW - 300, exp: NOW + 600 }));
    const rules = async (...flags: string[]) =>
      json(await runCli(['check', portalToken, ...now, ...flags, '--json']))
        .findings.map((f: { rule: string }) => f.rule)
        .filter((r: string) => r.startsWith('time.'));
    expect(await rules('--portal')).toEqual(['time.portal-lifetime']);
    expect(await rules()).toEqual(['time.expires-soon']);
  });
  test('a valid token: readable report, status 0', async () => {
    const result = await runCli(['check', good, ...now]);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('Token accepted');
    expect(result.stdout).toContain('87b4d06c-abc2-e811-a9b0-000d3a10e09e');
    expect(result.stdout).not.toContain('\x1b[');
  });
  test('--json prints the documented object', async () => {
    const out = json(await runCli(['check', good, ...now, '--json']));
    expect(Object.keys(out)).toEqual([
      'errorCode',
      'verdict',
      'findings',
      'header',
      'claims',
      'contexts',
      'signature',
      'signatureDetail',
    ]);
    expect(out).toMatchObject({
      errorCode: null,
      verdict: 'ok',
      signature: 'not-checked',
      header: { alg: 'RS256', kid: 'k1' },
      contexts: { msdyn_cartvalue: '10000', msdyn_isvip: 'false' },
    });
    expect(out.findings).toEqual([]);
  });
  test('an expired token: status 1, error 4', async () => {
    const result = await runCli([
      'check',
      await signToken(key, validClaims({ iat: NOW - 7200, exp: NOW - 3600 })),
      ...now,
      '--json',
    ]);
    expect(result.status).toBe(1);
    expect(json(result)).toMatchObject({ errorCode: 4, verdict: 'error' });
    expect(json(result).findings[0]).toEqual({
      rule: 'time.expired',
      severity: 'error',
      message: 'The token expired 1 hour ago (exp 2025-11-24 15:00:00 UTC).',
      fix: expect.any(String),
    });
  });
  test('--skew changes the verdict on a just-expired token', async () => {
    const token = await signToken(key, validClaims({ exp: NOW - 30 }));
    expect((await runCli(['check', token, ...now])).status).toBe(0);
    expect((await runCli(['check', token, ...now, '--skew', '0'])).status).toBe(1);
  });
  test('the argument is analysed exactly as given', async () => {
    expect(
      json(await runCli(['check', ` ${good}`, ...now, '--json'])).findings.map((f: { rule: string }) => f.rule),
    ).toContain('token.whitespace');
  });
  test('standard input, with "-" or no token, drops exactly one trailing newline', async () => {
    const rules = async (args: string[], input: string) =>
      json(await runCli(['check', ...args, ...now, '--json'], { input })).findings.map((f: { rule: string }) => f.rule);
    expect(await rules(['-'], `${good}\n`)).not.toContain('token.whitespace');
    expect(await rules([], `${good}\r\n`)).not.toContain('token.whitespace');
    expect(await rules(['-'], `${good}\n\n`)).toContain('token.whitespace');
  });
  test('nothing at all on standard input is no token given (status 2), not an empty token', async () => {
    expectInputError(await runCli(['check', ...now], { input: '' }), /no token given: standard input was empty/);
  });
  test('--json writes bidi controls and invisible marks as escapes, the JSON unchanged', async () => {
    const spoof = await signToken(key, validClaims({ iss: 'contoso\u202Emoc.evil' }));
    const result = await runCli(['check', spoof, ...now, '--json']);
    expect(result.stdout).not.toContain('\u202E');
    expect(result.stdout).toContain('\\u202e');
    expect(JSON.parse(result.stdout).claims.iss).toBe('contoso\u202Emoc.evil');
  });
  test('har: a damaged widget entry is named, the rest judged, exit 2 (never "accepted", exit 0)', async () => {
    const entry = (path: string) =>
      JSON.stringify({
        startedDateTime: '2025-11-24T16:00:00.000Z',
        request: {
          url: `https://org.omnichannelengagementhub.com/livechatconnector${path}`,
          method: 'GET',
          headers: [],
        },
        response: { status: 200, headers: [], content: { text: '{}' } },
      });
    const damaged = file(
      'damaged.har',
      `{"log":{"entries":[${entry('/config/o/a')},${entry('/v2/auth/getchattoken/o/a/r').replace(/}$/, ',}')}]}}`,
    );
    const result = await runCli(['har', damaged]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^lcw-auth: .*damaged\.har: 1 of the widget's entries could not be read: entry 2 \(2025-11-24T16:00:00\.000Z\): its JSON is damaged .*; judged from the rest$/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
  test('--version names the version', async () => {
    const result = await runCli(['--version']);
    expect([result.status, result.stdout]).toEqual([0, expect.stringMatching(/^lcw-auth \d+\.\d+\.\d+\n$/)]);
  });
  test('a newline alone on standard input is an empty token: error 3', async () => {
    const result = await runCli(['check', '-', ...now, '--json'], { input: '\n' });
    expect(result.status).toBe(1);
    expect(json(result).errorCode).toBe(3);
  });
  test('--contexts compares lwicontexts with the work stream', async () => {
    const contexts = file(
      'contexts.json',
      JSON.stringify([{ name: 'msdyn_cartvalue', type: 'number' }, 'msdyn_isVIP']),
    );
    const out = json(await runCli(['check', good, ...now, '--json', '--contexts', contexts]));
    expect(out.findings.map((f: { rule: string }) => f.rule)).toEqual(
      expect.arrayContaining(['contexts.case-mismatch']),
    );
  });
  test('--key verifies with a PEM file', async () => {
    expect(json(await runCli(['check', good, ...now, '--json', '--key', file('key.pem', key.pem)])).signature).toBe(
      'verified',
    );
  });
  test('--key fetches a URL serving PEM or the Omnichannel key list', async () => {
    expect(json(await runCli(['check', good, ...now, '--json', '--key', `${base}/key.pem`])).signature).toBe(
      'verified',
    );
    expect(json(await runCli(['check', good, ...now, '--json', '--key', `${base}/keys.json`])).signature).toBe(
      'verified',
    );
  });
  test('a token signed with another key: status 1, signature invalid', async () => {
    const other = await makeKey();
    const result = await runCli(['check', good, ...now, '--json', '--key', file('other.pem', other.pem)]);
    expect(result.status).toBe(1);
    expect(json(result)).toMatchObject({ signature: 'invalid', errorCode: 4 });
  });
  test('hostile claims cannot drive the terminal', async () => {
    const token = await signToken(key, validClaims({ iss: '\x1b[2J\x1b]0;pwned\x07evil' }));
    const result = await runCli(['check', token, ...now]);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stdout).toContain('\\u001b[2J');
  });
});

describe('bad input gets one line and status 2', () => {
  test.each([
    [['check', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', 'a', 'b'], /expected one token, got 2 arguments/],
    [['check', 'x', '--now', 'yesterday'], /--now takes a non-negative number of seconds, not "yesterday"/],
    [
      ['check', 'x', '--contexts', '/nonexistent/contexts.json'],
      /cannot read contexts file \/nonexistent\/contexts.json: no such file/,
    ],
    [['check', 'x', '--key', '/nonexistent/key.pem'], /cannot read key file .*: no such file/],
    [['check', 'x', '--key', 'http://example.com/key.pem'], /is not https: Omnichannel only fetches public https URLs/],
  ])('%j', async (args, pattern) => {
    expectInputError(await runCli(args), pattern);
  });
  test('a malformed contexts file', async () => {
    expectInputError(
      await runCli(['check', good, '--contexts', file('bad.json', '{"name": ')]),
      /contexts file .* is not JSON/,
    );
    expectInputError(
      await runCli(['check', good, '--contexts', file('bad2.json', '[{"name":"a","type":"date"}]')]),
      /type "date"; use "text" or "number"/,
    );
  });
  test('a key file that is not a key says what it looks like', async () => {
    expectInputError(
      await runCli(['check', good, '--key', file('token.txt', good)]),
      /This is a JWT, not a public key/,
    );
  });
  test('key URLs that fail', async () => {
    expectInputError(await runCli(['check', good, '--key', `${base}/missing`]), /answered 404 Not Found/);
    expectInputError(
      await runCli(['check', good, '--key', `${base}/login`]),
      /answered a sign-in page: Omnichannel fetches the key without signing in, so it gets this page\. Serve the key/,
    );
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise(resolve => closed.close(resolve));
    expectInputError(
      await runCli(['check', good, '--key', `http://127.0.0.1:${closedPort}/key.pem`]),
      /could not be reached \(ECONNREFUSED\)/,
    );
    expectInputError(
      await runCli(['check', good, '--key', `${base}/hang`], { env: { LCW_AUTH_KEY_TIMEOUT_MS: '300' } }),
      /did not answer within 0.3 s/,
    );
  });
});

describe('hostile input is refused within bounds', () => {
  test('an endless key URL is read to 1 MB, then hung up on', async () => {
    expectInputError(
      await runCli(['check', good, '--key', `${base}/endless`]),
      /answered more than 1048576 bytes; a key document is a few KB/,
    );
    await expect.poll(() => endlessClosed).toBe(true);
  });
  test('a key URL announcing 1 GiB is not read at all', async () => {
    expectInputError(await runCli(['check', good, '--key', `${base}/gigabyte`]), /answered 1073741824 bytes/);
  });
  test('every redirect hop is held to the https rule; a good hop is followed', async () => {
    expectInputError(
      await runCli(['check', good, '--key', `${base}/to-plain-http`]),
      /redirects to http:\/\/0\.0\.0\.0:9\/key\.pem, which was not followed: .* is not https/,
    );
    expect(json(await runCli(['check', good, ...now, '--json', '--key', `${base}/hop`])).signature).toBe('verified');
  });
  test('200 MB of NUL bytes on standard input: refused after the first MiB, status 2', async () => {
    expectInputError(
      await runCli(['check', '-'], { input: Buffer.alloc(200 * 1024 * 1024) }),
      /standard input is more than 1048580 bytes: a token is a few KB/,
    );
  }, 30_000);
  test('a 240 MB report is refused before it is read', async () => {
    const path = join(dir, 'huge-report.json');
    writeFileSync(path, '');
    truncateSync(path, 240 * 1024 * 1024);
    expectInputError(
      await runCli(['report', path]),
      /report .*huge-report\.json is 251658240 bytes; lcw-auth reads at most 67108864 bytes of a report/,
    );
  });
  test('a report with a million invalid entries lists a bounded number of errors', async () => {
    const entries = Array.from({ length: 1_000_000 }, () => ({ bad: true }));
    const path = file('invalid-report.json', JSON.stringify({ format: 'lcw-auth-report', invocations: entries }));
    const result = await runCli(['report', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a valid lcw-auth report/);
    expect(result.stderr.split('\n').length).toBeLessThanOrEqual(22);
  }, 30_000);
});
