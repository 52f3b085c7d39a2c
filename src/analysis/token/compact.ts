/**
 * From whatever the provider handed over to a decoded compact JWT: the value hygiene rules,
 * the segment rules, and base64url/JSON decoding of header and payload (base64 via jose).
 */
import { base64url } from 'jose';
import { quote, describeValue, errorText } from '../words/text.js';
import { type Finding, finding } from '../findings/finding.js';

/** The part of the analysis this module fills in. */
export interface DecodedToken {
  token: string;
  header: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  signatureSegment: string;
  /** True when header and payload decoded and the token has three segments. */
  complete: boolean;
}

/** One decoder for all segments: constructing one per call costs more than the decoding. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const TOKEN_LIKE_PROPERTIES = ['token', 'access_token', 'id_token', 'jwt', 'authToken', 'value'];
const LARGE_TOKEN_BYTES = 8192;
/** A healthy compact JWS, checked in one pass; only values failing it get the detailed scans. */
const WELL_FORMED = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Applies the value hygiene rules; returns the compact JWT candidate, or null when there is none. */
export function unwrapValue(raw: unknown, findings: Finding[]): string | null {
  if (raw === undefined || raw === null) {
    findings.push(finding('token.missing', `The provider called back with ${String(raw)}.`));
    return null;
  }
  if (typeof raw !== 'string') {
    findings.push(notStringFinding(raw));
    return null;
  }
  if (WELL_FORMED.test(raw)) return checkSize(raw, findings);
  if (raw.trim() === '') {
    findings.push(
      finding(
        'token.empty',
        raw === ''
          ? 'The provider called back with an empty string.'
          : `The provider called back with only whitespace: ${quote(raw)}.`,
      ),
    );
    return null;
  }
  let value = raw;
  // Only what HTTP strips from a header value (space, tab, CR, LF): anything else stays and is judged below.
  const trimmed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (trimmed !== value) {
    findings.push(finding('token.whitespace', `The token ${describeSurroundingWhitespace(value)}.`));
    value = trimmed;
  }
  // A token can be wrapped more than once ("Bearer \"eyJ...\""), so peel until nothing changes.
  for (let round = 0; round < 3; round++) {
    const quoted = /^(["'])([\s\S]*)\1$/.exec(value);
    if (quoted) {
      findings.push(
        finding(
          'token.quoted',
          `The token is wrapped in ${quoted[1] === '"' ? 'double' : 'single'} quotes: ${quote(value, 24)}.`,
        ),
      );
      value = quoted[2]!.trim();
      continue;
    }
    const bearer = /^bearer\s+/i.exec(value);
    if (bearer) {
      findings.push(finding('token.bearer-prefix', `The token starts with ${quote(bearer[0])}.`));
      value = value.slice(bearer[0].length).trim();
      continue;
    }
    break;
  }
  const bad = /[^\x21-\x7e]/.exec(value);
  if (bad) {
    const count = value.match(/[^\x21-\x7e]/g)!.length;
    const code = bad[0].codePointAt(0)!;
    findings.push(
      finding(
        'token.invalid-characters',
        `The token contains ${count} character${count === 1 ? '' : 's'} that cannot be in a JWT; the ` +
          `first is U+${code.toString(16).toUpperCase().padStart(4, '0')} ${quote(bad[0])} at position ${bad.index}.`,
        /\s/.test(bad[0])
          ? 'Remove the line breaks or spaces inside the token (it was probably wrapped when copied), and pass ' +
              'it exactly as issued.'
          : undefined,
      ),
    );
    // Keep analysing what is left, so the other findings still show.
    value = value.replace(/[^\x21-\x7e]/g, '');
  }
  return value === '' ? null : checkSize(value, findings);
}

function checkSize(value: string, findings: Finding[]): string {
  if (value.length > LARGE_TOKEN_BYTES) {
    findings.push(finding('token.too-large', `The token is ${value.length} characters long.`));
  }
  return value;
}

function notStringFinding(raw: unknown): Finding {
  const what = describeValue(raw);
  if (what === 'a Promise') {
    return finding(
      'token.not-string',
      'The provider called back with a Promise, not the token it resolves to.',
      'Wait for it: `getToken().then(token => callback(token))`.',
    );
  }
  if (typeof raw === 'object') {
    try {
      for (const name of TOKEN_LIKE_PROPERTIES) {
        if (typeof (raw as Record<string, unknown>)[name] === 'string') {
          return finding(
            'token.not-string',
            `The provider called back with ${what}, which holds the token in its property "${name}".`,
            `Pass the string: \`callback(response.${name})\`.`,
          );
        }
      }
    } catch {
      /* a hostile getter: fall through to the general message */
    }
  }
  return finding('token.not-string', `The provider called back with ${what}, not a string.`);
}

function describeSurroundingWhitespace(value: string): string {
  const lead = /^[ \t\r\n]+/.exec(value)?.[0] ?? '';
  const trail = /[ \t\r\n]+$/.exec(value)?.[0] ?? '';
  const parts: string[] = [];
  if (lead) parts.push(`starts with ${quote(lead)}`);
  if (trail) parts.push(/[\r\n]/.test(trail) ? `ends with a line break ${quote(trail)}` : `ends with ${quote(trail)}`);
  return parts.join(' and ');
}

type SegmentName = 'header' | 'payload' | 'signature';

/** Splits and decodes a compact JWT candidate, adding segment, base64url and JSON findings. */
export function decodeCompact(token: string, findings: Finding[]): DecodedToken {
  const segments = token.split('.');
  const alphabetChecked = WELL_FORMED.test(token);
  const result: DecodedToken = {
    token,
    header: null,
    payload: null,
    signatureSegment: segments[2] ?? '',
    complete: false,
  };
  if (segments.length === 5) {
    findings.push(finding('token.encrypted', 'The token has five segments: it is an encrypted JWT (JWE).'));
    result.header = decodeJsonSegment(segments[0]!, 'header', findings);
    return result;
  }
  if (segments.length !== 3) {
    findings.push(finding('token.segment-count', segmentCountMessage(segments.length, token)));
    if (segments.length === 2) result.header = decodeJsonSegment(segments[0]!, 'header', findings);
    return result;
  }
  result.header = decodeJsonSegment(segments[0]!, 'header', findings, alphabetChecked);
  result.payload = decodeJsonSegment(segments[1]!, 'payload', findings, alphabetChecked);
  const signature = segments[2]!;
  if (signature === '') {
    // alg "none" has its own, clearer finding.
    if (result.header?.alg !== 'none')
      findings.push(finding('token.signature-empty', 'The third segment (the signature) is empty.'));
  } else {
    checkBase64url(signature, 'signature', findings, alphabetChecked);
  }
  result.complete = result.header !== null && result.payload !== null;
  return result;
}

function segmentCountMessage(count: number, token: string): string {
  if (count === 1) {
    return (
      `The value has no dots (${quote(token, 8)}): it is not a JWT. It may be an opaque access token, ` +
      `an authorization code or an error message from the token service.`
    );
  }
  if (count === 2) return 'The value has two segments: the signature segment is missing (a truncated token?).';
  return `The value has ${count} segments; a JWT has three.`;
}

/** Decodes one segment to a JSON object, or returns null after adding the finding that says why. */
function decodeJsonSegment(
  segment: string,
  name: 'header' | 'payload',
  findings: Finding[],
  alphabetChecked = false,
): Record<string, unknown> | null {
  const notJson = name === 'header' ? 'header.not-json' : 'payload.not-json';
  if (segment === '') {
    findings.push(finding(notJson, `The ${name} segment is empty.`));
    return null;
  }
  if (!checkBase64url(segment, name, findings, alphabetChecked)) return null;
  let text: string;
  try {
    text = UTF8.decode(base64url.decode(segment));
  } catch {
    findings.push(finding(notJson, `The ${name} does not decode to UTF-8 text.`));
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    findings.push(
      finding(notJson, `The ${name} decodes to ${quote(text, 40)}, which is not JSON (${errorText(error)}).`),
    );
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    findings.push(
      finding(
        name === 'header' ? 'header.not-object' : 'payload.not-object',
        `The ${name} is ${describeValue(parsed)}, not an object.`,
      ),
    );
    return null;
  }
  return parsed as Record<string, unknown>;
}

/** Checks the base64url alphabet and length; adds a finding and returns false when it is wrong. */
function checkBase64url(segment: string, name: SegmentName, findings: Finding[], alphabetChecked: boolean): boolean {
  const bad = alphabetChecked ? null : /[^A-Za-z0-9_-]/.exec(segment);
  if (bad) {
    const standard = bad[0] === '+' || bad[0] === '/' || bad[0] === '=';
    findings.push(
      finding(
        'token.base64url',
        standard
          ? `The ${name} segment uses standard base64 (${quote(bad[0])} at position ${bad.index}), not base64url.`
          : `The ${name} segment has ${quote(bad[0])} at position ${bad.index}, which is not a base64url character.`,
        standard
          ? 'Use base64url: replace "+" with "-", "/" with "_" and drop "=" padding (JWT libraries do this).'
          : undefined,
      ),
    );
    return false;
  }
  if (segment.length % 4 === 1) {
    findings.push(
      finding(
        'token.base64url',
        `The ${name} segment has ${segment.length} characters, a length no base64url text can have ` +
          `(it was truncated or has an extra character).`,
      ),
    );
    return false;
  }
  return true;
}
