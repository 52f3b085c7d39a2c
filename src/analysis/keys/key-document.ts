/**
 * Reads a public key document in any form a support engineer may be handed: a PEM block, the
 * Omnichannel key list, a JWK or a JWKS. A document that is none of these raises
 * KeyDocumentError saying what it looks like instead.
 */
import { importJWK, importSPKI, importX509, type JWK } from 'jose';
import { MILLISECONDS_THRESHOLD, errorText } from '../words/text.js';
import { type Finding, finding } from '../findings/finding.js';

/** One public key, imported and ready to verify with. */
export interface PublicKeyEntry {
  kid?: string;
  key: CryptoKey;
  modulusLength: number;
  /** Expiry of an Omnichannel key-list entry, in Unix seconds. */
  expiry?: number;
}

/** The key forms the analysis accepts, after parsing. */
export type KeyFormat = 'pem' | 'x509' | 'omnichannel-key-list' | 'jwk' | 'jwks';

export interface KeySet {
  format: KeyFormat;
  keys: PublicKeyEntry[];
  /** Remarks about the key document itself (a certificate, a private JWK, ...). */
  notes: Finding[];
}

export class KeyDocumentError extends Error {
  override name = 'KeyDocumentError';
}

/** Parses and imports a key document given as text (a file, a URL's body) or as parsed JSON. */
export async function loadPublicKeys(document: unknown): Promise<KeySet> {
  if (typeof document === 'string') return loadFromText(document);
  if (document !== null && typeof document === 'object') return loadFromJson(document);
  throw new KeyDocumentError(`The key is ${typeof document}, not a key document.`);
}

async function loadFromText(text: string): Promise<KeySet> {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new KeyDocumentError('The key document is empty.');
  if (body.includes('-----BEGIN ')) {
    const { entry, notes, format } = await importPem(body);
    return { format, keys: [entry], notes };
  }
  if (body.startsWith('{') || body.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      throw new KeyDocumentError(`The key document looks like JSON but does not parse: ${errorText(error)}.`);
    }
    return loadFromJson(json as object);
  }
  throw new KeyDocumentError(describeNonKey(body));
}

/**
 * What a document that is not a key looks like, in one sentence: its kind and length, never its
 * text (a page can offer any address, and the answer may be something of the user's own network).
 */
function describeNonKey(body: string): string {
  const size = `${body.length} characters`;
  if (/^<(!doctype\s+html|html)[\s>]/i.test(body))
    return `This is an HTML page (${size}), not a key: the URL probably serves a sign-in, error or 404 page.`;
  if (body.startsWith('<')) return `This is XML or HTML markup (${size}), not a key.`;
  if (/^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(body)) return 'This is a JWT, not a public key.';
  if (/^[A-Za-z0-9+/=\s]+$/.test(body) && body.length > 100) {
    return (
      'This is bare base64 without a PEM header; if it is a DER public key, wrap it in "-----BEGIN PUBLIC ' +
      'KEY-----" / "-----END PUBLIC KEY-----" lines.'
    );
  }
  // Omnichannel's own answer for a key it does not have: a fixed phrase, not the body's text.
  if (/^key not found\.?$/i.test(body)) return 'The URL answered "Key Not Found": it has no key to serve.';
  return `This is plain text (${size}), not a key.`;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

async function importPem(text: string): Promise<{ entry: PublicKeyEntry; notes: Finding[]; format: 'pem' | 'x509' }> {
  const label = PEM_LABEL.exec(text)?.[1] ?? '';
  const block = extractBlock(text, label);
  if (label.includes('PRIVATE KEY')) {
    throw new KeyDocumentError(
      `This is a private key ("${label}"), not a public key. Never publish it; give the public key ` +
        `instead (openssl pkey -in key.pem -pubout).`,
    );
  }
  if (label === 'RSA PUBLIC KEY') {
    throw new KeyDocumentError(
      'This is a PKCS#1 "RSA PUBLIC KEY" block; Omnichannel expects an SPKI "PUBLIC KEY" block. Convert it: ' +
        'openssl rsa -RSAPublicKey_in -in key.pem -pubout.',
    );
  }
  if (label === 'CERTIFICATE') {
    const key = await importRsa(block, 'x509');
    return {
      entry: entryFor(key),
      notes: [finding('key.certificate', 'The key was given as an X.509 certificate ("BEGIN CERTIFICATE").')],
      format: 'x509',
    };
  }
  if (label !== 'PUBLIC KEY') throw new KeyDocumentError(`This is a PEM "${label}" block, not a "PUBLIC KEY" block.`);
  const key = await importRsa(block, 'spki');
  return { entry: entryFor(key), notes: [], format: 'pem' };
}

function extractBlock(text: string, label: string): string {
  const start = text.indexOf(`-----BEGIN ${label}-----`);
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, start);
  if (start < 0 || end < 0)
    throw new KeyDocumentError(`The PEM block "${label}" has no matching "${endMarker}" line (truncated?).`);
  return text.slice(start, end + endMarker.length);
}

