/** A finding: one rule of the catalog raised with this case's message, and the order findings are shown in. */
import { RULES, type RuleId, type Severity } from './rules.js';

export interface Finding {
  /** Stable identifier, documented in docs/findings.md. */
  rule: RuleId;
  severity: Severity;
  /** What is wrong with this token, quoting the offending value. */
  message: string;
  /** A concrete step that removes the finding. */
  fix: string;
}

/** A finding of `rule`, with this token's message and, when given, a fix more specific than the rule's. */
export function finding(rule: RuleId, message: string, fix?: string): Finding {
  const info = RULES[rule];
  return { rule, severity: info.severity, message, fix: fix ?? info.fix };
}

/** The worst severity among `findings`, as a verdict level: errors make 'error', warnings 'warning'. */
export function levelOf(findings: readonly { severity: Severity }[]): 'ok' | 'warning' | 'error' {
  if (findings.some(f => f.severity === 'error')) return 'error';
  return findings.some(f => f.severity === 'warning') ? 'warning' : 'ok';
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A copy of `findings`, errors first, then warnings, then remarks; in their own order within each. */
export function bySeverity<F extends { severity: Severity }>(findings: readonly F[]): F[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}
