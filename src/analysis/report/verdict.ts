/**
 * The one step from findings to a verdict: its level, its words and its tone, for a token, an
 * invocation, a page and a report. The panel's status line and badges, the CLI's headline, the
 * report's summary and Copy summary all say what this module says, so they never disagree.
 */
import type { Report, ReportInvocation } from './report.js';
import type { SessionAssembly } from '../session/session.js';
import type { InvocationOutcome, InvocationView, PageView, WidgetKind } from '../session/session-view.js';
import type { PredictedErrorCode, Severity } from '../findings/rules.js';
import { levelOf, type Finding } from '../findings/finding.js';

/** How a verdict is coloured: ok, warning, error, info (a page's remark), pending, or none (nothing seen). */
export type Tone = 'ok' | 'warning' | 'error' | 'info' | 'pending' | 'none';

export interface Verdict {
  text: string;
  tone: Tone;
}

/** The service's own refusal of the token (seen on the wire or by DevTools): evidence, not a prediction. */
const SERVICE_REFUSALS: ReadonlySet<string> = new Set(['auth.rejected', 'auth.user-not-found']);

/**
 * "Error N observed: ..." when the evidence is in (the widget's frame received nothing, or the
 * service refused the token: then its answer leads, and the predicted cause follows), else
 * "Error N expected: ..." from what the provider did.
 */
function errorLead(errorCode: number, findings: readonly Finding[]): string {
  const refusal = findings.find(f => SERVICE_REFUSALS.has(f.rule));
  const cause = findings.find(f => f.severity === 'error' && !SERVICE_REFUSALS.has(f.rule));
  if (refusal) return `Error ${errorCode} observed: ${refusal.message}${cause ? ` Likely why: ${cause.message}` : ''}`;
  const how = cause?.rule === 'invocation.widget-got-nothing' ? 'observed' : 'expected';
  return `Error ${errorCode} ${how}${cause ? `: ${cause.message}` : ''}`;
}

const firstOf = (findings: readonly Finding[], severity: Severity) =>
  findings.find(f => f.severity === severity)?.message ?? '';

/** A token's verdict: "Token accepted", "Error 4 expected: ...", "Token accepted, with 2 warnings: ...". */
export function tokenVerdict(analysis: { findings: readonly Finding[]; errorCode: number | null }): Verdict {
  const { findings, errorCode } = analysis;
  const level = levelOf(findings);
  const tone = errorCode !== null ? 'error' : level;
  if (errorCode !== null) return { text: errorLead(errorCode, findings), tone };
  if (level === 'error') return { text: `Problem: ${firstOf(findings, 'error')}`, tone };
  const warnings = findings.filter(f => f.severity === 'warning').length;
  if (warnings === 0) return { text: 'Token accepted', tone };
  return {
    text: `Token accepted, with ${warnings} warning${warnings === 1 ? '' : 's'}: ${firstOf(findings, 'warning')}`,
    tone,
  };
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
  errorCode: PredictedErrorCode | null;
  /** The invocation's findings, its token's included. */
  findings: readonly Finding[];
  /** Whether what it handed over was analysed as a token (not with OAuth 2.0, not without a callback). */
  analysed: boolean;
}

/** "Token accepted" / "Error 4 expected: ..." / "Provider threw: ..." for one invocation. */
export function invocationVerdict(i: InvocationFacts): Verdict {
  if (i.outcome === 'pending') return { text: 'Waiting for the provider to call back', tone: 'pending' };
  const tone = i.errorCode !== null ? 'error' : levelOf(i.findings);
  if (i.analysed && i.outcome === 'token') return { text: tokenVerdict(i).text, tone };
  if (i.errorCode !== null) return { text: errorLead(i.errorCode, i.findings), tone };
  const first = i.findings.find(f => f.severity === 'error');
  const lead = `Provider ${OUTCOME_WORDS[i.outcome]}`;
  return { text: first ? `${lead}: ${first.message}` : lead, tone };
}

/** An assembled invocation's verdict. */
export const viewVerdict = (view: InvocationView): Verdict =>
  invocationVerdict({ ...view, analysed: view.analysis !== null });

/** What the panel counts invocations by: "error 4", "pending", "no error". */
export function invocationCountKey(i: { outcome: InvocationOutcome; errorCode: PredictedErrorCode | null }): string {
  if (i.errorCode !== null) return `error ${i.errorCode}`;
  return i.outcome === 'pending' ? 'pending' : 'no error';
}

