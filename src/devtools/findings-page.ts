/** findings.html: the rule catalog as a page the panel's "about this finding" links point into. */
import { RULES, RULE_IDS, RULE_GROUPS } from '../analysis/index.js';
import { h, prose } from './dom.js';

const root = document.getElementById('rules')!;
for (const [prefix, title] of RULE_GROUPS) {
  const ids = RULE_IDS.filter(id => id.startsWith(prefix));
  if (ids.length === 0) continue;
  root.append(
    h('h2', null, ...prose(title)),
    ...ids.map(id => {
      const rule = RULES[id];
      return h(
        'article',
        { attrs: { id } },
        h('h3', null, h('code', null, id), ` ${rule.title}`),
        h(
          'p',
          null,
          h('b', null, 'Severity: '),
          rule.severity,
          rule.errorCode === null ? '' : ` · leads to widget error ${rule.errorCode}`,
        ),
        h('p', null, ...prose(rule.meaning)),
        h('p', null, h('b', null, 'Fix: '), ...prose(rule.fix)),
      );
    }),
  );
}
// The anchor did not exist when the page loaded: go to it now.
if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
