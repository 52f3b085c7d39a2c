/**
 * "Export report" and "Copy summary": the current page session as report format v1
 * (docs/report-format.md), downloaded as a file or summarised as Markdown on the clipboard.
 * Signatures stay redacted unless the user ticked "Include full tokens".
 */
import { buildReport, type Report, reportSummary } from '../analysis/index.js';
import type { LoadedSession } from './source.js';

export function reportOf(session: LoadedSession, includeTokens: boolean): Report {
  return buildReport(session.assembly.view(), {
    url: session.url,
    includeTokens,
    now: Date.now(),
    ...(session.fromFile ? { source: 'har' as const } : {}),
  });
}

/** lcw-auth-report-<host>-<timestamp>.json, safe as a file name on every system. */
export function reportFileName(report: Report): string {
  let host = 'page';
  try {
    host = new URL(report.page.url).host || 'page';
  } catch {
    /* no URL: "page" */
  }
  const stamp = report.createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `lcw-auth-report-${host.replace(/[^a-zA-Z0-9.-]/g, '_')}-${stamp}.json`;
}

/** Downloads the report; returns what to tell the user. */
export function exportReport(session: LoadedSession, includeTokens: boolean): string {
  const report = reportOf(session, includeTokens);
  const name = reportFileName(report);
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return (
    `Exported ${name} (${report.invocations.length} invocation${report.invocations.length === 1 ? '' : 's'}, ` +
    `${includeTokens ? 'full tokens included' : 'signatures redacted'}).`
  );
}

/** Puts the Markdown summary on the clipboard; returns what to tell the user. */
export async function copySummary(session: LoadedSession): Promise<string> {
  const text = reportSummary(reportOf(session, false));
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // DevTools panels may refuse the async clipboard (not focused, permissions policy): fall back.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) return 'The browser refused the clipboard: use Export report instead.';
  }
  return `Summary copied (${text.split('\n').length} lines of Markdown, signatures redacted).`;
}
