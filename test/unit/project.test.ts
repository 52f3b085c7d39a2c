/** Facts about the project that must stay true: docs in step with the catalog, a pure engine, the layout's imports. */
import { test, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { renderFindingsDoc } from '../../src/analysis/findings/findings-doc.js';

test('docs/findings.md is generated from the current rule catalog (run `npm run docs`)', () => {
  expect(readFileSync('docs/findings.md', 'utf8')).toBe(renderFindingsDoc());
});

test('docs/findings.md explains every rule of the catalog (each rule is in a group)', async () => {
  const { RULE_IDS } = await import('../../src/analysis/findings/rules.js');
  const documented = [...renderFindingsDoc().matchAll(/^### `([^`]+)`$/gm)].map(m => m[1]);
  expect(documented.sort()).toEqual([...RULE_IDS].sort());
});

/** Every TypeScript file under src/, with the project folders it imports (by top folder under src/) and the packages. */
function sources(): { file: string; folder: string; code: string; folders: string[]; packages: string[] }[] {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts'));
  return files.map(file => {
    const source = readFileSync(`src/${file}`, 'utf8');
    const folder = file.split('/')[0]!;
    const imports = [...source.matchAll(/(?:from|import) '([^']+)'/g)].map(m => m[1]!);
    const folders = imports
      .filter(name => name.startsWith('.'))
      .map(name => new URL(name, `file:///src/${file}`).pathname)
      .map(path => (path.startsWith('/src/') ? path.split('/')[2]! : `..${path.slice(0, path.lastIndexOf('/'))}`))
      .filter(name => name !== folder);
    const packages = imports.filter(name => !name.startsWith('.'));
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"/g, '');
    return { file, folder, code, folders, packages };
  });
}

/** Which other folders under src/ each folder may import: the layers of docs/architecture.md. */
const MAY_IMPORT: Record<string, string[]> = {
  protocol: [],
  record: ['protocol'],
  analysis: ['protocol', 'record'],
  hook: ['protocol'],
  relay: ['protocol'],
  background: ['protocol', 'record'],
  devtools: ['protocol', 'record', 'analysis'],
  cli: ['protocol', 'analysis', '../docs'],
  simulator: ['protocol'],
  demo: ['protocol', 'simulator', '..'],
};

test('each folder imports only the layers below it: nothing between devtools and background, record/ below both', () => {
  const all = sources();
  expect(new Set(all.map(s => s.folder))).toEqual(new Set(Object.keys(MAY_IMPORT)));
  for (const { file, folder, folders } of all) {
    expect(
      folders.filter(f => !MAY_IMPORT[folder]!.includes(f)),
      file,
    ).toEqual([]);
  }
});

test('the analysis engine, the protocol and the record format use jose at most, and touch no browser or Node API', () => {
  const pure = sources().filter(s => ['analysis', 'protocol'].includes(s.folder) || s.file === 'record/format.ts');
  expect(pure.length).toBeGreaterThan(20);
  for (const { file, code, packages } of pure) {
    expect(
      packages.filter(name => name !== 'jose'),
      file,
    ).toEqual([]);
    expect(code, file).not.toMatch(/\b(window|document|chrome|browser|process)\.[a-zA-Z]|\brequire\(/);
    // The engine reads only the record's pure format, never the side that reads storage.
    expect(readFileSync(`src/${file}`, 'utf8'), file).not.toMatch(/from '\.\.\/record\/read/);
  }
});

test('token rules lead only to errors 3 or 4 (analyzeToken types its prediction so)', async () => {
  const { RULES, RULE_IDS } = await import('../../src/analysis/findings/rules.js');
  const tokenRules = RULE_IDS.filter(id => !/^(registration|invocation|widget)\./.test(id));
  expect(tokenRules.filter(id => ![3, 4, null].includes(RULES[id].errorCode))).toEqual([]);
});
