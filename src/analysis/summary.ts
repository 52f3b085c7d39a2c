/**
 * Verdicts in plain words, as the panel's status line, the CLI's headline and a report's summary
 * say them: one definition, so the three never disagree.
 */
import type { Finding, TokenAnalysis } from './types.js';
import type { InvocationOutcome } from './session.js';

export function summarize(analysis: { findings: readonly Finding[]; errorCode: number | null; verdict: TokenAnalysis['verdict'] }): string {
  const first = (severity: string) => analysis.findings.find(f => f.severity === severity)?.message ?? '';
  if (analysis.errorCode !== null) return `Error ${analysis.errorCode} expected: ${first('error')}`;
  if (analysis.verdict === 'error') return `Problem: ${first('error')}`;
  const warnings = analysis.findings.filter(f => f.severity === 'warning').length;
  if (warnings > 0) return `Token accepted, with ${warnings} warning${warnings === 1 ? '' : 's'}: ${first('warning')}`;
  return 'Token accepted';
}

export const OUTCOME_WORDS: Record<InvocationOutcome, string> = {
  token: 'handed over a token',
  threw: 'threw',
  rejected: 'promise rejected',
  empty: 'handed over an empty token',
  'non-string': 'handed over a value that is not a string',
  timeout: 'did not call back within 10 s',
  pending: 'invoked, no callback yet',
};

/** What a verdict on an invocation needs: the panel's InvocationView and a report's invocation both have it. */
export interface InvocationFacts {
  outcome: InvocationOutcome;
  errorCode: number | null;
  /** The invocation's findings, its token's included. */
  findings: readonly Finding[];
  /** Whether what it handed over was analysed as a token (not with OAuth 2.0, not without a callback). */
  analysed: boolean;
}

/** "Token accepted" / "Error 4 expected: ..." / "Provider threw: ..." for one invocation. */
export function invocationVerdict(i: InvocationFacts): string {
  if (i.outcome === 'pending') return 'Waiting for the provider to call back';
  if (i.analysed && i.outcome === 'token') {
    const verdict = i.findings.some(f => f.severity === 'error') ? 'error' : i.findings.some(f => f.severity === 'warning') ? 'warning' : 'ok';
    return summarize({ findings: i.findings, errorCode: i.errorCode, verdict });
  }
  const first = i.findings.find(f => f.severity === 'error');
  const lead = i.errorCode === null ? `Provider ${OUTCOME_WORDS[i.outcome]}` : `Error ${i.errorCode} expected`;
  return first ? `${lead}: ${first.message}` : lead;
}

/** The page's verdict before any invocation: its first problem, else what was (not) seen. */
export function pageVerdict(page: { findings: readonly Finding[]; widgetDetected: boolean; route: string | null }): string {
  const problem = page.findings.find(f => f.severity === 'error') ?? page.findings[0];
  if (problem) return problem.message;
  if (page.route) return 'Token provider registered; not invoked yet.';
  return page.widgetDetected ? 'Widget found; no token provider seen yet.' : 'No Omnichannel chat widget seen on this page.';
}
