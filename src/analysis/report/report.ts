/**
 * The shareable report (docs/report-format.md, schema in docs/report.schema.json): one page
 * session as a support engineer attaches it to a ticket. Signatures are redacted unless the
 * caller explicitly includes tokens; the page URL loses its query and fragment.
 */
import { redactData } from '../words/secrets.js';
import { RULES, type PredictedErrorCode, type WidgetErrorCode } from '../findings/rules.js';
import type {
  AuthCallView,
  DeliveryView,
  InvocationView,
  LossReason,
  ObservedError,
  SessionView,
  WidgetKind,
} from '../session/session-view.js';
import { describeHanded, lostCount } from '../session/timeline.js';
import type { WidgetConfig } from '../traffic/omnichannel.js';
import { redactUrl } from '../../protocol/hosts.js';
import type { Finding } from '../findings/finding.js';

export const REPORT_FORMAT = 'lcw-auth-report';
/**
 * Written now. Version 1 (before wire evidence, the widget's kind and deliveries) and 2 (before
 * observed errors, lost events and the HAR source) still read.
 */
export const REPORT_VERSION = 3;
export type ReportVersion = 1 | 2 | typeof REPORT_VERSION;

export interface ReportToken {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  /** "redacted" unless tokens were included on purpose; then the signature segment. */
  signature: string;
  /** The whole token as handed over: only when tokens were included on purpose. */
  raw?: string;
}

export interface ReportInvocation {
  id: string;
  route: InvocationView['route'];
  functionName?: string;
  startedAt: string;
  msToToken: number | null;
  callbackCount: number;
  callbackAsync: boolean | null;
  outcome: InvocationView['outcome'];
  errorCode: PredictedErrorCode | null;
  token: ReportToken | null;
  findings: ReportFinding[];
  /** Made by the panel's "Call provider again": kept out of the page's verdict and counts. */
  rerun?: true;
  /** v3: what was seen to go wrong after it (the widget's lcw:error, the service's refusal). */
  observed?: ObservedError;
  /** What the widget's frame was seen to receive for it (never the token itself). v2. */
  received?: ReportDelivery;
}

/** A delivery as the report keeps it: what kind of value, and whose token it was. */
export interface ReportDelivery {
  at: string;
  via: DeliveryView['via'];
  /** "undefined", "an empty string", "a token of 812 characters", ... */
  value: string;
  /** The invocation that handed this token over (this one or an earlier one). */
  tokenOf?: string;
}

/** A finding as the report keeps it: with the widget error it leads to, when it leads to one. */
export type ReportFinding = Finding & { errorCode?: WidgetErrorCode };

/** Page-level findings carry their error like invocation findings do (a missing client function: 8). */
function reportFinding(f: Finding): ReportFinding {
  const { errorCode } = RULES[f.rule];
  return errorCode === null ? f : { ...f, errorCode };
}

export type ReportConfig = { url: string; problem: string } | ({ url: string } & WidgetConfig);

/** An /auth/ call as the report keeps it: its time as an ISO string. */
export type ReportAuthCall = Omit<AuthCallView, 'at'> & { at: string };

export interface Report {
  format: typeof REPORT_FORMAT;
  version: ReportVersion;
  createdAt: string;
  tokensIncluded: boolean;
  page: { url: string; origin: string };
  widget: {
    detected: boolean;
    version: string | null;
    /** v2: which widget (v1, v2, custom) and what says so; absent while unknown. */
    kind?: WidgetKind;
    kindEvidence?: string;
    /** v2: present (true) when the page is a Power Pages portal. */
    portal?: true;
    orgId: string | null;
    appId: string | null;
    orgUrl: string | null;
  };
  route: SessionView['route'];
  findings: ReportFinding[];
  invocations: ReportInvocation[];
  widgetErrors: { at: string; errorCode: number | null; description: string }[];
  timeline: { at: string; kind: string; text: string; invocation?: string }[];
  /** Only when DevTools saw the widget's configuration load. */
  config?: ReportConfig;
  /** Only when DevTools saw calls to /auth/ endpoints (never with the token they carried). */
  authCalls?: ReportAuthCall[];
  /** v3: events the record lacks, by reason, when any were dropped: what the report says is from what was kept. */
  lost?: Partial<Record<LossReason, number>>;
  /** v3: "har" when read from a HAR file (the traffic only: nothing of the page's scripts). */
  source?: 'har';
}

