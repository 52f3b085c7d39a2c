/**
 * A report as Markdown for a ticket ("Copy summary" in the panel, `lcw-auth report` on the
 * command line). Text from the page is escaped so it cannot become links, images or markup.
 */
import { RULES } from '../findings/rules.js';
import { invocationCountKey, reportVerdict, widgetKindText } from './verdict.js';
import type { Report } from './report.js';
import type { Finding } from '../findings/finding.js';
import { describeConfig } from '../traffic/omnichannel.js';

/** How many invocations the table lists (the newest); the rest are counted. */
export const SUMMARY_INVOCATIONS = 20;

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

export function reportSummary(report: Report, { markdown = true }: SummaryOptions = {}): string {
  const mdText = markdown ? mdTextFn : oneLine;
  const findingLine = (f: Finding) =>
    `- **${f.severity}** \`${f.rule}\`: ${mdText(f.message, 300)} Fix: ${mdText(f.fix, 300)}`;
  const lines: string[] = [];
  const latest = report.invocations.at(-1);
  lines.push(`## LCW auth report: ${mdText(report.page.url || '(no page URL)')}`, '');
  lines.push(`**${mdText(reportVerdict(report, latest).text)}**`, '');
  const w = report.widget;
  const codes = countBy(report.invocations.map(invocationCountKey));
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
  lines.push(`| Token route | ${report.route ?? 'none seen'} |`);
  lines.push(
    `| Invocations | ` +
      `${report.invocations.length}${codes.length ? ` (${codes.map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''} |`,
  );
  lines.push(
    `| Widget errors | ${
      report.widgetErrors.length === 0
        ? 'none'
        : countBy(report.widgetErrors.map(e => (e.errorCode === null ? 'no code' : String(e.errorCode))))
            .map(([k, n]) => `${k} ×${n}`)
            .join(', ')
    } |`,
  );
  lines.push(
    `| Report | ${report.format} v${report.version}, ` +
      `${report.createdAt}${report.tokensIncluded ? ', **full tokens included**' : ', signatures redacted'} |`,
    '',
  );

  if (report.findings.length > 0) lines.push('### Page', '', ...report.findings.map(findingLine), '');

  if (report.invocations.length > 0) {
    const shown = report.invocations.slice(-SUMMARY_INVOCATIONS);
    lines.push('### Invocations', '');
    if (shown.length < report.invocations.length)
      lines.push(`The newest ${shown.length} of ${report.invocations.length}.`, '');
    lines.push(
      '| # | Started (UTC) | Outcome | Time to token | Callback | Predicted error |',
      '|---|---|---|---|---|---|',
    );
    for (const i of shown) {
      const callback = i.callbackAsync === null ? 'none' : `${i.callbackAsync ? 'async' : 'sync'} ×${i.callbackCount}`;
      lines.push(
        `| ${mdText(i.id)} | ${i.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} | ${i.outcome} ` +
          `| ${i.msToToken === null ? '—' : `${Math.round(i.msToToken)} ms`} | ${callback} | ` +
          `${i.errorCode ?? 'none'} |`,
      );
    }
    lines.push('');
    const rules = countBy(
      report.invocations.flatMap(i => [...new Set(i.findings.filter(f => f.severity !== 'info').map(f => f.rule))]),
    );
    if (rules.length > 0) {
      lines.push(
        'Findings across invocations:',
        '',
        ...rules.map(
          ([rule, n]) =>
            `- \`${rule}\` (${RULES[rule as keyof typeof RULES]?.title ?? rule}): ${n} of ${report.invocations.length}`,
        ),
        '',
      );
    }
  }

  if (latest) {
    lines.push(`### Latest invocation (${mdText(latest.id)})`, '');
    lines.push(...(latest.findings.length ? latest.findings.map(findingLine) : ['No findings.']), '');
    if (latest.token?.claims) {
      lines.push('| Claim | Value |', '|---|---|');
      for (const [name, value] of Object.entries(latest.token.claims))
        lines.push(`| ${mdText(name, 80)} | ${mdText(typeof value === 'string' ? value : safeJson(value), 200)} |`);
      lines.push('');
    }
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
            `- ${c.at}: ${mdText(`${c.method} ${c.endpoint}`)} → ${c.status}` +
            (c.message ? ` ${mdText(c.message)}` : '') +
            (c.invocation ? ` (invocation ${mdText(c.invocation)})` : ''),
        ),
      '',
    );
  }
  if (report.widgetErrors.length > 0) {
    lines.push(
      '### Widget errors',
      '',
      ...report.widgetErrors
        .slice(-SUMMARY_INVOCATIONS)
        .map(e => `- ${e.at}: ${e.errorCode === null ? '' : `error ${e.errorCode}: `}${mdText(e.description)}`),
      '',
    );
  }
  lines.push("Each finding is explained in the extension's findings page (docs/findings.md).");
  return `${lines.join('\n')}\n`;
}

/** How often each key occurs, in order of first occurrence. */
export function countBy(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts];
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(cannot be shown)';
  }
}
