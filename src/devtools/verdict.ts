/**
 * Verdicts with their tone, for the status line, the timeline's badges and the detail (the words
 * are the engine's, src/analysis/summary.ts). No browser API here, so the tests compute the same
 * from a record.
 */
import { invocationVerdict as verdictInWords, pageVerdict } from '../analysis/summary.js';
import type { InvocationView, SessionAssembly } from '../analysis/session.js';

export { OUTCOME_WORDS } from '../analysis/summary.js';

/** "Token accepted" / "Error 4 expected: ..." for an invocation, in plain words. */
export function invocationVerdict(invocation: InvocationView): string {
  return verdictInWords({ ...invocation, analysed: invocation.analysis !== null });
}

/** The status line: the newest invocation's verdict, else what the page did (or did not do). */
export function sessionVerdict(assembly: SessionAssembly): { text: string; tone: string } {
  const page = assembly.page;
  if (assembly.invocationCount > 0) {
    const latest = assembly.invocation(assembly.invocationCount - 1);
    return { text: invocationVerdict(latest), tone: invocationTone(latest) };
  }
  const problem = page.findings.find(f => f.severity === 'error') ?? page.findings[0];
  const tone = problem ? problem.severity : page.route || page.widget.detected ? 'pending' : 'none';
  return { text: pageVerdict({ findings: page.findings, widgetDetected: page.widget.detected, route: page.route }), tone };
}

/** ok / warning / error, for colouring a verdict. */
export function invocationTone(invocation: InvocationView): 'ok' | 'warning' | 'error' | 'pending' {
  if (invocation.outcome === 'pending') return 'pending';
  if (invocation.errorCode !== null || invocation.findings.some(f => f.severity === 'error')) return 'error';
  return invocation.findings.some(f => f.severity === 'warning') ? 'warning' : 'ok';
}
