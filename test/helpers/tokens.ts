/** Mints tokens for the tests with jose: real RS256 signatures, plus hand-broken variants. */
import { SignJWT, generateKeyPair, exportSPKI, exportJWK, base64url, type JWTPayload } from 'jose';

export const NOW = 1_764_000_000; // a fixed "now" (2025-11-24) so time rules are deterministic
export const CONTACT_ID = '87b4d06c-abc2-e811-a9b0-000d3a10e09e';

export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  pem: string;
  jwk: Record<string, unknown>;
}

export async function makeKey(modulusLength = 2048): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength, extractable: true });
  return { privateKey, publicKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

export function validClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: CONTACT_ID,
    iss: 'contosohelp.com',
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    lwicontexts: JSON.stringify({ msdyn_cartvalue: '10000', msdyn_isvip: 'false' }),
    ...overrides,
  };
}

export async function signToken(
  key: TestKey,
  claims: JWTPayload = validClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(key.privateKey);
}

const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

/** A token with any header and payload (for shapes no library will sign); the signature is junk. */
export function forgeToken(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string {
  return `${encodeJson(header)}.${encodeJson(payload)}.${signature}`;
}

/** A token whose payload segment is the given raw text. */
export function tokenWithRawPayload(payloadText: string, header: unknown = { alg: 'RS256', typ: 'JWT' }): string {
  return `${encodeJson(header)}.${base64url.encode(payloadText)}.c2lnbmF0dXJl`;
}
