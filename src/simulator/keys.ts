/** The simulated site's public key URL, in every shape a support engineer meets. */
import type { ServerResponse } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, exportSPKI, exportJWK } from 'jose';

export type KeyDocuments = Record<string, [contentType: string, body: string]>;

/**
 * The site's public key URL in every shape a support engineer meets: the two Omnichannel accepts
 * (PEM, key list), a JWKS, a key list whose entry expired, a weak key, another key, and URLs that
 * answer 401, an HTML page, or nothing at all.
 */
export async function keyDocuments(publicKey: CryptoKey, now: number): Promise<KeyDocuments> {
  const pem = await exportSPKI(publicKey);
  const other = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const entry = (kid: string, key: string, expiry: number) => ({
    kid,
    publicKey: Buffer.from(key).toString('base64'),
    expiry,
  });
  return {
    'public.pem': ['application/x-pem-file', pem],
    'list.json': [
      'application/json',
      JSON.stringify([entry('site-key-1', pem, now + 86400 * 365), entry('site-key-2', other, now + 86400 * 365)]),
    ],
    'expired-list.json': ['application/json', JSON.stringify([entry('site-key-1', pem, now - 86400)])],
    'jwks.json': [
      'application/json',
      JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'site-key-1', use: 'sig', alg: 'RS256' }] }),
    ],
    'other.pem': ['application/x-pem-file', other],
    'weak.pem': ['application/x-pem-file', weak],
    'signin.html': [
      'text/html',
      '<!doctype html><html><head><title>Sign in to Contoso</title></head><body>Sign in</body></html>',
    ],
  };
}

export function keyDocument(res: ServerResponse, name: string, keys: KeyDocuments) {
  // Readable cross-origin, so the panel can fetch it where the browser's permission prompt cannot be answered
  // (headless).
  res.setHeader('access-control-allow-origin', '*');
  if (name === '401') {
    res.statusCode = 401;
    return res.end('Unauthorized');
  }
  if (name === 'silent') return; // never answers
  // Power Pages' key endpoint on a site without its certificate.
  if (name === 'portal/_services/auth/publickey') {
    res.setHeader('content-type', 'text/plain');
    return res.end('Key Not Found');
  }
  if (name === 'endless') {
    // An answer that never ends: a reader must stop on its own.
    const chunk = Buffer.alloc(64 * 1024, 'k');
    const more = () => {
      while (res.write(chunk));
    };
    res.on('drain', more);
    return more();
  }
  if (name === 'redirect') {
    res.statusCode = 302;
    res.setHeader('location', 'http://0.0.0.0:9/key.pem');
    return res.end();
  }
  const doc = keys[name];
  if (!doc) {
    res.statusCode = 404;
    return res.end('not found');
  }
  res.setHeader('content-type', doc[0]);
  res.end(doc[1]);
}
