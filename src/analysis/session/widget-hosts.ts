/**
 * The hosts a page's widget uses, as the page showed them (its script tag, its frame, the
 * configuration's snippet), and the widget calls only DevTools saw: what the
 * panel needs to ask for the access that lets the extension see the widget with DevTools closed.
 * Which hosts are granted is the browser's to say; the panel asks it.
 */
import type { PageView } from './session-view.js';
import { isLocalHost, isOmnichannelHost, siteOf } from '../../protocol/hosts.js';
import { isWidgetFramePath } from '../../protocol/widget-frame.js';

export interface WidgetHost {
  /** The match pattern that grants it. */
  pattern: string;
  host: string;
  /** One of Omnichannel's own host names; any other is asked for only with that said. */
  omnichannel: boolean;
  /** Where the page named it ("the widget's script tag"). */
  namedBy: string;
}

/** Hosts the page named for its widget, once each, in the order first seen; never a non-https one (but loopback). */
export function widgetHosts(page: PageView): WidgetHost[] {
  const hosts = new Map<string, WidgetHost>();
  const add = (url: string, namedBy: string) => {
    const site = siteOf(url);
    if (site.ok && !hosts.has(site.pattern))
      hosts.set(site.pattern, { pattern: site.pattern, host: site.host, omnichannel: site.omnichannel, namedBy });
  };
  for (const src of page.widget.sources) add(src, "the widget's script tag or frame");
  const reading = page.config?.reading;
  if (reading?.ok)
    for (const origin of reading.config.snippetOrigins) add(origin, "the configuration's widget snippet");
  return [...hosts.values()];
}

/**
 * The widget's calls DevTools saw that the extension could not see on the wire: the browser
 * reports a request only where the extension may access both its URL and the frame that made it.
 */
export function unseenOnWire(page: PageView): number {
  return page.authCalls.filter(call => call.seenBy === 'devtools').length;
}

/**
 * Whether a frame's address is the widget's own frame: its page (`/livechatwidget/.../htmls/chat.html`
 * or `chatv2.html`) on one of Omnichannel's hosts (or loopback, for tests). Any other frame's words
 * are its own, whatever it posts or shows.
 */
export function isWidgetFrameUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return isWidgetFramePath(u.pathname) && (isOmnichannelHost(u.hostname) || isLocalHost(u.hostname));
  } catch {
    return false;
  }
}
