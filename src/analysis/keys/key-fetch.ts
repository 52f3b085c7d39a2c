/**
 * Fetching the site's public key document from its URL, saying precisely what went wrong.
 * The fetch function is passed in (Node's, the panel's): the engine itself makes no requests.
 */
import { RULES, type RuleId } from '../findings/rules.js';
import { KEY_FETCH_TIMEOUT_MS, MAX_KEY_DOCUMENT_BYTES } from '../../protocol/limits.js';
import { joinBytes } from '../words/bytes.js';

export type KeyFetchFailure =
  | 'bad-url'
  | 'not-https'
  | 'timeout'
  | 'unreachable'
  | 'status'
  | 'redirect'
  | 'too-large'
  | 'broken-off'
  | 'sign-in'
  | 'not-a-key'
  | 'portal-no-key';

/** The catalog rule behind a failure that has one (its fix is the advice to give). */
const FAILURE_RULES: Partial<Record<KeyFetchFailure, RuleId>> = {
  'sign-in': 'key.url-sign-in',
  'not-a-key': 'key.url-not-a-key',
  'portal-no-key': 'key.url-portal-no-key',
};

export class KeyFetchError extends Error {
  override name = 'KeyFetchError';
  /** The catalog rule this failure is, when it is one. */
  readonly rule: RuleId | undefined;
  constructor(
    readonly kind: KeyFetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.rule = FAILURE_RULES[kind];
  }

  /** The message with the rule's fix, when it has one: what the panel and the CLI say. */
  get advice(): string {
    return this.rule ? `${this.message} ${RULES[this.rule].fix}` : this.message;
  }
}

