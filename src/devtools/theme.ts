/**
 * Follows the DevTools theme, live: devtools.panels.themeName inside DevTools ("dark", or
 * "default"/"light"), then every change (Chrome calls the handler given to setThemeChangeHandler,
 * Firefox fires onThemeChanged); the system's colour scheme in a normal tab; `?theme=` when asked.
 */
import browser from 'webextension-polyfill';

type Panels = typeof browser.devtools.panels & {
  onThemeChanged?: { addListener(cb: (name: string) => void): void };
};
/** Chrome's own spelling: a handler, not an event (the polyfill does not wrap it). */
type ChromePanels = { setThemeChangeHandler?: (cb: (name: string) => void) => void };

export function followTheme(requested: string | null): void {
  const system = () => matchMedia('(prefers-color-scheme: dark)');
  const apply = (name: string | undefined) => {
    const dark = name === 'dark' || (name === undefined && system().matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  };
  if (requested === 'dark' || requested === 'light') {
    apply(requested);
    return;
  }
  const panels = browser.devtools?.panels as Panels | undefined;
  if (panels?.themeName) {
    const named = (name: string) => apply(name === 'dark' ? 'dark' : 'light');
    named(panels.themeName);
    const chromePanels = (globalThis as { chrome?: { devtools?: { panels?: ChromePanels } } }).chrome?.devtools?.panels;
    if (typeof chromePanels?.setThemeChangeHandler === 'function') chromePanels.setThemeChangeHandler(named);
    else panels.onThemeChanged?.addListener(named);
    return;
  }
  apply(undefined);
  system().addEventListener('change', () => apply(undefined));
}
