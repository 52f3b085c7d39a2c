/** fetchKeyDocument with a fetch that misbehaves in every way a key URL can. */
import { describe, test, expect } from 'vitest';
import { fetchKeyDocument, KeyFetchError, type KeyFetchFailure } from '../../src/analysis/keys/key-fetch.js';
import { keyUrlNotes, privateHostReason } from '../../src/analysis/keys/key-url.js';

const answer = (body: BodyInit | null, init: ResponseInit = {}) =>
  (async () => new Response(body, init)) as unknown as typeof fetch;
const failing = (error: unknown) =>
  (async () => {
    throw error;
  }) as unknown as typeof fetch;

async function failure(url: string, fetchFn: typeof fetch, timeoutMs?: number): Promise<[KeyFetchFailure, string]> {
  try {
    await fetchKeyDocument(url, { fetch: fetchFn, ...(timeoutMs ? { timeoutMs } : {}) });
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFetchError);
    return [(error as KeyFetchError).kind, (error as Error).message];
  }
  throw new Error('did not fail');
}

describe('fetchKeyDocument', () => {
  test('returns the body, its type and the final URL', async () => {
    const doc = await fetchKeyDocument('https://contoso.example/_services/auth/publickey', {
      fetch: answer('-----BEGIN PUBLIC KEY-----', { headers: { 'content-type': 'text/plain' } }),
    });
    expect(doc).toMatchObject({ status: 200, contentType: 'text/plain', text: '-----BEGIN PUBLIC KEY-----' });
  });
  test.each([
    ['not a URL', 'publickey', answer(''), 'bad-url', /is not a URL/],
    ['plain http elsewhere than this machine', 'http://contoso.example/key', answer(''), 'not-https', /is not https/],
    [
      '401',
      'https://a.example/k',
      answer('no', { status: 401, statusText: 'Unauthorized' }),
      'status',
      /answered 401 Unauthorized: it needs a sign-in/,
    ],
    ['403', 'https://a.example/k', answer('no', { status: 403 }), 'status', /answered 403: it needs a sign-in/],
    [
      '404',
      'https://a.example/k',
      answer('no', { status: 404, statusText: 'Not Found' }),
      'status',
      /nothing is published there/,
    ],
    ['500', 'https://a.example/k', answer('boom', { status: 500 }), 'status', /answered 500\.$/],
    [
      'refused (Node gives a cause)',
      'https://a.example/k',
      failing(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
      'unreachable',
      /could not be reached \(ECONNREFUSED\)/,
    ],
    [
      'blocked (a browser gives no reason)',
      'https://a.example/k',
      failing(new TypeError('NetworkError when attempting to fetch resource.')),
      'unreachable',
      /refused, unknown host, TLS error, or blocked/,
    ],
    ['a thrown non-error', 'https://a.example/k', failing('weird'), 'unreachable', /could not be reached/],
    [
      'too large',
      'https://a.example/k',
      answer(new Uint8Array(2 * 1024 * 1024)),
      'too-large',
      /answered more than 1048576 bytes/,
    ],
    [
      'declared too large (nothing read)',
      'https://a.example/k',
      answer(new Uint8Array(10), { headers: { 'content-length': String(2 ** 30) } }),
      'too-large',
      /answered 1073741824 bytes/,
    ],
    [
      'a redirect the browser hides',
      'https://a.example/k',
      async () => Object.defineProperty(new Response(null), 'type', { value: 'opaqueredirect' }),
      'redirect',
      /redirects elsewhere, and the browser does not show where/,
    ],
    [
      'a redirect to plain http',
      'https://a.example/k',
      answer(null, { status: 302, headers: { location: 'http://0.0.0.0:8080/key' } }),
      'redirect',
      /redirects to http:\/\/0\.0\.0\.0:8080\/key, which was not followed: .* is not https/,
    ],
    [
      'redirects without end',
      'https://a.example/k',
      answer(null, { status: 301, headers: { location: '/again' } }),
      'redirect',
      /redirects more than 5 times/,
    ],
    [
      'broken off mid-body',
      'https://a.example/k',
      answer(
        new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array([45, 45]));
            c.error(new Error('socket hang up'));
          },
        }),
      ),
      'broken-off',
      /broke off \(socket hang up\)/,
    ],
  ] as [string, string, typeof fetch, KeyFetchFailure, RegExp][])('%s', async (_, url, fetchFn, kind, message) => {
    const [gotKind, gotMessage] = await failure(url, fetchFn);
    expect(gotKind).toBe(kind);
    expect(gotMessage).toMatch(message);
  });
  test('an endless body is read no further than the bound, then cancelled', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(64 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const [kind] = await failure('https://a.example/k', answer(endless));
    expect(kind).toBe('too-large');
    expect(cancelled).toBe(true);
    // 1 MiB in 64 KiB pieces: 17 read, and a few the stream queued ahead.
    expect(pulled).toBeLessThan(24);
  });
  test('every hop of a redirect is checked, and the last one read', async () => {
    const asked: string[] = [];
    const hops = (async (url: string) => {
      asked.push(url);
      return url.endsWith('/3')
        ? new Response('-----BEGIN PUBLIC KEY-----')
        : new Response(null, { status: 302, headers: { location: `/${asked.length}` } });
    }) as unknown as typeof fetch;
    const doc = await fetchKeyDocument('https://a.example/0', { fetch: hops });
    expect(asked).toEqual(['https://a.example/0', 'https://a.example/1', 'https://a.example/2', 'https://a.example/3']);
    expect(doc.url).toBe('https://a.example/3');
  });
  test('silence: stopped at the timeout', async () => {
    const never = ((_: unknown, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    expect(await failure('https://a.example/k', never, 50)).toEqual([
      'timeout',
      'https://a.example/k did not answer within 0.05 s.',
    ]);
  });
});

