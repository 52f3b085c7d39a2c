/**
 * Verdicts in plain words, for the status line, the timeline's badges and the detail. No browser
 * API here, so the tests compute the same words from a record.
 */
import { summarize } from '../analysis/index.js';
import type { InvocationView, SessionAssembly } from '../analysis/session.js';

/** "Token accepted" / "Error 4 expected: ..." for an invocation, in plain words. */
export function invocationVerdict(invocation: InvocationView): string {
  if (invocation.analysis && invocation.outcome === 'token') {
    return summarize({ ...invocation.analysis, findings: invocation.findings, errorCode: invocation.errorCode });
  }
  const first = invocation.findings.find(f => f.severity === 'error');
  if (invocation.outcome === 'pending') return 'Waiting for the provider to call back';
  const lead = invocation.errorCode === null ? `Provider ${OUTCOME_WORDS[invocation.outcome]}` : `Error ${invocation.errorCode} expected`;
  return first ? `${lead}: ${first.message}` : lead;
}

/** The status line: the newest invocation's verdict, else what the page did (or did not do). */
export function sessionVerdict(assembly: SessionAssembly): { text: string; tone: string } {
  const page = assembly.page;
  if (assembly.invocationCount > 0) {
    const latest = assembly.invocation(assembly.invocationCount - 1);
    return { text: invocationVerdict(latest), tone: invocationTone(latest) };
  }
  const problem = page.findings.find(f => f.severity === 'error') ?? page.findings[0];
  if (problem) return { text: problem.message, tone: problem.severity };
  if (page.route) return { text: 'Token provider registered; not invoked yet.', tone: 'pending' };
  return page.widget.detected
    ? { text: 'Widget found; no token provider seen yet.', tone: 'pending' }
    : { text: 'No Omnichannel chat widget seen on this page.', tone: 'none' };
}

export const OUTCOME_WORDS: Record<InvocationView['outcome'], string> = {
  token: 'handed over a token',
  threw: 'threw',
  rejected: 'promise rejected',
  empty: 'handed over an empty token',
  'non-string': 'handed over a value that is not a string',
  timeout: 'did not call back within 10 s',
  pending: 'invoked, no callback yet',
};

/** ok / warning / error, for colouring a verdict. */
export function invocationTone(invocation: InvocationView): 'ok' | 'warning' | 'error' | 'pending' {
  if (invocation.outcome === 'pending') return 'pending';
  if (invocation.errorCode !== null || invocation.findings.some(f => f.severity === 'error')) return 'error';
  return invocation.findings.some(f => f.severity === 'warning') ? 'warning' : 'ok';
}

