/** What the page did, in words the panel's status and the summary share: the provider, the widget. */
import type { PageView, WidgetKind } from '../session/session-view.js';

/** How the provider was registered, in words: "registered after lcw:ready", "client function (...)", ... */
export function providerStatus(page: Pick<PageView, 'route' | 'registrations' | 'widget'>): string {
  const registration = page.registrations.at(-1);
  if (page.route === 'clientFunction') return 'client function (widget asks the page)';
  // A custom widget hands its getAuthToken to the Chat SDK inside the page's own code: no window SDK to watch.
  if (!registration && page.widget.kind === 'custom') return "inside the page's Chat SDK (getAuthToken): not watched";
  if (!registration) return 'not registered';
  if (!registration.isFunction) return `set to a ${registration.argumentType}, not a function`;
  return registration.beforeReady ? 'registered before lcw:ready' : 'registered after lcw:ready';
}

/** Whether the page has a provider "Call provider again" can call. */
export const hasCallableProvider = (page: Pick<PageView, 'route' | 'registrations'>): boolean =>
  page.registrations.some(r => r.isFunction) || page.route === 'clientFunction';

/** Which widget, and what says so ("v2 (its frame is chatv2.html)"), and a portal; null while nothing is known. */
export function widgetKindText(w: {
  kind?: WidgetKind | null;
  kindEvidence?: string | null;
  portal?: boolean;
}): string | null {
  const portal = w.portal ? ' · on a Power Pages portal' : '';
  if (!w.kind) return portal ? `version unknown${portal}` : null;
  return `${w.kind === 'custom' ? 'custom widget' : w.kind}${w.kindEvidence ? ` (${w.kindEvidence})` : ''}${portal}`;
}

/**
 * The client function the configuration names, and what the widget asked the page for: the same
 * name ("(found on the page)"), or another one, said apart so the two are never confused.
 */
export function clientFunctionWords(configured: string, asked: PageView['askedFunctions']): string {
  if (asked.length === 0) return `${configured} (the widget has not asked for it yet)`;
  const same = asked.find(f => f.name === configured);
  const others = asked.filter(f => f.name !== configured);
  const where = (f: { found: boolean }) => (f.found ? 'found on the page' : 'not found on the page');
  return [
    same
      ? `${configured} (${where(same)})`
      : `${configured} (named by the configuration; the widget did not ask for it)`,
    ...others.map(f => `the widget asked for ${f.name} (${where(f)})`),
  ].join(' · ');
}
