/** Facts about the project that must stay true: docs in step with the catalog, a pure engine. */
import { test, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { renderFindingsDoc } from '../../src/analysis/findings-doc.js';

test('docs/findings.md is generated from the current rule catalog (run `npm run docs`)', () => {
  expect(readFileSync('docs/findings.md', 'utf8')).toBe(renderFindingsDoc());
});

test('the analysis engine imports nothing but jose, itself and the (pure) protocol, and touches no browser or Node API', () => {
  for (const file of readdirSync('src/analysis')) {
    const source = readFileSync(`src/analysis/${file}`, 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map(m => m[1]);
    expect(imports.filter(name => name !== 'jose' && !name!.startsWith('./') && !name!.startsWith('../protocol/')), file).toEqual([]);
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"/g, '');
    expect(code, file).not.toMatch(/\b(window|document|chrome|browser|process)\.[a-zA-Z]|\brequire\(/);
  }
});

test('token rules lead only to errors 3 or 4 (analyzeToken types its prediction so)', async () => {
  const { RULES, RULE_IDS } = await import('../../src/analysis/rules.js');
  const tokenRules = RULE_IDS.filter(id => !/^(registration|invocation)\./.test(id));
  expect(tokenRules.filter(id => ![3, 4, null].includes(RULES[id].errorCode))).toEqual([]);
});