export interface ReportOptions {
  /** The page URL; only origin and path are kept. */
  url: string;
  /** Include whole tokens and signatures (an explicit choice in the UI). */
  includeTokens?: boolean;
  /** Unix ms; default: the clock. */
  now?: number;
  /** The session was read from a HAR file. */
  source?: 'har';
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildReport(view: SessionView, options: ReportOptions): Report {
  const includeTokens = options.includeTokens === true;
  const { url, origin } = pageOf(options.url);
  const report: Report = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    createdAt: iso(options.now ?? Date.now()),
    tokensIncluded: includeTokens,
    page: { url, origin },
    widget: {
      detected: view.widget.detected,
      version: view.widget.version,
      ...(view.widget.kind ? { kind: view.widget.kind } : {}),
      ...(view.widget.kindEvidence ? { kindEvidence: view.widget.kindEvidence } : {}),
      ...(view.widget.portal ? { portal: true as const } : {}),
      orgId: view.widget.orgId,
      appId: view.widget.appId,
      orgUrl: view.widget.orgUrl,
    },
    route: view.route,
    findings: view.findings.map(reportFinding),
    invocations: view.invocations.map(invocation => reportInvocation(invocation, includeTokens)),
    widgetErrors: view.widgetErrors.map(e => ({ at: iso(e.at), errorCode: e.errorCode, description: e.description })),
    timeline: view.timeline.map(t => ({
      at: iso(t.at),
      kind: t.kind,
      text: t.text,
      ...(t.invocation ? { invocation: t.invocation } : {}),
    })),
    ...(view.config
      ? {
          config: view.config.reading.ok
            ? { url: view.config.url, ...view.config.reading.config }
            : { url: view.config.url, problem: view.config.reading.problem },
        }
      : {}),
    ...(view.authCalls.length > 0
      ? {
          authCalls: view.authCalls.map(c => ({
            at: iso(c.at),
            url: c.url,
            endpoint: c.endpoint,
            method: c.method,
            status: c.status,
            message: c.message,
            ...(c.error !== undefined ? { error: c.error } : {}),
            seenBy: c.seenBy,
            ...(c.invocation ? { invocation: c.invocation } : {}),
            ...(c.customContext !== undefined ? { customContext: c.customContext } : {}),
          })),
        }
      : {}),
    ...(lostCount(view.lostEvents) > 0
      ? { lost: Object.fromEntries(Object.entries(view.lostEvents).filter(([, n]) => n > 0)) }
      : {}),
    ...(options.source ? { source: options.source } : {}),
  };
  return includeTokens ? report : redactReport(report);
}

/**
 * A report without anything token-shaped in any of its texts (a widget error's detail, a quoted
 * value); a token's header stays, whose `kid` is an id, not a credential.
 */
export function redactReport(report: Report): Report {
  return redactData(report, key => key === 'header');
}

function reportInvocation(invocation: InvocationView, includeTokens: boolean): ReportInvocation {
  const analysis = invocation.analysis;
  // Exactly what the provider handed over (the analysis may have stripped quotes or "Bearer ").
  const handed = invocation.callbacks[0]?.value;
  const raw = typeof handed === 'string' ? handed : null;
  const token: ReportToken | null =
    analysis && (analysis.header || analysis.claims)
      ? {
          header: analysis.header,
          claims: analysis.claims,
          signature: includeTokens ? (analysis.token?.split('.')[2] ?? '') : 'redacted',
          ...(includeTokens && raw ? { raw } : {}),
        }
      : null;
  return {
    id: invocation.key,
    route: invocation.route,
    ...(invocation.functionName ? { functionName: invocation.functionName } : {}),
    startedAt: iso(invocation.startedAt),
    msToToken: invocation.msToToken,
    callbackCount: invocation.callbackCount,
    callbackAsync: invocation.callbackAsync,
    outcome: invocation.outcome,
    errorCode: invocation.errorCode,
    token,
    findings: invocation.findings.map(reportFinding),
    ...(invocation.rerun ? { rerun: true as const } : {}),
    ...(invocation.observed ? { observed: invocation.observed } : {}),
    ...(invocation.received ? { received: reportDelivery(invocation.received) } : {}),
  };
}

function reportDelivery(d: DeliveryView): ReportDelivery {
  return { at: iso(d.at), via: d.via, value: describeHanded(d.value), ...(d.tokenOf ? { tokenOf: d.tokenOf } : {}) };
}

function pageOf(url: string): { url: string; origin: string } {
  let origin = '';
  try {
    origin = new URL(url).origin;
  } catch {
    /* not a URL: no origin */
  }
  return { url: redactUrl(url), origin };
}
