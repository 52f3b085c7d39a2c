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

interface Source {
  /** The path under src/, e.g. `analysis/token/claims.ts`. */
  file: string;
  /** The top folder under src/. */
  folder: string;
  code: string;
  /** Every file this one imports, type-only imports included: a path under src/, or `../x` outside it. */
  imports: string[];
  /** The top folders under src/ (or `..`-relative folders outside it) it imports from, its own left out. */
  folders: string[];
  packages: string[];
}

/** Every TypeScript file under src/, with what it imports. */
function sources(): Source[] {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts'));
  return files.map(file => {
    const source = readFileSync(`src/${file}`, 'utf8');
    const folder = file.split('/')[0]!;
    const specifiers = [...source.matchAll(/(?:from|import) '([^']+)'/g)].map(m => m[1]!);
    const imports = specifiers
      .filter(name => name.startsWith('.'))
      .map(name => new URL(name, `file:///src/${file}`).pathname.replace(/\.js$/, '.ts'))
      .map(path => (path.startsWith('/src/') ? path.slice('/src/'.length) : `..${path}`));
    const folders = imports
      .map(path => (path.startsWith('..') ? path.slice(0, path.lastIndexOf('/')) : path.split('/')[0]!))
      .filter(name => name !== folder);
    const packages = specifiers.filter(name => !name.startsWith('.'));
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"/g, '');
    return { file, folder, code, imports, folders, packages };
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
  // '..': package.json, for --version.
  cli: ['protocol', 'analysis', '../docs', '..'],
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

/** The engine's rooms and which others each may import: words and findings at the bottom, the report on top. */
const ENGINE_MAY_IMPORT: Record<string, string[]> = {
  words: [],
  findings: [],
  traffic: ['words'],
  keys: ['findings', 'words'],
  token: ['findings', 'keys', 'words'],
  session: ['findings', 'token', 'traffic', 'words'],
  report: ['findings', 'session', 'token', 'traffic', 'words'],
};

test("the engine's rooms import only the rooms below them; only index.ts sits at the engine's top", () => {
  const engine = sources().filter(s => s.folder === 'analysis');
  const room = (path: string) => path.split('/')[1]!;
  expect(engine.filter(s => s.file.split('/').length !== 3 && s.file !== 'analysis/index.ts').map(s => s.file)).toEqual(
    [],
  );
  expect(new Set(engine.filter(s => s.file !== 'analysis/index.ts').map(s => room(s.file)))).toEqual(
    new Set(Object.keys(ENGINE_MAY_IMPORT)),
  );
  for (const { file, imports } of engine.filter(s => s.file !== 'analysis/index.ts')) {
    const rooms = imports.filter(path => path.startsWith('analysis/')).map(room);
    expect(
      rooms.filter(r => r !== room(file) && !ENGINE_MAY_IMPORT[room(file)]!.includes(r)),
      file,
    ).toEqual([]);
  }
});

/** The first import circle found among `files` (a list of paths that leads back to its start), or null. */
function findCircle(files: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of files.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of files.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return null;
}

test('the circle finder finds a circle of any length, and none where there is none', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
  expect(findCircle(graph({ a: ['b'], b: ['c'], c: [] }))).toBeNull();
  expect(findCircle(graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  expect(findCircle(graph({ a: ['a'] }))).toEqual(['a', 'a']);
  expect(findCircle(graph({ x: ['a'], a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a']);
});

test('no file in src/ imports itself back through any chain of imports, type-only ones included', () => {
  const graph = new Map(sources().map(s => [s.file, s.imports] as const));
  expect(findCircle(graph)).toBeNull();
});

test('the panel and the CLI reach the engine only through its door, analysis/index.ts', () => {
  const outside = sources().filter(s => s.folder === 'devtools' || s.folder === 'cli');
  for (const { file, imports } of outside) {
    expect(
      imports.filter(path => path.startsWith('analysis/') && path !== 'analysis/index.ts'),
      file,
    ).toEqual([]);
  }
});

/** The one file allowed past 300 lines: the rule catalog, one data table that reads as one document. */
const LONG_FILES = ['analysis/findings/rules.ts'];

test('every file in src/ is at most 300 lines (but the rule catalog), every line at most 120 characters', () => {
  for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(f => /\.(ts|js)$/.test(f))) {
    const lines = readFileSync(`src/${file}`, 'utf8').split('\n');
    if (!LONG_FILES.includes(file)) expect(lines.length, file).toBeLessThanOrEqual(300 + 1);
    expect(lines.filter(line => line.length > 120).length, file).toBe(0);
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
