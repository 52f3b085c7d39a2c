/**
 * Follows the DevTools theme: devtools.panels.themeName inside DevTools ("dark", or
 * "default"/"light"), the system's colour scheme in a normal tab, `?theme=` when asked.
 */
import browser from 'webextension-polyfill';

export function followTheme(requested: string | null): void {
  const apply = (name: string | undefined) => {
    const dark = name === 'dark' || (name === undefined && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  };
  if (requested === 'dark' || requested === 'light') {
    apply(requested);
    return;
  }
  const panels = browser.devtools?.panels as
    | (typeof browser.devtools.panels & { onThemeChanged?: { addListener(cb: (name: string) => void): void } })
    | undefined;
  if (panels?.themeName) {
    apply(panels.themeName === 'dark' ? 'dark' : 'light');
    panels.onThemeChanged?.addListener(name => apply(name === 'dark' ? 'dark' : 'light'));
    return;
  }
  apply(undefined);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(undefined));
}
