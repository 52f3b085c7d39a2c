/**
 * The one step from findings to a verdict: its level, its words and its tone, for a token, an
 * invocation, a page and a report. The panel's status line and badges, the CLI's headline, the
 * report's summary and Copy summary all say what this module says, so they never disagree.
 */
import type { Report } from './report.js';
import type { SessionAssembly } from '../session/session.js';
import type { InvocationOutcome, InvocationView, LossReason, ObservedError } from '../session/session-view.js';
import { SERVICE_REFUSALS } from '../session/observed.js';
import { fromWhatWasKept } from '../session/timeline.js';
import type { PredictedErrorCode, Severity } from '../findings/rules.js';
import { levelOf, type Finding } from '../findings/finding.js';
import { countBy, plural } from '../words/text.js';
import { countName, errorName } from '../findings/error-words.js';

/** How a verdict is coloured: ok, warning, error, info (a page's remark), pending, or none (nothing seen). */
export type Tone = 'ok' | 'warning' | 'error' | 'info' | 'pending' | 'none';

export interface Verdict {
  text: string;
  tone: Tone;
}

const OBSERVED_WHERE: Record<ObservedError['by'], string> = {
  widget: 'observed',
  service: 'observed on the wire',
  frame: "observed in the widget's frame",
};

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Every error headline has one form: "Error N (<meaning>) observed: <what was seen> Likely why:
 * <cause>" when the evidence is in (the widget raised it, the service refused the token, the
 * widget's frame received nothing), else "Error N (<meaning>) expected: <cause>" from what the
 * provider did.
 */
function errorLead(errorCode: number | null, findings: readonly Finding[], observed?: ObservedError): string {
  const cause = findings.find(
    f => f.severity === 'error' && !SERVICE_REFUSALS.has(f.rule) && f.rule !== 'invocation.widget-got-nothing',
  );
  if (observed) {
    const likely = cause && cause.message !== observed.seen ? ` Likely why: ${cause.message}` : '';
    // The service's refusal has no widget error of its own: the predicted one names it, else it is a refusal.
    const code = observed.code ?? errorCode;
    if (code === null) return `Refused by the service: ${observed.seen}${likely}`;
    return `${capital(errorName(code))} ${OBSERVED_WHERE[observed.by]}: ${observed.seen}${likely}`;
  }
  const what = errorCode === null ? 'Error' : capital(errorName(errorCode));
  return `${what} expected${cause ? `: ${cause.message}` : ''}`;
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
  /** What was seen to go wrong after it: it leads, whatever was predicted. */
  observed?: ObservedError;
  callbackCount?: number;
}

/** What the provider did, in words that agree with the callback facts beside them. */
export function outcomeWords(i: Pick<InvocationFacts, 'outcome' | 'observed' | 'callbackCount'>): string {
  // v1: the provider returned without calling back, and the widget was handed undefined.
  if (i.outcome === 'empty' && i.callbackCount === 0) return 'returned without calling back: nothing was handed over';
  if (i.outcome === 'pending' && i.observed?.by === 'widget' && i.observed.code !== null)
    return `no callback before the widget raised error ${i.observed.code}`;
  return OUTCOME_WORDS[i.outcome];
}

/** "Token accepted" / "Error 4 expected: ..." / "Provider threw: ..." for one invocation. */
export function invocationVerdict(i: InvocationFacts): Verdict {
  if (i.observed) return { text: errorLead(i.errorCode, i.findings, i.observed), tone: 'error' };
  if (i.outcome === 'pending') return { text: 'Waiting for the provider to call back', tone: 'pending' };
  const tone = i.errorCode !== null ? 'error' : levelOf(i.findings);
  if (i.analysed && i.outcome === 'token') return { text: tokenVerdict(i).text, tone };
  if (i.errorCode !== null) return { text: errorLead(i.errorCode, i.findings), tone };
  const first = i.findings.find(f => f.severity === 'error');
  const lead = `Provider ${outcomeWords(i)}`;
  return { text: first ? `${lead}: ${first.message}` : lead, tone };
}

/** An assembled invocation's verdict. */
export const viewVerdict = (view: InvocationView): Verdict =>
  invocationVerdict({ ...view, analysed: view.analysis !== null });

/** What every count of invocations counts by (observed first, as the verdict): "error 4", "pending", "no error". */
export function invocationCountKey(i: {
  outcome: InvocationOutcome;
  errorCode: PredictedErrorCode | null;
  observed?: ObservedError | undefined;
}): string {
  const code = i.observed?.code ?? i.errorCode;
  if (code !== null) return `error ${code}`;
  if (i.observed) return 'refused by the service';
  // A failure with no widget error to name (a v1 provider that threw: the host does not catch it).
  if (i.outcome !== 'token' && i.outcome !== 'pending') return FAILED_OUTCOMES[i.outcome];
  return i.outcome === 'pending' ? 'pending' : 'no error';
}

