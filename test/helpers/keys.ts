/** Key material the tests need beyond jose's own generator (which refuses small RSA keys). */
import { generateKeyPairSync, sign } from 'node:crypto';
import { base64url, generateKeyPair, exportSPKI } from 'jose';

/** A token signed RS256 with a 1024-bit RSA key, and that key's PEM. */
export function weakKeyToken(claims: Record<string, unknown>): { token: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const input = `${base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}`;
  const signature = base64url.encode(sign('sha256', Buffer.from(input), privateKey));
  return { token: `${input}.${signature}`, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function ecPublicPem(): Promise<string> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return exportSPKI(publicKey);
}

/** The Omnichannel key list form: `[{ kid, publicKey: base64 of the PEM, expiry }]`. */
export function keyList(entries: { kid: string; pem: string; expiry: number }[]): string {
  return JSON.stringify(
    entries.map(e => ({ kid: e.kid, publicKey: Buffer.from(e.pem).toString('base64'), expiry: e.expiry })),
  );
}
