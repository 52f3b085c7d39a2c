/**
 * Fetching the site's public key document from its URL, saying precisely what went wrong.
 * The fetch function is passed in (Node's, the panel's): the engine itself makes no requests.
 */
import { KEY_FETCH_TIMEOUT_MS, MAX_KEY_DOCUMENT_BYTES } from '../protocol/limits.js';

export type KeyFetchFailure =
  'bad-url' | 'not-https' | 'timeout' | 'unreachable' | 'status' | 'redirect' | 'too-large' | 'broken-off';

export class KeyFetchError extends Error {
  override name = 'KeyFetchError';
  constructor(
    readonly kind: KeyFetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
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
    await response.body?.cancel();
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
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return {
    url: url.href,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: new TextDecoder().decode(body),
  };
}
