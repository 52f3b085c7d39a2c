/** The panel follows a live switch of the DevTools theme, in Chrome's spelling and in Firefox's. */
import { test, expect, vi, beforeEach } from 'vitest';

const panels = vi.hoisted(() => ({ themeName: 'default', listeners: [] as ((name: string) => void)[] }));
vi.mock('webextension-polyfill', () => ({
  default: {
    devtools: {
      panels: {
        get themeName() {
          return panels.themeName;
        },
        onThemeChanged: { addListener: (cb: (name: string) => void) => panels.listeners.push(cb) },
      },
    },
  },
}));
const { followTheme } = await import('../../src/devtools/theme.js');

const dataset: Record<string, string> = {};
beforeEach(() => {
  panels.listeners = [];
  delete dataset.theme;
  vi.stubGlobal('document', { documentElement: { dataset } });
  vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {} }));
});

test("Chrome: the handler given to setThemeChangeHandler switches the panel's theme", () => {
  let handler: ((name: string) => void) | undefined;
  vi.stubGlobal('chrome', { devtools: { panels: { setThemeChangeHandler: (cb: typeof handler) => (handler = cb) } } });
  followTheme(null);
  expect(dataset.theme).toBe('light');
  handler!('dark');
  expect(dataset.theme).toBe('dark');
  handler!('default');
  expect(dataset.theme).toBe('light');
});

test('Firefox: onThemeChanged switches it', () => {
  vi.stubGlobal('chrome', undefined);
  panels.themeName = 'dark';
  followTheme(null);
  expect(dataset.theme).toBe('dark');
  panels.listeners.forEach(cb => cb('light'));
  expect(dataset.theme).toBe('light');
});
