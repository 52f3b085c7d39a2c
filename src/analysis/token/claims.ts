/** The claim rules: required claims and their types, and the time claims judged against now and the skew. */
import { quote, duration, isoDate, MILLISECONDS_THRESHOLD } from '../words/text.js';
import type { TokenTimes, WidgetKindName } from './types.js';
import { type Finding, finding } from '../findings/finding.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_LIFETIME_SECONDS = 24 * 3600;
const EXPIRES_SOON_SECONDS = 30 * 60;
/** Power Pages tokens live 15 minutes by default and at most 60. */
const PORTAL_MAX_LIFETIME_SECONDS = 60 * 60;

/** The required-claim and type rules. */
export function checkClaims(claims: Record<string, unknown>, findings: Finding[]): void {
  const missing = ['iss', 'iat', 'exp', 'sub'].filter(name => !Object.hasOwn(claims, name));
  if (missing.length > 0) {
    const names = missing.map(n => `"${n}"`).join(', ');
    findings.push(
      finding(
        'claims.missing',
        `The token has no ${names} claim${missing.length === 1 ? '' : 's'}.`,
        `Add ${names} when issuing the token${missing.includes('sub') ? ' ("sub": the contact id)' : ''}.`,
      ),
    );
  }
  for (const name of ['iss', 'sub'] as const) {
    const value = claims[name];
    if (value !== undefined && typeof value !== 'string') {
      const example = typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'text';
      findings.push(
        finding(
          'claims.type',
          `"${name}" is ${quote(value)}; it must be a string.`,
          `Issue "${name}" as a JSON string, e.g. "${name}": ${JSON.stringify(example)}.`,
        ),
      );
    }
  }
  if (claims.iss === '')
    findings.push(
      finding(
        'claims.type',
        '"iss" is an empty string.',
        'Set "iss" to your site or token service, e.g. "contosohelp.com".',
      ),
    );
  const sub = claims.sub;
  if (typeof sub === 'string') {
    if (sub.trim() === '') {
      findings.push(finding('claims.sub-empty', `"sub" is ${quote(sub)}.`));
    } else if (!GUID.test(sub)) {
      findings.push(
        finding(
          'claims.sub-not-guid',
          `"sub" is ${quote(sub)}, not a GUID${/^\{.*\}$/.test(sub) ? ' (drop the braces)' : ''}.`,
        ),
      );
    }
  }
  if (Object.hasOwn(claims, 'aud'))
    findings.push(finding('claims.aud-present', `The token has "aud": ${quote(claims.aud)}.`));
}

/** Reads the NumericDate claims, adding type and unit findings; returns the usable ones. */
export function readTimes(
  claims: Record<string, unknown>,
  now: number,
  findings: Finding[],
  widgetKind?: WidgetKindName | null,
): TokenTimes {
  const times: TokenTimes = { now };
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      const asNumber = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
      findings.push(
        finding(
          'claims.type',
          `"${name}" is ${quote(value)}; it must be a NumericDate: a JSON number of seconds since 1970.`,
          asNumber !== undefined ? `Issue it as a number: "${name}": ${asNumber}.` : undefined,
        ),
      );
      continue;
    }
    if (value > MILLISECONDS_THRESHOLD) {
      // The v2 widget converts a 13-digit exp itself; what the service makes of it is not known.
      const v2 = widgetKind === 'v2';
      findings.push(
        finding(
          v2 ? 'time.milliseconds-v2' : 'time.milliseconds',
          `"${name}" is ${value}, which is milliseconds (${isoDate(value / 1000)} if read as such)` +
            (v2
              ? ': the v2 widget reads it as milliseconds; whether the service accepts it is not known (the ' +
                '/auth/ calls show it).'
              : '.'),
          `Issue it in seconds: "${name}": ${Math.floor(value / 1000)}.`,
        ),
      );
      continue;
    }
    times[name] = value;
  }
  return times;
}

/** The time rules, judged at `times.now` with `skew` seconds of tolerance. */
export function checkTimes(times: TokenTimes, skew: number, findings: Finding[], portal = false): void {
  const { iat, nbf, exp, now } = times;
  if (exp !== undefined) {
    if (exp < now - skew) {
      findings.push(finding('time.expired', `The token expired ${duration(now - exp)} ago (exp ${isoDate(exp)}).`));
    } else if (exp < now) {
      findings.push(
        finding(
          'time.expired-within-skew',
          `The token expired ${duration(now - exp)} ago (exp ${isoDate(exp)}), within the ` +
            `${duration(skew)} of clock skew assumed for the server.`,
        ),
      );
    } else if (exp - now < EXPIRES_SOON_SECONDS) {
      const lifetime = exp - (iat ?? nbf ?? exp);
      // Power Pages issues 15-minute tokens by default (60 at most) and fetches a new one on every request.
      if (portal && lifetime > 0 && lifetime <= PORTAL_MAX_LIFETIME_SECONDS) {
        const message =
          `The token expires in ${duration(exp - now)} (it lives ${duration(lifetime)}), as Power Pages ` +
          'tokens do: the portal issues a new one each time the widget asks.';
        findings.push(finding('time.portal-lifetime', message));
      } else {
        const message = `The token expires in ${duration(exp - now)} (exp ${isoDate(exp)}).`;
        findings.push(finding('time.expires-soon', message));
      }
    }
  }
  if (nbf !== undefined && nbf > now + skew) {
    findings.push(finding('time.not-yet-valid', `"nbf" is ${duration(nbf - now)} in the future (${isoDate(nbf)}).`));
  }
  if (iat !== undefined && iat > now + skew) {
    findings.push(finding('time.issued-in-future', `"iat" is ${duration(iat - now)} in the future (${isoDate(iat)}).`));
  }
  if (iat !== undefined && exp !== undefined && exp <= iat) {
    findings.push(finding('time.exp-before-iat', `"exp" (${isoDate(exp)}) is not after "iat" (${isoDate(iat)}).`));
  }
  const start = iat ?? nbf;
  if (start !== undefined && exp !== undefined && exp - start > LONG_LIFETIME_SECONDS) {
    findings.push(finding('time.long-lifetime', `The token is valid for ${duration(exp - start)}.`));
  }
}
