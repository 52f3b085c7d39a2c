/** Renders docs/findings.md from the rule catalog (`npm run docs`); a test keeps the file current. */
import { RULES, RULE_IDS, type RuleId } from './rules.js';
import { ERROR_MEANINGS } from './error-words.js';

export const RULE_GROUPS: [prefix: string, title: string][] = [
  ['token.', 'The value the provider handed over'],
  ['header.', 'Header'],
  ['payload.', 'Payload'],
  ['claims.', 'Claims'],
  ['time.', 'Time'],
  ['contexts.', 'Custom context (`lwicontexts`)'],
  ['signature.', 'Signature'],
  ['key.', 'The public key document and its URL'],
  ['registration.', 'Provider registration (seen by the page hook)'],
  ['invocation.', 'Provider invocations (seen by the page hook)'],
  ['config.', "The widget's configuration (read from its traffic while DevTools is open)"],
  ['auth.', "The service's answers to the widget's `/auth/` calls"],
  ['session.', 'Across the invocations of a page'],
  ['widget.', "The widget's own words (its error panes, read in its frame)"],
  ['analysis.', 'The analysis itself'],
];

export function renderFindingsDoc(): string {
  const out = [
    '# Findings',
    '',
    '<!-- Generated from src/analysis/findings/rules.ts by `npm run docs`: edit the catalog, not this file. -->',
    '',
    'Every finding the panel and `lcw-auth` can show, by rule id. **Severity**: `error` means',
    'Omnichannel will not accept the token (or the hand-off fails); `warning` means it works now but',
    'is fragile or not what was meant; `info` is worth knowing. **Widget error** is the `lcw:error`',
    'code the finding leads to (see `docs/architecture.md` for how the prediction is made).',
    '',
    '## The widget errors',
    '',
    'What customers quote, and how every headline names them. "Expected" is predicted from what the',
    'provider handed over; "observed" means the widget raised it (or the service refused the token, or',
    "the widget's frame received nothing) after that invocation: observed beats expected.",
    '',
    '| Error | Meaning |',
    '|---|---|',
    ...Object.entries(ERROR_MEANINGS).map(([code, meaning]) => `| ${code} | ${meaning} |`),
    '',
  ];
  for (const [prefix, title] of RULE_GROUPS) {
    const ids = RULE_IDS.filter(id => id.startsWith(prefix));
    if (ids.length === 0) continue;
    out.push(`## ${title}`, '');
    for (const id of ids) out.push(...renderRule(id));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderRule(id: RuleId): string[] {
  const rule = RULES[id];
  return [
    `### \`${id}\``,
    '',
    `**${rule.title}**: severity \`${rule.severity}\`, widget error ${rule.errorCode ?? 'none'}.`,
    '',
    rule.meaning,
    '',
    `*Fix:* ${rule.fix}`,
    '',
  ];
}