/** The short label of an invocation's badge: "error 4", "pending", or its tone. */
export function invocationBadge(view: InvocationView): { label: string; tone: Tone } {
  const { tone } = viewVerdict(view);
  return { label: view.errorCode !== null ? `error ${view.errorCode}` : tone, tone };
}

/** The page's first problem: its first error, else its first finding of any kind. */
export const firstProblem = (findings: readonly Finding[]): Finding | undefined =>
  findings.find(f => f.severity === 'error') ?? findings[0];

export interface PageFacts {
  findings: readonly Finding[];
  widgetDetected: boolean;
  route: string | null;
}

/** The page's verdict before any invocation: its first problem, else what was (not) seen. */
export function pageVerdict(page: PageFacts): Verdict {
  const problem = firstProblem(page.findings);
  if (problem) return { text: problem.message, tone: problem.severity };
  if (page.route) return { text: 'Token provider registered; not invoked yet.', tone: 'pending' };
  if (page.widgetDetected) return { text: 'Widget found; no token provider seen yet.', tone: 'pending' };
  return { text: 'No Omnichannel chat widget seen on this page.', tone: 'none' };
}

/**
 * The newest invocation's verdict, with the page's first error after it when that verdict is not an
 * error itself: a reconnect check that went out without a token is a failure the newest token,
 * accepted, does not explain away.
 */
function withPageError(verdict: Verdict, pageFindings: readonly Finding[]): Verdict {
  const problem = pageFindings.find(f => f.severity === 'error');
  if (!problem || verdict.tone === 'error' || verdict.tone === 'pending') return verdict;
  return { text: `${verdict.text.replace(/\.$/, '')}. On the page: ${problem.message}`, tone: 'error' };
}

/** The status line: the newest invocation's verdict (and the page's error), else what the page did (or did not do). */
export function sessionVerdict(assembly: Pick<SessionAssembly, 'page' | 'invocationCount' | 'invocation'>): Verdict {
  const { page } = assembly;
  if (assembly.invocationCount > 0)
    return withPageError(viewVerdict(assembly.invocation(assembly.invocationCount - 1)), page.findings);
  return pageVerdict({ findings: page.findings, widgetDetected: page.widget.detected, route: page.route });
}

/** The latest verdict in plain words, from what a report holds (the same words as the panel's). */
export function reportVerdict(
  report: Report,
  latest: ReportInvocation | undefined = report.invocations.at(-1),
): Verdict {
  if (!latest)
    return pageVerdict({ findings: report.findings, widgetDetected: report.widget.detected, route: report.route });
  return withPageError(invocationVerdict({ ...latest, analysed: latest.token !== null }), report.findings);
}

/** How the provider was registered, in words: "registered after lcw:ready", "client function (...)", ... */
export function providerStatus(page: Pick<PageView, 'route' | 'registrations' | 'widget'>): string {
  const registration = page.registrations.at(-1);
  if (page.route === 'clientFunction') return 'client function (widget asks the page)';
  // A custom widget hands its getAuthToken to the Chat SDK inside the page's own code: no window SDK to watch.
  if (!registration && page.widget.kind === 'custom') return "inside the page's Chat SDK (getAuthToken): not watched";
  if (!registration) return 'not registered';
  if (!registration.isFunction) return `set to a ${registration.argumentType}, not a function`;
  return registration.beforeReady ? 'registered before lcw:ready' : 'registered after lcw:ready';
}

/** Whether the page has a provider "Call provider again" can call. */
export const hasCallableProvider = (page: Pick<PageView, 'route' | 'registrations'>): boolean =>
  page.registrations.some(r => r.isFunction) || page.route === 'clientFunction';

/** Which widget, and what says so ("v2 (its frame is chatv2.html)"), and a portal; null while nothing is known. */
export function widgetKindText(w: {
  kind?: WidgetKind | null;
  kindEvidence?: string | null;
  portal?: boolean;
}): string | null {
  const portal = w.portal ? ' · on a Power Pages portal' : '';
  if (!w.kind) return portal ? `version unknown${portal}` : null;
  return `${w.kind === 'custom' ? 'custom widget' : w.kind}${w.kindEvidence ? ` (${w.kindEvidence})` : ''}${portal}`;
}