describe('key URLs that work only for us', () => {
  const html = (body: string, status = 200) => answer(body, { status, headers: { 'content-type': 'text/html' } });
  const SIGN_IN = '<html><title>Sign in to your account</title><form><input type="password" name="p"></form></html>';
  test.each([
    ['a sign-in page answered directly', 'https://contoso.example/key', html(SIGN_IN), 'sign-in', 'key.url-sign-in'],
    [
      'a redirect to Entra ID sign-in (not followed)',
      'https://contoso.example/key',
      answer(null, { status: 302, headers: { location: 'https://login.microsoftonline.com/common/oauth2/authorize' } }),
      'sign-in',
      'key.url-sign-in',
    ],
    [
      'a portal page in place of the key',
      'https://contoso.example/key',
      html('<!DOCTYPE html><html><body>Page not found</body></html>'),
      'not-a-key',
      'key.url-not-a-key',
    ],
    [
      'Power Pages without its certificate (200)',
      'https://contoso.powerappsportals.com/_services/auth/publickey',
      answer('Key Not Found'),
      'portal-no-key',
      'key.url-portal-no-key',
    ],
    [
      'Power Pages without its certificate (404)',
      'https://contoso.powerappsportals.com/_services/auth/publickey',
      answer('Key Not Found', { status: 404 }),
      'portal-no-key',
      'key.url-portal-no-key',
    ],
  ] as [string, string, typeof fetch, KeyFetchFailure, string][])('%s', async (_, url, fetchFn, kind, rule) => {
    const error = await fetchKeyDocument(url, { fetch: fetchFn }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyFetchError);
    const e = error as KeyFetchError;
    expect([e.kind, e.rule]).toEqual([kind, rule]);
    // The advice is the message and the rule's fix.
    expect(e.advice.startsWith(e.message)).toBe(true);
    expect(e.advice.length).toBeGreaterThan(e.message.length + 20);
  });
  test('the portal says which site has no key', async () => {
    const url = 'https://contoso.powerappsportals.com/_services/auth/publickey';
    const error = (await fetchKeyDocument(url, { fetch: answer('Key Not Found') }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `${url} answered "Key Not Found": this Power Pages site has no certificate for its token endpoint, so it ` +
        'publishes no key.',
    );
  });
  test('near misses: a key served as HTML-typed text, and an ordinary redirect, are read', async () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----';
    const typed = await fetchKeyDocument('https://a.example/k', { fetch: html(pem) });
    expect(typed.text).toBe(pem);
    const list = await fetchKeyDocument('https://a.example/k', { fetch: answer('[{"kid":"a","publicKey":"x"}]') });
    expect(list.text).toContain('kid');
  });
  test.each([
    ['localhost', 'a loopback address (this machine)'],
    ['127.0.0.1', 'a loopback address (this machine)'],
    ['[::1]', 'a loopback address (this machine)'],
    ['10.1.2.3', 'a private-network address'],
    ['172.20.0.5', 'a private-network address'],
    ['192.168.1.10', 'a private-network address'],
    ['[fd12:3456::1]', 'a private-network address'],
    ['keyserver', 'a single-label (intranet) name'],
    ['keys.contoso.local', 'an intranet name'],
    ['auth.corp', 'an intranet name'],
  ])('%s is not reachable from the service: %s', (host, reason) => {
    expect(privateHostReason(host)).toBe(reason);
  });
  test.each(['contoso.powerappsportals.com', '172.32.0.1', '8.8.8.8', 'local.example.com'])(
    '%s is public (near miss)',
    host => expect(privateHostReason(host)).toBeUndefined(),
  );
  test('notes: a private host, and that a key read here proves nothing about the service', () => {
    expect(keyUrlNotes('https://10.0.0.4/key', true).map(f => [f.rule, f.message])).toEqual([
      [
        'key.url-private-host',
        '10.0.0.4 is a private-network address: Omnichannel fetches the key from the internet and cannot reach it.',
      ],
      [
        'key.url-read-here',
        'https://10.0.0.4/key was read from this browser; that does not show Omnichannel can reach it.',
      ],
    ]);
    expect(keyUrlNotes('https://contoso.example/key', false)).toEqual([]);
    expect(keyUrlNotes('not a url', true)).toEqual([]);
  });
});

describe('a key URL without a host', () => {
  test('is said to have no host, never "a single-label (intranet) name" with an empty name', () => {
    const [note] = keyUrlNotes('file:///etc/key.pem', false);
    expect(note?.message).toBe(
      'file: "file:///etc/key.pem" has no host: Omnichannel fetches the key from an https:// address on the internet.',
    );
    // Near miss: a real single-label name still says so.
    expect(keyUrlNotes('https://keys/pk', false)[0]?.message).toMatch(/^keys is a single-label \(intranet\) name/);
  });
});
