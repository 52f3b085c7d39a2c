/** Reading what the user points the CLI at: the token, the context variables, the public key. */
import { readFile } from 'node:fs/promises';
import { loadPublicKeys, parseContextVariables, type ContextVariable, type KeySet } from '../analysis/index.js';

/** A problem with the user's input: printed as one line, exit status 2. */
export class InputError extends Error {
  override name = 'InputError';
}

const KEY_FETCH_TIMEOUT_MS = Number(process.env.LCW_AUTH_KEY_TIMEOUT_MS) || 10_000;
const MAX_KEY_DOCUMENT_BYTES = 1024 * 1024;

/** The token argument as given, or standard input with exactly one trailing newline dropped. */
export async function readToken(argument: string | undefined): Promise<string> {
  if (argument !== undefined && argument !== '-') return argument;
  if (process.stdin.isTTY) throw new InputError('no token given: pass it as an argument or pipe it in (lcw-auth check - < token.txt)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function readContextVariables(path: string): Promise<ContextVariable[]> {
  const text = await readText(path, 'contexts file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`contexts file ${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseContextVariables(json);
  } catch (error) {
    throw new InputError(`contexts file ${path}: ${(error as Error).message}`);
  }
}

/** Loads a key from a file, or from an https:// URL (plain http only for this machine, for testing). */
export async function readKey(source: string): Promise<KeySet> {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
  const text = isUrl ? await fetchKeyDocument(source) : await readText(source, 'key file');
  try {
    return await loadPublicKeys(text);
  } catch (error) {
    throw new InputError(`key ${source}: ${(error as Error).message}`);
  }
}

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new InputError(`cannot read ${what} ${path}: ${reason}`);
  }
}

async function fetchKeyDocument(source: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new InputError(`key URL ${source} is not a valid URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(`key URL ${source}: only https:// URLs are fetched (Omnichannel needs a public https URL)`);
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(KEY_FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new InputError(`key URL ${source} did not answer within ${KEY_FETCH_TIMEOUT_MS / 1000} s`);
    // fetch() says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(`key URL ${source} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  if (!response.ok) {
    throw new InputError(`key URL ${source} answered ${response.status} ${response.statusText}`.trimEnd());
  }
  const body = await response.arrayBuffer().catch((error: Error) => {
    throw new InputError(`key URL ${source}: the answer broke off (${error.message})`);
  });
  if (body.byteLength > MAX_KEY_DOCUMENT_BYTES) throw new InputError(`key URL ${source} answered ${body.byteLength} bytes; a key document is far smaller`);
  return new TextDecoder().decode(body);
}
