/** The verdict in plain words, as the panel's status line and the CLI's headline say it. */
import type { Finding, TokenAnalysis } from './types.js';

export function summarize(analysis: { findings: readonly Finding[]; errorCode: number | null; verdict: TokenAnalysis['verdict'] }): string {
  const first = (severity: string) => analysis.findings.find(f => f.severity === severity)?.message ?? '';
  if (analysis.errorCode !== null) return `Error ${analysis.errorCode} expected: ${first('error')}`;
  if (analysis.verdict === 'error') return `Problem: ${first('error')}`;
  const warnings = analysis.findings.filter(f => f.severity === 'warning').length;
  if (warnings > 0) return `Token accepted, with ${warnings} warning${warnings === 1 ? '' : 's'}: ${first('warning')}`;
  return 'Token accepted';
}
