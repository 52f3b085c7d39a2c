/** Reading what the user points the CLI at: the token, the context variables, the public key. */
import { readFile, stat } from 'node:fs/promises';
import {
  loadPublicKeys,
  parseContextVariables,
  type ContextVariable,
  type KeySet,
  fetchKeyDocument,
  KeyFetchError,
  keyUrlNotes,
} from '../analysis/index.js';
import {
  KEY_FETCH_TIMEOUT_MS,
  MAX_INPUT_FILE_BYTES,
  MAX_KEY_DOCUMENT_BYTES,
  MAX_TOKEN_INPUT_BYTES,
} from '../protocol/limits.js';

/** A problem with the user's input: printed as one line, exit status 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The tests shorten the wait for a silent key URL. */
const keyFetchTimeoutMs = Number(process.env.LCW_AUTH_KEY_TIMEOUT_MS) || KEY_FETCH_TIMEOUT_MS;

/** The token argument as given, or standard input with exactly one trailing newline dropped. */
export async function readToken(argument: string | undefined): Promise<string> {
  if (argument !== undefined && argument !== '-') return boundedToken(argument, 'the token argument');
  if (process.stdin.isTTY)
    throw new InputError('no token given: pass it as an argument or pipe it in (lcw-auth check - < token.txt)');
  const chunks: Buffer[] = [];
  let size = 0;
  // Read no further than a token can be: 200 MB of anything is refused after its first MiB.
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_TOKEN_INPUT_BYTES) tooLong('standard input', `more than ${MAX_TOKEN_INPUT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const token = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  // Nothing piped in is no token given, not a provider that handed over an empty string.
  if (size === 0) throw new InputError('no token given: standard input was empty');
  return token;
}

function boundedToken(token: string, what: string): string {
  if (token.length > MAX_TOKEN_INPUT_BYTES) tooLong(what, `${token.length} characters`);
  return token;
}

function tooLong(what: string, size: string): never {
  throw new InputError(
    `${what} is ${size}: a token is a few KB, and lcw-auth reads at most ${MAX_TOKEN_INPUT_BYTES} bytes of one ` +
      '(the extension keeps the first 1 MiB of a token too)',
  );
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
  const text = isUrl ? await fetchKey(source) : await readText(source, 'key file', MAX_KEY_DOCUMENT_BYTES);
  try {
    const keys = await loadPublicKeys(text);
    return isUrl ? { ...keys, notes: [...keys.notes, ...keyUrlNotes(source, true)] } : keys;
  } catch (error) {
    throw new InputError(`key ${source}: ${(error as Error).message}`);
  }
}

/** Reads a text file of at most `maxBytes` (checked before reading, so a huge file costs nothing). */
export async function readText(path: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): Promise<string> {
  try {
    const { size } = await stat(path);
    if (size > maxBytes) {
      throw new InputError(`${what} ${path} is ${size} bytes; lcw-auth reads at most ${maxBytes} bytes of a ${what}`);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    throw cannotRead(what, path, error);
  }
}

/** A file that could not be read, in one line ("cannot read HAR file x.har: no such file"); input errors pass. */
export function cannotRead(what: string, path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new InputError(`cannot read ${what} ${path}: ${reason}`);
}

async function fetchKey(source: string): Promise<string> {
  try {
    return (await fetchKeyDocument(source, { fetch, timeoutMs: keyFetchTimeoutMs })).text;
  } catch (error) {
    throw new InputError(`key URL ${error instanceof KeyFetchError ? error.advice.replace(/\.$/, '') : String(error)}`);
  }
}
