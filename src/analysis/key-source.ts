/**
 * Fetching the site's public key document from its URL, saying precisely what went wrong.
 * The fetch function is passed in (Node's, the panel's): the engine itself makes no requests.
 */
import { KEY_FETCH_TIMEOUT_MS, MAX_KEY_DOCUMENT_BYTES } from '../protocol/limits.js';

export type KeyFetchFailure =
  'bad-url' | 'not-https' | 'timeout' | 'unreachable' | 'status' | 'too-large' | 'broken-off';

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

export async function fetchKeyDocument(
  source: string,
  { fetch: fetchFn, timeoutMs = KEY_FETCH_TIMEOUT_MS, maxBytes = MAX_KEY_DOCUMENT_BYTES }: KeyFetchOptions,
): Promise<FetchedKeyDocument> {
  const url = checkKeyUrl(source);
  let response: Response;
  try {
    response = await fetchFn(url.href, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') {
      throw new KeyFetchError('timeout', `${url.href} did not answer within ${timeoutMs / 1000} s.`);
    }
    // fetch() says only "fetch failed" / "NetworkError"; Node gives the reason as its cause.
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const reason = cause?.code ?? cause?.message;
    throw new KeyFetchError(
      'unreachable',
      `${url.href} could not be reached (${reason ?? 'refused, unknown host, TLS error, or blocked for this page'}).`,
    );
  }
  if (!response.ok) {
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
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (error) {
    throw new KeyFetchError(
      'broken-off',
      `${url.href}: the answer broke off (${(error as Error)?.message ?? String(error)}).`,
    );
  }
  if (body.byteLength > maxBytes)
    throw new KeyFetchError(
      'too-large',
      `${url.href} answered ${body.byteLength} bytes; a key document is far smaller.`,
    );
  return {
    url: response.url || url.href,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: new TextDecoder().decode(body),
  };
}
