/**
 * A token's sections, shown in an invocation's detail and alone (the paste view): verdict, findings,
 * header and claims (times local, UTC and relative), lwicontexts, Verify signature. Built with `h`.
 */
import { h, prose, quoted, tableHead, type Child } from './dom.js';
import { localTime, utcTime, relativeTime } from './time.js';
import {
  RULES,
  bySeverity,
  type Finding,
  type TokenAnalysis,
  tokenVerdict,
  type Verdict,
  valueText,
} from '../analysis/index.js';
import { verifySection, type VerifyContext } from './verify.js';

/** What the "Verify signature" section needs beyond the token: where to look for the key. */
export type VerifySettings = Omit<VerifyContext, 'raw' | 'now'>;

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/** The paste view's result: the same sections for a token alone. */
export function tokenDetail(analysis: TokenAnalysis, raw: string, nowMs: number, verify: VerifySettings): HTMLElement {
  return h(
    'article',
    { class: 'detail', attrs: { 'aria-label': 'Token analysis' } },
    verdictLine(tokenVerdict(analysis)),
    ...findingsSection(analysis.findings),
    ...tokenSections(analysis, nowMs, { ...verify, raw, now: analysis.times.now }),
  );
}

export const verdictLine = ({ text, tone }: Verdict) =>
  h('p', { class: `verdict ${tone}`, data: { verdict: '' } }, text);

export function section(title: string, ...content: Child[]): HTMLElement {
  return h('section', { attrs: { 'aria-label': title } }, h('h3', null, title), ...content);
}

export function findingsSection(findings: readonly Finding[]): HTMLElement[] {
  if (findings.length === 0) return [section('Findings', h('p', { class: 'empty' }, 'No findings.'))];
  const sorted = bySeverity(findings);
  return [section(`Findings (${findings.length})`, h('ul', { class: 'findings' }, ...sorted.map(findingItem)))];
}

export function findingItem(f: Finding): HTMLElement {
  const rule = RULES[f.rule];
  return h(
    'li',
    { class: `finding ${f.severity}`, data: { rule: f.rule } },
    h(
      'span',
      { class: 'severity', attrs: { 'aria-label': f.severity } },
      f.severity === 'error' ? '✖' : f.severity === 'warning' ? '▲' : 'ℹ',
    ),
    h(
      'div',
      null,
      h('p', { class: 'message' }, ...quoted(f.message)),
      h('p', { class: 'fix' }, h('b', null, 'Fix: '), ...prose(f.fix)),
      h(
        'p',
        { class: 'rule' },
        rule.errorCode === null ? '' : `Leads to error ${rule.errorCode} · `,
        h(
          'a',
          { attrs: { href: `/findings.html#${f.rule}`, target: '_blank', rel: 'noopener' } },
          `${f.rule}: ${rule.title}`,
        ),
      ),
    ),
  );
}

export function tokenSections(analysis: TokenAnalysis, nowMs: number, verify: VerifyContext): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (analysis.header) out.push(section('Header', keyValueTable(analysis.header, 'Header', nowMs)));
  if (analysis.claims) out.push(section('Claims', keyValueTable(analysis.claims, 'Claims', nowMs)));
  if (analysis.contexts) out.push(section('lwicontexts', contextsTable(analysis)));
  // Not checked yet: the Verify section below is where the key is given, so say that instead of "no key".
  const signature =
    analysis.signature.status === 'not-checked' && analysis.header
      ? 'Not checked yet: give the public key in Verify signature below.'
      : analysis.signature.detail;
  out.push(section('Signature', h('p', null, signature)));
  if (analysis.header) out.push(verifySection(verify));
  return out;
}

export function keyValueTable(values: Record<string, unknown>, label: string, nowMs: number): HTMLElement {
  const timeHeads = label === 'Claims' && Object.keys(values).some(k => TIME_CLAIMS.has(k));
  return h(
    'table',
    { class: 'grid', attrs: { 'aria-label': label } },
    tableHead('Name', 'Value', timeHeads && 'As a time'),
    h(
      'tbody',
      null,
      ...Object.entries(values).map(([name, value]) =>
        h(
          'tr',
          null,
          h('td', { class: 'name' }, name),
          h('td', { class: 'value' }, valueText(value)),
          timeHeads &&
            h(
              'td',
              null,
              TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)
                ? timeCell(value, nowMs, name)
                : '',
            ),
        ),
      ),
    ),
  );
}

export function timeCell(seconds: number, nowMs: number, name: string): HTMLElement {
  const ms = seconds * 1000;
  const verb =
    name === 'exp'
      ? ms > nowMs
        ? 'expires'
        : 'expired'
      : name === 'nbf'
        ? ms > nowMs
          ? 'valid'
          : 'valid since'
        : 'issued';
  return h(
    'span',
    { class: 'time' },
    h('span', null, localTime(ms)),
    h('span', { class: 'utc' }, utcTime(ms)),
    h('span', { class: 'relative' }, `${verb} ${relativeTime(ms, nowMs)}`),
  );
}

export function contextsTable(analysis: TokenAnalysis): HTMLElement {
  const entries = analysis.contexts?.entries;
  if (!entries)
    return h('p', null, 'Could not be read as an object: ', h('code', null, valueText(analysis.contexts?.raw)));
  if (entries.length === 0) return h('p', { class: 'empty' }, 'No entries.');
  return h(
    'table',
    { class: 'grid', attrs: { 'aria-label': 'lwicontexts entries' } },
    tableHead('Key', 'Value', 'Type', 'Known to the work stream'),
    h(
      'tbody',
      null,
      ...entries.map(e =>
        h(
          'tr',
          { data: { known: e.known } },
          h('td', { class: 'name' }, e.name),
          h('td', { class: 'value' }, valueText(e.value)),
          h(
            'td',
            null,
            e.valueType +
              (e.wrapped
                ? ` (wrapped${e.isDisplayable === undefined ? '' : `, isDisplayable ${e.isDisplayable}`})`
                : ''),
          ),
          h('td', null, e.known === 'unknown' ? 'not configured' : e.known),
        ),
      ),
    ),
  );
}
