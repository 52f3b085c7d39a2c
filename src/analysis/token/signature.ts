/** The signature rules: choose the key the service would choose, then verify with jose. */
import { compactVerify, errors } from 'jose';
import { duration, isoDate, errorText } from '../words/text.js';
import type { SignatureResult } from './types.js';
import { type Finding, finding } from '../findings/finding.js';
import type { KeySet, PublicKeyEntry } from '../keys/key-document.js';

const MIN_MODULUS = 2048;

export async function checkSignature(
  token: string,
  header: Record<string, unknown>,
  keySet: KeySet,
  now: number,
  findings: Finding[],
): Promise<SignatureResult> {
  if (header.alg !== 'RS256') {
    return notChecked(`the token is not RS256 (alg ${JSON.stringify(header.alg) ?? 'missing'})`, findings);
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const chosen = chooseKey(keySet, kid, findings);
  if ('status' in chosen) return chosen;
  const entry = chosen.entry;
  const used = entry.kid ?? kid;
  const withKey = entry.kid ? ` with key "${entry.kid}"` : '';
  if (entry.modulusLength < MIN_MODULUS) {
    const detail = `The RSA key${withKey} has ${entry.modulusLength} bits; at least ${MIN_MODULUS} are needed.`;
    findings.push(finding('signature.weak-key', detail));
    return { status: 'weak-key', ...(used ? { kid: used } : {}), detail };
  }
  const matches = await signatureMatches(token, entry.key);
  if (typeof matches === 'string') return notChecked(matches, findings);
  if (entry.expiry !== undefined && entry.expiry < now) {
    const detail =
      `The key list entry${withKey} expired ${duration(now - entry.expiry)} ago ` +
      `(${isoDate(entry.expiry)}); the signature ${matches ? 'matches it' : 'does not match it either'}.`;
    findings.push(finding('signature.key-expired', detail));
    return { status: 'key-expired', ...(used ? { kid: used } : {}), detail };
  }
  if (!matches) {
    const detail = `The signature does not match the ${entry.modulusLength}-bit RSA key${withKey}.`;
    findings.push(finding('signature.invalid', detail));
    return { status: 'invalid', ...(used ? { kid: used } : {}), detail };
  }
  const detail = `The signature is valid for the ${entry.modulusLength}-bit RSA key${withKey}.`;
  findings.push(finding('signature.verified', detail));
  return { status: 'verified', ...(used ? { kid: used } : {}), detail };
}

/** The key the service would use: the only one, or the one named by `kid`. */
function chooseKey(
  keySet: KeySet,
  kid: string | undefined,
  findings: Finding[],
): { entry: PublicKeyEntry } | SignatureResult {
  const { keys } = keySet;
  if (keys.length === 1) return { entry: keys[0]! };
  if (kid === undefined) {
    const detail = `The key document has ${keys.length} keys and the token has no "kid" to choose one.`;
    findings.push(finding('signature.kid-required', detail));
    return { status: 'kid-required', detail };
  }
  const entry = keys.find(k => k.kid === kid);
  if (entry) return { entry };
  const known = keys
    .map(k => JSON.stringify(k.kid ?? '(none)'))
    .slice(0, 8)
    .join(', ');
  const detail = `No key has kid "${kid}"; the document has ${known}.`;
  findings.push(finding('signature.no-matching-key', detail));
  return { status: 'no-matching-key', kid, detail };
}

/** True or false for a verdict on the signature; a string when jose could not judge it. */
async function signatureMatches(token: string, key: CryptoKey): Promise<boolean | string> {
  try {
    await compactVerify(token, key, { algorithms: ['RS256'] });
    return true;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return false;
    return `verification could not run: ${errorText(error)}`;
  }
}

function notChecked(reason: string, findings: Finding[]): SignatureResult {
  const detail = `The signature was not checked: ${reason}.`;
  findings.push(finding('signature.not-checked', detail));
  return { status: 'not-checked', detail };
}