/** Imports as an RSA key; when that fails, says whether it is another kind of key or damaged. */
async function importRsa(block: string, kind: 'spki' | 'x509'): Promise<CryptoKey> {
  const load = kind === 'spki' ? importSPKI : importX509;
  const what = kind === 'spki' ? 'public key' : 'certificate';
  try {
    return await load(block, 'RS256');
  } catch (error) {
    for (const alg of ['ES256', 'ES384', 'ES512', 'Ed25519']) {
      const other = await load(block, alg).then(
        () => true,
        () => false,
      );
      if (other)
        throw new KeyDocumentError(
          `The ${what} holds an elliptic-curve (${alg}) key, not an RSA key; Omnichannel needs RSA for RS256.`,
        );
    }
    throw new KeyDocumentError(`The ${what} cannot be read (${errorText(error)}): it is damaged or truncated.`);
  }
}

function entryFor(key: CryptoKey, kid?: string, expiry?: number): PublicKeyEntry {
  const modulusLength = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength ?? 0;
  return { key, modulusLength, ...(kid === undefined ? {} : { kid }), ...(expiry === undefined ? {} : { expiry }) };
}

async function loadFromJson(json: object): Promise<KeySet> {
  if (Array.isArray(json)) {
    if (json.length === 0) throw new KeyDocumentError('The key document is an empty list.');
    if (json.every(item => item !== null && typeof item === 'object' && 'kty' in item))
      return loadJwks(json as JWK[], 'jwk');
    return loadKeyList(json);
  }
  const record = json as Record<string, unknown>;
  if (Array.isArray(record.keys)) return loadJwks(record.keys as JWK[], 'jwks');
  if (typeof record.kty === 'string') return loadJwks([record], 'jwk');
  if ('publicKey' in record) return loadKeyList([record]);
  const keys = Object.keys(record)
    .slice(0, 5)
    .map(k => JSON.stringify(k))
    .join(', ');
  throw new KeyDocumentError(
    `This is a JSON object with ${keys ? `the keys ${keys}` : 'no keys'}: not a PEM key, an ` +
      `Omnichannel key list, a JWK or a JWKS.`,
  );
}

/** The Omnichannel key list: `[{ kid, publicKey: base64 of a PEM block, expiry }]`. */
async function loadKeyList(items: unknown[]): Promise<KeySet> {
  const keys: PublicKeyEntry[] = [];
  const notes: Finding[] = [];
  for (const [index, item] of items.entries()) {
    const where = `Key list entry ${index + 1}`;
    if (item === null || typeof item !== 'object') throw new KeyDocumentError(`${where} is not an object.`);
    const { kid, publicKey, expiry } = item as Record<string, unknown>;
    if (typeof publicKey !== 'string') throw new KeyDocumentError(`${where} has no "publicKey" string.`);
    if (kid !== undefined && typeof kid !== 'string')
      throw new KeyDocumentError(`${where} has a "kid" that is not a string.`);
    const pem = publicKey.includes('-----BEGIN ') ? publicKey : decodeBase64Text(publicKey, where);
    let imported;
    try {
      imported = await importPem(pem);
    } catch (error) {
      throw new KeyDocumentError(`${where}${kid ? ` (kid "${kid}")` : ''}: ${errorText(error)}`);
    }
    notes.push(...imported.notes);
    keys.push(entryFor(imported.entry.key, kid, typeof expiry === 'number' ? toSeconds(expiry) : undefined));
  }
  return { format: 'omnichannel-key-list', keys, notes };
}

function decodeBase64Text(text: string, where: string): string {
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(text.replace(/\s+/g, '')), c => c.charCodeAt(0)),
    );
    if (decoded.includes('-----BEGIN ')) return decoded;
  } catch {
    /* reported below */
  }
  throw new KeyDocumentError(`${where}: "publicKey" is not base64 of a PEM block.`);
}

function toSeconds(expiry: number): number {
  return expiry > MILLISECONDS_THRESHOLD ? expiry / 1000 : expiry;
}

async function loadJwks(jwks: JWK[], format: 'jwk' | 'jwks'): Promise<KeySet> {
  const notes: Finding[] = [
    finding('key.jwks', format === 'jwks' ? 'The key was given as a JWKS document.' : 'The key was given as a JWK.'),
  ];
  const keys: PublicKeyEntry[] = [];
  const skipped: string[] = [];
  for (const jwk of jwks) {
    if (jwk === null || typeof jwk !== 'object') continue;
    if (jwk.kty !== 'RSA' || jwk.use === 'enc') {
      skipped.push(String(jwk.kty));
      continue;
    }
    if ('d' in jwk || 'p' in jwk) {
      notes.push(
        finding(
          'key.private',
          `The ${format.toUpperCase()} holds a private RSA key${jwk.kid ? ` (kid "${jwk.kid}")` : ''}.`,
        ),
      );
    }
    const publicJwk: JWK = { kty: 'RSA', n: jwk.n!, e: jwk.e! };
    let key;
    try {
      key = await importJWK(publicJwk, 'RS256');
    } catch (error) {
      throw new KeyDocumentError(
        `The RSA JWK${jwk.kid ? ` "${jwk.kid}"` : ''} cannot be imported: ${errorText(error)}.`,
      );
    }
    keys.push(entryFor(key as CryptoKey, typeof jwk.kid === 'string' ? jwk.kid : undefined));
  }
  if (keys.length === 0) {
    throw new KeyDocumentError(
      `The ${format.toUpperCase()} has no RSA signing ` +
        `key${skipped.length ? ` (only ${skipped.join(', ')} keys)` : ''}; Omnichannel needs RSA.`,
    );
  }
  return { format, keys, notes };
}
