/** The header rules: the algorithm Omnichannel verifies with (RS256), `typ`, `kid`, `crit`. */
import { quote } from '../words/text.js';
import { type Finding, finding } from '../findings/finding.js';

/** Adds a finding for each header field Omnichannel would refuse or that is missing. */
export function checkHeader(header: Record<string, unknown>, findings: Finding[]): void {
  const alg = header.alg;
  if (alg === undefined) {
    findings.push(finding('header.alg-missing', 'The header has no "alg".'));
  } else if (typeof alg !== 'string') {
    findings.push(finding('header.alg-unsupported', `The header "alg" is ${quote(alg)}, not a string.`));
  } else if (alg !== 'RS256') {
    findings.push(algorithmFinding(alg));
  }

  if (header.typ === undefined) {
    findings.push(finding('header.typ-missing', 'The header has no "typ".'));
  } else if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') {
    findings.push(finding('header.typ', `The header "typ" is ${quote(header.typ)}, not "JWT".`));
  }

  if (header.kid === undefined) {
    findings.push(finding('header.kid-missing', 'The header has no "kid".'));
  }
  if (header.crit !== undefined) {
    findings.push(finding('header.crit', `The header has "crit": ${quote(JSON.stringify(header.crit) ?? '')}.`));
  }
}

function algorithmFinding(alg: string): Finding {
  if (alg.toLowerCase() === 'none') {
    return finding('header.alg-none', `The header says "alg": ${quote(alg)}: the token is unsigned.`);
  }
  if (/^HS\d+$/.test(alg)) {
    return finding('header.alg-hmac', `The token is signed with ${alg}, a shared-secret (HMAC) algorithm.`);
  }
  if (/^ES\d+K?$/.test(alg) || alg === 'EdDSA' || alg === 'Ed25519') {
    return finding('header.alg-ecdsa', `The token is signed with ${alg}, an elliptic-curve algorithm.`);
  }
  if (/^PS\d+$/.test(alg)) {
    return finding('header.alg-pss', `The token is signed with ${alg} (RSA-PSS).`);
  }
  return finding(
    'header.alg-unsupported',
    `The token is signed with ${quote(alg)}; Omnichannel accepts RS256 only.`,
    /^RS\d+$/.test(alg) ? `Switch from ${alg} to RS256; the RSA key can stay.` : undefined,
  );
}
