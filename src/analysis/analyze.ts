/**
 * The entry point of the engine: would Omnichannel accept this token, and if not, why.
 * `analyzeTokenSync` does everything but the signature; `analyzeToken` adds it when given a key.
 * Neither throws: a failure of the engine itself becomes an `analysis.internal-error` finding.
 */
import { predictedErrorCode } from './rules.js';
import { levelOf } from './verdict.js';
import { finding } from './finding.js';
import { unwrapValue, decodeCompact, errorText, type DecodedToken } from './compact.js';
import { checkHeader } from './header.js';
import { checkClaims, readTimes, checkTimes } from './claims.js';
import { checkContexts } from './contexts.js';
import { checkSignature } from './signature.js';
import type { AnalyzeOptions, Finding, SignatureResult, TokenAnalysis, TokenErrorCode } from './types.js';

export const DEFAULT_SKEW_SECONDS = 300;

const NOT_CHECKED: SignatureResult = { status: 'not-checked', detail: 'No public key was given.' };

export function analyzeTokenSync(raw: unknown, options: AnalyzeOptions = {}): TokenAnalysis {
  return analyzeParts(raw, options).analysis;
}

export async function analyzeToken(raw: unknown, options: AnalyzeOptions = {}): Promise<TokenAnalysis> {
  const { analysis, decoded } = analyzeParts(raw, options);
  if (!options.key) return analysis;
  const findings = [...analysis.findings, ...options.key.notes];
  let signature: SignatureResult;
  try {
    signature = decoded?.complete
      ? await checkSignature(decoded.token, decoded.header!, options.key, analysis.times.now, findings)
      : { status: 'not-checked', detail: 'The signature was not checked: the token could not be decoded.' };
  } catch (error) {
    findings.push(internalError(error));
    signature = { status: 'not-checked', detail: 'The signature check failed unexpectedly.' };
  }
  return conclude({ ...analysis, signature }, findings);
}

function analyzeParts(
  raw: unknown,
  options: AnalyzeOptions,
): { analysis: TokenAnalysis; decoded: DecodedToken | null } {
  const now = options.now ?? Date.now() / 1000;
  const analysis: TokenAnalysis = {
    input: describeInput(raw),
    token: null,
    header: null,
    claims: null,
    contexts: null,
    times: { now },
    findings: [],
    signature: NOT_CHECKED,
    errorCode: null,
    verdict: 'ok',
  };
  const findings: Finding[] = [];
  let decoded: DecodedToken | null = null;
  try {
    const token = unwrapValue(raw, findings);
    if (token !== null) {
      decoded = decodeCompact(token, findings);
      analysis.token = token;
      analysis.header = decoded.header;
      analysis.claims = decoded.payload;
      if (decoded.header) checkHeader(decoded.header, findings);
      if (decoded.payload) {
        checkClaims(decoded.payload, findings);
        analysis.times = readTimes(decoded.payload, now, findings);
        checkTimes(analysis.times, options.skewSeconds ?? DEFAULT_SKEW_SECONDS, findings);
        analysis.contexts = checkContexts(decoded.payload, options.contextVariables, findings);
      }
    }
  } catch (error) {
    findings.push(internalError(error));
  }
  return { analysis: conclude(analysis, findings), decoded };
}

function describeInput(raw: unknown): TokenAnalysis['input'] {
  if (typeof raw === 'string') return { type: 'string', length: raw.length };
  if (raw === null) return { type: 'null' };
  if (Array.isArray(raw)) return { type: 'array' };
  return { type: typeof raw };
}

function internalError(error: unknown): Finding {
  return finding('analysis.internal-error', `The analysis failed: ${errorText(error)}.`);
}

/** Orders the findings (errors first) and derives the predicted error code and the verdict. */
function conclude(analysis: TokenAnalysis, findings: Finding[]): TokenAnalysis {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = findings
    .map((f, i) => [f, i] as const)
    .sort(([a, i], [b, j]) => order[a.severity] - order[b.severity] || i - j)
    .map(([f]) => f);
  // Token rules never lead to error 2 (only a provider that throws does; a test keeps it so).
  const errorCode = predictedErrorCode(sorted) as TokenErrorCode | null;
  return { ...analysis, findings: sorted, errorCode, verdict: levelOf(sorted) };
}