/** How counts name a failed invocation that predicts no widget error. */
const FAILED_OUTCOMES: Record<Exclude<InvocationOutcome, 'token' | 'pending'>, string> = {
  threw: 'threw',
  rejected: 'rejected',
  empty: 'no token',
  'non-string': 'not a string',
  timeout: 'no callback',
};

/** Whether a count key is a failure: anything but "no error" and "pending". */
const isFailure = (key: string) => key !== 'no error' && key !== 'pending';

/** The short label of an invocation's badge: "error 4", "pending", or its tone. */
export function invocationBadge(view: InvocationView): { label: string; tone: Tone } {
  const { tone } = viewVerdict(view);
  const key = invocationCountKey(view);
  const label = !isFailure(key) ? tone : key === 'refused by the service' ? 'refused' : key;
  // The panel's own call is marked as such wherever it shows: it is not the page's.
  return { label: view.rerun ? `panel's call · ${label}` : label, tone };
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

/**
 * The newest page invocation's verdict, then what failed before it ("Token accepted (the newest); 300
 * earlier invocations: error 4"): `earlier` counts the earlier page invocations by their count key,
 * `unjudged` those not judged yet.
 */
function withEarlier(verdict: Verdict, earlier: readonly string[], unjudged: number): Verdict {
  const failed = countBy(earlier.filter(isFailure));
  const total = earlier.length + unjudged;
  const failures = failed.reduce((sum, [, n]) => sum + n, 0);
  if (failures === 0 && unjudged === 0) return verdict;
  const codes =
    failed.length === 1 ? countName(failed[0]![0]) : failed.map(([k, n]) => `${countName(k)} ×${n}`).join(', ');
  const who = failures === total ? `${plural(total, 'earlier invocation')}` : `${failures} of ${total} earlier`;
  const bare = verdict.text.replace(/\.$/, '');
  // An error's headline is already sentences; a short one takes the note in brackets.
  const text =
    verdict.tone === 'error'
      ? `${bare}. Before it: ${failures > 0 ? `${who}: ${codes}` : 'no error'}` +
        (unjudged > 0 ? `; judging ${unjudged} earlier…` : '.')
      : `${bare} (the newest)` +
        (failures > 0 ? `; ${who}: ${codes}` : '') +
        (unjudged > 0 ? `; judging ${unjudged} earlier…` : '');
  const tone = failures > 0 && (verdict.tone === 'ok' || verdict.tone === 'info') ? 'warning' : verdict.tone;
  return { text, tone };
}

/** Where events were dropped, the verdict says it was drawn from what was kept. */
function withGaps(verdict: Verdict, lost: Partial<Record<LossReason, number>> | undefined): Verdict {
  const gaps = fromWhatWasKept(lost);
  if (!gaps) return verdict;
  // Nothing is "accepted" outright that a missing part could contradict.
  const tone = verdict.tone === 'ok' ? 'warning' : verdict.tone;
  return { text: `${verdict.text.replace(/\.$/, '')} (${gaps})`, tone };
}

/**
 * The status line, computed once for the page: its newest invocation's verdict (the panel's own
 * "Call provider again" calls aside), what failed before it, the page's error, and any gap in the
 * record; else what the page did (or did not do).
 */
export function sessionVerdict(
  assembly: Pick<SessionAssembly, 'page' | 'invocationCount' | 'invocation' | 'isRerun' | 'judgedInvocation'>,
): Verdict {
  const { page } = assembly;
  const own: number[] = [];
  for (let i = 0; i < assembly.invocationCount; i++) if (!assembly.isRerun(i)) own.push(i);
  const newest = own.pop();
  if (newest === undefined)
    return withGaps(
      pageVerdict({ findings: page.findings, widgetDetected: page.widget.detected, route: page.route }),
      page.lostEvents,
    );
  const earlier: string[] = [];
  for (const i of own) {
    const view = assembly.judgedInvocation(i);
    if (view) earlier.push(invocationCountKey(view));
  }
  const verdict = withPageError(viewVerdict(assembly.invocation(newest)), page.findings);
  return withGaps(withEarlier(verdict, earlier, own.length - earlier.length), page.lostEvents);
}

/** The same verdict from what a report holds (the same words as the panel's). */
export function reportVerdict(report: Report): Verdict {
  const own = report.invocations.filter(i => !i.rerun);
  const latest = own.at(-1);
  if (!latest)
    return withGaps(
      pageVerdict({ findings: report.findings, widgetDetected: report.widget.detected, route: report.route }),
      report.lost,
    );
  const verdict = withPageError(invocationVerdict({ ...latest, analysed: latest.token !== null }), report.findings);
  return withGaps(withEarlier(verdict, own.slice(0, -1).map(invocationCountKey), 0), report.lost);
}