/** A sign-in page's address: an identity provider's host, or a sign-in path. */
const SIGN_IN_HOST = new RegExp(
  '^https?://(login\\.microsoftonline\\.com|login\\.live\\.com|[^/]*\\.b2clogin\\.com|[^/]*\\.okta\\.com|' +
    'accounts\\.google\\.com)/',
  'i',
);
const SIGN_IN_PATH = /\/(sign-?in|log-?in|logon|account\/login|oauth2?\/authorize)\b/i;
const SIGN_IN_URL = { test: (url: string) => SIGN_IN_HOST.test(url) || SIGN_IN_PATH.test(url) };
/** A sign-in page's content: a password field, or a title that says so. */
const SIGN_IN_PAGE = /<input[^>]+type=["']?password|<title>[^<]*(sign[\s-]?in|log[\s-]?in)/i;

/** Power Pages' answer when it has no key to publish ("Key Not Found"), on any status. */
function portalNoKey(url: URL, body: string): KeyFetchError | undefined {
  if (!/key\s+not\s+found/i.test(body)) return undefined;
  return new KeyFetchError(
    'portal-no-key',
    `${url.href} answered "Key Not Found"` +
      (/\/_services\/auth\/publickey/i.test(url.pathname)
        ? ': this Power Pages site has no certificate for its token endpoint, so it publishes no key.'
        : ': no key is published there.'),
  );
}

/** What a body that is not a key says: a portal without a key, a sign-in page, another page; undefined for text. */
function notAKey(url: URL, body: string, contentType: string): KeyFetchError | undefined {
  const noKey = portalNoKey(url, body);
  if (noKey) return noKey;
  const html = /html/i.test(contentType) || /^\s*<(!doctype|html|head|body)/i.test(body);
  if (!html) return undefined;
  if (SIGN_IN_PAGE.test(body) || SIGN_IN_URL.test(url.href)) {
    return new KeyFetchError(
      'sign-in',
      `${url.href} answered a sign-in page: Omnichannel fetches the key without signing in, so it gets this page.`,
    );
  }
  return new KeyFetchError(
    'not-a-key',
    `${url.href} answered an HTML page (${contentType || 'no content type'}), not a PEM public key or key list.`,
  );
}

export interface KeyFetchOptions {
  fetch: typeof fetch;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Default 1 MB: a key document is a few KB. */
  maxBytes?: number;
}

export interface FetchedKeyDocument {
  url: string;
  status: number;
  contentType: string;
  text: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Omnichannel fetches the key URL itself, so it must be https (plain http only on this machine, for tests). */
export function checkKeyUrl(source: string): URL {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new KeyFetchError('bad-url', `${JSON.stringify(source.slice(0, 200))} is not a URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new KeyFetchError('not-https', `${url.href} is not https: Omnichannel only fetches public https URLs.`);
  }
  return url;
}

/** Redirects followed (each hop checked like the URL itself); Omnichannel's own fetcher may follow none. */
export const MAX_KEY_REDIRECTS = 5;

export async function fetchKeyDocument(
  source: string,
  { fetch: fetchFn, timeoutMs = KEY_FETCH_TIMEOUT_MS, maxBytes = MAX_KEY_DOCUMENT_BYTES }: KeyFetchOptions,
): Promise<FetchedKeyDocument> {
  let url = checkKeyUrl(source);
  const signal = AbortSignal.timeout(timeoutMs);
  for (let hops = 0; ; hops++) {
    const response = await request(fetchFn, url, signal, timeoutMs);
    // A browser hides where a redirect leads (an "opaque redirect"): it is not followed blindly.
    if (response.type === 'opaqueredirect') {
      throw new KeyFetchError(
        'redirect',
        `${url.href} redirects elsewhere, and the browser does not show where, so it was not followed. ` +
          'A key URL that redirects often leads to a sign-in page; Omnichannel needs the key at the URL ' +
          'itself. `lcw-auth check --key URL` shows every hop.',
      );
    }
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) return readDocument(response, url, signal, maxBytes, timeoutMs);
    await response.body?.cancel();
    if (hops === MAX_KEY_REDIRECTS)
      throw new KeyFetchError('redirect', `${source} redirects more than ${MAX_KEY_REDIRECTS} times.`);
    const next = new URL(location, url).href;
    if (SIGN_IN_URL.test(next)) {
      throw new KeyFetchError(
        'sign-in',
        `${url.href} redirects to a sign-in page (${next}): Omnichannel fetches the key without signing in.`,
      );
    }
    try {
      url = checkKeyUrl(next);
    } catch (error) {
      throw new KeyFetchError(
        'redirect',
        `${url.href} redirects to ${next}, which was not followed: ${(error as KeyFetchError).message}`,
      );
    }
  }
}

async function request(fetchFn: typeof fetch, url: URL, signal: AbortSignal, timeoutMs: number): Promise<Response> {
  try {
    return await fetchFn(url.href, { signal, redirect: 'manual', credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw failure(error, url, timeoutMs);
  }
}

function failure(error: unknown, url: URL, timeoutMs: number): KeyFetchError {
  if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') {
    return new KeyFetchError('timeout', `${url.href} did not answer within ${timeoutMs / 1000} s.`);
  }
  // fetch() says only "fetch failed" / "NetworkError"; Node gives the reason as its cause.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message;
  return new KeyFetchError(
    'unreachable',
    `${url.href} could not be reached (${reason ?? 'refused, unknown host, TLS error, or blocked for this page'}).`,
  );
}

/** The answer's body, read as a stream and dropped once past `maxBytes`: an endless body costs nothing. */
async function readDocument(
  response: Response,
  url: URL,
  signal: AbortSignal,
  maxBytes: number,
  timeoutMs: number,
): Promise<FetchedKeyDocument> {
  if (!response.ok) {
    // Power Pages answers "Key Not Found" when it has no key; the first few KB say so.
    const noKey = portalNoKey(url, await firstText(response, 4096));
    if (noKey) throw noKey;
    const hint =
      response.status === 401 || response.status === 403
        ? ': it needs a sign-in, but Omnichannel fetches it anonymously'
        : response.status === 404
          ? ': nothing is published there'
          : '';
    throw new KeyFetchError(
      'status',
      `${url.href} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${hint}.`,
      response.status,
    );
  }
  const tooLarge = (size: string) =>
    new KeyFetchError(
      'too-large',
      `${url.href} answered ${size}; a key document is a few KB (at most ${maxBytes} read).`,
    );
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`${declared} bytes`);
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge(`more than ${maxBytes} bytes`);
      }
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof KeyFetchError) throw error;
    if (signal.aborted) throw failure(signal.reason, url, timeoutMs);
    throw new KeyFetchError(
      'broken-off',
      `${url.href}: the answer broke off (${(error as Error)?.message ?? String(error)}).`,
    );
  }
  const body = joinBytes(parts);
  const contentType = response.headers.get('content-type') ?? '';
  const text = new TextDecoder().decode(body);
  // A key document is text; a page in its place is said for what it is.
  const problem = /-----BEGIN /.test(text) ? undefined : notAKey(url, text, contentType);
  if (problem) throw problem;
  return { url: url.href, status: response.status, contentType, text };
}

/** The first `max` bytes of a body as text (the rest is dropped unread); '' when it cannot be read. */
async function firstText(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    /* a broken body: what came is enough */
  }
  return new TextDecoder().decode(joinBytes(parts).subarray(0, max));
}
