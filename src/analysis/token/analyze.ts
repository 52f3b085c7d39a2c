/**
 * The entry point of the engine: would Omnichannel accept this token, and if not, why.
 * `analyzeTokenSync` does everything but the signature; `analyzeToken` adds it when given a key.
 * Neither throws: a failure of the engine itself becomes an `analysis.internal-error` finding.
 */
import { predictedErrorCode } from '../findings/rules.js';
import { unwrapValue, decodeCompact, type DecodedToken } from './compact.js';
import { checkHeader } from './header.js';
import { checkClaims, readTimes, checkTimes } from './claims.js';
import { checkContexts } from './contexts.js';
import { checkSignature } from './signature.js';
import type { AnalyzeOptions, SignatureResult, TokenAnalysis, TokenErrorCode } from './types.js';
import { bySeverity, finding, levelOf, type Finding } from '../findings/finding.js';
import { errorText } from '../words/text.js';

export const DEFAULT_SKEW_SECONDS = 300;

const NOT_CHECKED: SignatureResult = { status: 'not-checked', detail: 'No public key was given.' };

export function analyzeTokenSync(raw: unknown, options: AnalyzeOptions = {}): TokenAnalysis {
  const steps = analysisSteps(raw, options);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

export async function analyzeToken(raw: unknown, options: AnalyzeOptions = {}): Promise<TokenAnalysis> {
  const { key } = options;
  if (!key) return analyzeTokenSync(raw, options);
  const now = options.now ?? Date.now() / 1000;
  const signatureFindings: Finding[] = [];
  let pending: Promise<SignatureResult> | undefined;
  const steps = analysisSteps(raw, { ...options, now });
  let step = steps.next();
  if (!step.done) {
    // The token is decoded: start the signature check, and let it reach WebCrypto (a couple of
    // microtasks inside jose), which verifies off the main thread while the header, claims and
    // lwicontexts are checked here. Measured: the analysis then costs nothing beside the crypto.
    const decoded = step.value;
    if (decoded.complete) pending = checkSignature(decoded.token, decoded.header!, key, now, signatureFindings);
    for (let hop = 0; hop < CRYPTO_HOPS; hop++) await Promise.resolve();
    step = steps.next();
  }
  while (!step.done) step = steps.next();
  const analysis = step.value;
  let signature: SignatureResult;
  try {
    signature = pending
      ? await pending
      : { status: 'not-checked', detail: 'The signature was not checked: the token could not be decoded.' };
  } catch (error) {
    signatureFindings.push(internalError(error));
    signature = { status: 'not-checked', detail: 'The signature check failed unexpectedly.' };
  }
  return conclude({ ...analysis, signature }, [...analysis.findings, ...key.notes, ...signatureFindings]);
}

/** Microtasks jose takes from compactVerify() to WebCrypto's verify (2 today; more costs nothing). */
const CRYPTO_HOPS = 4;

/** The analysis, pausing once: when the token has been decoded (the async driver starts the signature check there). */
function* analysisSteps(raw: unknown, options: AnalyzeOptions): Generator<DecodedToken, TokenAnalysis> {
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
    if (token !== null) decoded = decodeCompact(token, findings);
  } catch (error) {
    findings.push(internalError(error));
  }
  if (!decoded) return conclude(analysis, findings);
  yield decoded;
  try {
    analysis.token = decoded.token;
    analysis.header = decoded.header;
    analysis.claims = decoded.payload;
    if (decoded.header) checkHeader(decoded.header, findings);
    if (decoded.payload) {
      checkClaims(decoded.payload, findings);
      analysis.times = readTimes(decoded.payload, now, findings, options.widgetKind);
      checkTimes(analysis.times, options.skewSeconds ?? DEFAULT_SKEW_SECONDS, findings, options.portal);
      analysis.contexts = checkContexts(decoded.payload, options.contextVariables, findings);
    }
  } catch (error) {
    findings.push(internalError(error));
  }
  return conclude(analysis, findings);
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
  const sorted = bySeverity(findings);
  // Token rules never lead to error 2 (only a provider that throws does; a test keeps it so).
  const errorCode = predictedErrorCode(sorted) as TokenErrorCode | null;
  return { ...analysis, findings: sorted, errorCode, verdict: levelOf(sorted) };
}
