/**
 * A report as Markdown for a ticket ("Copy summary" in the panel, `lcw-auth report` on the
 * command line). Text from the page is escaped so it cannot become links, images or markup.
 */
import { RULES } from '../findings/rules.js';
import { invocationCountKey, invocationVerdict, outcomeWords, reportVerdict } from './verdict.js';
import { countName, errorName } from '../findings/error-words.js';
import { widgetKindText } from './page-words.js';
import type { Report, ReportInvocation } from './report.js';
import { DROP_REASONS } from '../session/timeline.js';
import { invocationLabel, type LossReason } from '../session/session-view.js';
import type { Finding } from '../findings/finding.js';
import { describeConfig } from '../traffic/omnichannel.js';
import { countBy, utcText } from '../words/text.js';

/** How many invocations the table lists (the newest); the rest are counted. */
export const SUMMARY_INVOCATIONS = 20;
/** How many findings a list shows; the rest are counted (the report file holds them all). */
export const SUMMARY_FINDINGS = 50;

/** Page text as inert Markdown: on one line, the characters that make links, markup, code or table cells escaped. */
export function mdText(text: string, max = 300): string {
  return oneLine(text, max).replace(/[\\`*_[\]<>|~]/g, c => `\\${c}`);
}

function oneLine(text: string, max = 300): string {
  const line = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return line.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

const mdTextFn = mdText;

export interface SummaryOptions {
  /** false for a terminal: the same layout, page text left unescaped (the caller makes it safe). */
  markdown?: boolean;
}

/** What a HAR file cannot say (it holds the wire, not the page). */
export const NOT_IN_HAR = 'not in a HAR file';

export function reportSummary(report: Report, { markdown = true }: SummaryOptions = {}): string {
  const mdText = markdown ? mdTextFn : oneLine;
  const findingLine = (f: Finding) =>
    `- **${f.severity}** \`${f.rule}\`: ${mdText(f.message, 300)} Fix: ${mdText(f.fix, 300)}`;
  const har = report.source === 'har';
  const lines: string[] = [];
  const own = report.invocations.filter(i => !i.rerun);
  const reruns = report.invocations.filter(i => i.rerun);
  const latest = own.at(-1);
  lines.push(`## LCW auth report: ${mdText(report.page.url || '(no page URL)')}`, '');
  lines.push(`**${mdText(reportVerdict(report).text, 2000)}**`, '');
  const w = report.widget;
  const codes = countBy(own.map(invocationCountKey));
  const widgetParts = [
    widgetKindText(w) ?? w.version ?? 'version unknown',
    w.orgId && `org ${w.orgId}`,
    w.appId && `app ${w.appId}`,
    w.orgUrl,
  ];
  lines.push('| | |', '|---|---|');
  lines.push(`| Widget | ${w.detected ? mdText(widgetParts.filter(Boolean).join(' · ')) : 'not found'} |`);
  if (report.config) {
    const c = report.config;
    lines.push(`| Configuration | ${mdText('problem' in c ? c.problem : describeConfig(c).join(' · '))} |`);
  }
  lines.push(`| Token route | ${har ? NOT_IN_HAR : (report.route ?? 'none seen')} |`);
  lines.push(
    `| Invocations | ${own.length}` +
      `${codes.length ? ` (${codes.map(([k, n]) => `${countName(k)}: ${n}`).join(', ')})` : ''} |`,
  );
  if (reruns.length > 0)
    lines.push(`| Called from the panel | ${reruns.length} (their tokens went to nobody; not counted above) |`);
  const raised = countBy(report.widgetErrors.map(e => (e.errorCode === null ? 'no code' : errorName(e.errorCode))));
  const errorsSeen = raised.length === 0 ? 'none' : raised.map(([k, n]) => `${k} ×${n}`).join(', ');
  lines.push(`| Widget errors | ${har ? NOT_IN_HAR : errorsSeen} |`);
  const gaps = Object.entries(report.lost ?? {}).filter(([, n]) => (n ?? 0) > 0);
  if (gaps.length > 0)
    lines.push(`| Dropped | ${gaps.map(([why, n]) => `${n} events: ${DROP_REASONS[why as LossReason]}`).join('; ')} |`);
  lines.push(
    `| Report | ${report.format} v${report.version}, ` +
      `${report.createdAt}${tokensWords(report)}` +
      `${har ? ', from a HAR file' : ''} |`,
    '',
  );

  if (report.findings.length > 0) {
    // Pushed one by one and bounded: a report of 800,000 findings must not overflow the stack.
    lines.push('### Page', '');
    for (const f of report.findings.slice(0, SUMMARY_FINDINGS)) lines.push(findingLine(f));
    if (report.findings.length > SUMMARY_FINDINGS)
      lines.push(`- … and ${report.findings.length - SUMMARY_FINDINGS} more findings in the report file.`);
    lines.push('');
  }

  if (own.length > 0) {
    const shown = own.slice(-SUMMARY_INVOCATIONS);
    lines.push('### Invocations', '');
    if (shown.length < own.length) lines.push(`The newest ${shown.length} of ${own.length}.`, '');
    lines.push('| # | Started (UTC) | Outcome | Time to token | Callback | Error |', '|---|---|---|---|---|---|');
    for (const i of shown) lines.push(invocationRow(i, mdText));
    lines.push('');
    const rules = countBy(
      own.flatMap(i => [...new Set(i.findings.filter(f => f.severity !== 'info').map(f => f.rule))]),
    );
    if (rules.length > 0) {
      lines.push(
        'Findings across invocations:',
        '',
        ...rules.map(
          ([rule, n]) => `- \`${rule}\` (${RULES[rule as keyof typeof RULES]?.title ?? rule}): ${n} of ${own.length}`,
        ),
        '',
      );
    }
  }

  if (latest) {
    lines.push(`### Latest invocation (${invocationLabel(latest.id)})`, '');
    if (latest.observed) lines.push(`Observed: ${mdText(latest.observed.seen)}`, '');
    for (const f of latest.findings.slice(0, SUMMARY_FINDINGS)) lines.push(findingLine(f));
    if (latest.findings.length === 0) lines.push('No findings.');
    else if (latest.findings.length > SUMMARY_FINDINGS)
      lines.push(`- … and ${latest.findings.length - SUMMARY_FINDINGS} more findings in the report file.`);
    lines.push('');
    if (latest.token?.claims) {
      lines.push('| Claim | Value |', '|---|---|');
      for (const [name, value] of Object.entries(latest.token.claims))
        lines.push(`| ${mdText(name, 80)} | ${mdText(typeof value === 'string' ? value : safeJson(value), 200)} |`);
      lines.push('');
    }
  }
  if (reruns.length > 0) {
    lines.push('### Called from the panel ("Call provider again")', '');
    lines.push('What these handed over went to nobody: they say what the provider gives now, not what the widget got.');
    lines.push(
      '',
      ...reruns.slice(-SUMMARY_INVOCATIONS).map(i => `- ${invocationLabel(i.id)}: ${mdText(rerunVerdict(i))}`),
    );
    lines.push('');
  }
  const failed = (report.authCalls ?? []).filter(c => c.status >= 400);
  if (failed.length > 0) {
    lines.push(
      '### Service answers that failed',
      '',
      ...failed
        .slice(-SUMMARY_INVOCATIONS)
        .map(
          c =>
            `- ${utcText(c.at) ?? mdText(c.at)}: ${mdText(`${c.method} ${c.endpoint}`)} → ${c.status}` +
            (c.message ? ` ${mdText(c.message)}` : '') +
            (c.invocation ? ` (invocation ${invocationLabel(c.invocation)})` : ''),
        ),
      '',
    );
  }
  if (report.widgetErrors.length > 0) {
    lines.push(
      '### Widget errors',
      '',
      ...report.widgetErrors.slice(-SUMMARY_INVOCATIONS).map(e => {
        const code = e.errorCode === null ? '' : `${errorName(e.errorCode)}: `;
        return `- ${utcText(e.at) ?? mdText(e.at)}: ${code}${mdText(e.description)}`;
      }),
      '',
    );
  }
  lines.push("Each finding is explained in the extension's findings page (docs/findings.md).");
  return `${lines.join('\n')}\n`;
}

/** What the file really holds of the tokens, whatever its tokensIncluded says. */
function tokensWords(report: Report): string {
  const held = report.invocations.some(
    i => i.token?.raw !== undefined || (i.token && i.token.signature !== 'redacted'),
  );
  if (report.tokensIncluded) return ', **full tokens included**';
  return held ? ', **holds full tokens or signatures, although it says they were left out**' : ', signatures redacted';
}

/** One row of the invocations table; a token seen only on the wire has no provider timing to show. */
function invocationRow(i: ReportInvocation, text: (s: string) => string): string {
  const wire = i.route === 'wire';
  const callback = wire
    ? 'not seen (wire only)'
    : i.callbackAsync === null
      ? 'none'
      : `${i.callbackAsync ? 'async' : 'sync'} ×${i.callbackCount}`;
  const time = wire ? 'not seen' : i.msToToken === null ? '—' : `${Math.round(i.msToToken)} ms`;
  const outcome = wire ? 'token seen on the wire' : outcomeWords(i);
  const observed = i.observed?.code ?? null;
  const error = observed !== null ? `${observed} observed` : i.errorCode !== null ? `${i.errorCode} expected` : 'none';
  const started = (utcText(i.startedAt) ?? i.startedAt).replace(/(\.\d+)? UTC$/, '');
  return `| ${invocationLabel(i.id)} | ${started} | ${text(outcome)} | ${time} | ${callback} | ${error} |`;
}

/** A panel call's own result, in the verdict's words. */
const rerunVerdict = (i: ReportInvocation) => invocationVerdict({ ...i, analysed: i.token !== null }).text;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(cannot be shown)';
  }
}
