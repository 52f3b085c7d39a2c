/**
 * A HAR file's widget traffic as the record's events, so a trace from a ticket is judged by the
 * same engine as a live page: the configuration (with its body when the export kept it), every
 * `/auth/` call with the token it carried, its status and the service's `message`, and the
 * widget's script and frame (which tell v1 from v2). Calls read from a HAR are shown as seen on
 * the wire. Everything in the file is untrusted: each event passes the record's own validation.
 */
import { widgetRequestKind, NETWORK_FRAME } from '../../protocol/network.js';
import { isLocalHost, isOmnichannelHost } from '../../protocol/hosts.js';
import { MAX_URL_CHARS } from '../../protocol/limits.js';
import type { RecordedEvent } from '../../record/format.js';
import type { HarScan } from './har-scan.js';
import { decodeContent, entryUrl, harEntryEvent, type HarEntry } from './har-entry.js';
import { parsePageEvent } from '../../protocol/page-events.js';

/** What a HAR yields for analysis: the events, and what the file says about itself. */
export interface HarTraffic {
  events: RecordedEvent[];
  /** The page the trace was recorded on (origin and path), when the file names it. */
  pageUrl: string | null;
  /** The last widget request's time (Unix ms): "now" for the analysis. */
  lastAt: number | null;
}

/** What the widget's traffic is recognised by, said when a file has none of it. */
export const HAR_LOOKED_FOR =
  "requests to /livechatconnector/ (the configuration, /auth/ calls) or the widget's /livechatwidget/ script and frame";

/**
 * Why a scanned file gives nothing to judge, in one sentence (null: it does); the CLI and the
 * panel say the same.
 */
export function harNothingToJudge(scan: HarScan, traffic: HarTraffic, name: string): string | null {
  if (traffic.events.length > 0) return null;
  if (scan.problem) return `${name}: ${scan.problem}`;
  return `the widget's traffic is not in ${name} (${scan.entryCount} entries; looked for ${HAR_LOOKED_FOR})`;
}

/** "2 of the widget's entries could not be read: entry 12 (2026-11-24T16:00:00Z): its JSON is damaged (...)". */
export function damagedWords(scan: Pick<HarScan, 'damaged' | 'damagedCount'>): string {
  const listed = scan.damaged
    .map(d => `entry ${d.index}${d.startedDateTime ? ` (${d.startedDateTime})` : ''}: ${d.why}`)
    .join('; ');
  const more = scan.damagedCount > scan.damaged.length ? `; and ${scan.damagedCount - scan.damaged.length} more` : '';
  return `${scan.damagedCount} of the widget's entries could not be read: ${listed}${more}`;
}

/** The events the widget's entries stand for, in time order. */
export function harTraffic(entries: readonly unknown[], pages: unknown, firstUrl: string | null = null): HarTraffic {
  const events: RecordedEvent[] = [];
  let lastAt: number | null = null;
  let ids: { orgId: string; appId: string; orgUrl: string } | null = null;
  const scripts: { at: number; src: string }[] = [];
  for (const raw of entries) {
    const entry = raw as HarEntry;
    const url = entryUrl(entry);
    const at = typeof entry?.startedDateTime === 'string' ? Date.parse(entry.startedDateTime) : NaN;
    if (url === null || !Number.isFinite(at)) continue;
    // Only Omnichannel's own hosts (and loopback, for tests) speak for the widget: a survey site's
    // /survey/auth/ or a third party's /livechatconnector/config/ path is someone else's traffic.
    const kind = widgetRequestKind(url) && isWidgetTrafficHost(url) ? widgetRequestKind(url) : null;
    const path = pathOf(url);
    if (kind !== null) {
      lastAt = Math.max(lastAt ?? at, at);
      if (kind === 'cfg') ids ??= idsFromConfigUrl(url);
      const content = entry.response?.content;
      push(events, harEntryEvent(entry, decodeContent(content?.text, content?.encoding), at, 'file'));
    } else if (/\/htmls\/chat(v2)?\.html$/.test(path)) {
      // The widget's frame: its page tells v1 (chat.html) from v2 (chatv2.html).
      push(events, parsePageEvent({ k: 'widget', at, iframe: true, script: null, frameSrc: url.split('?')[0] }), 1);
    } else if (path.includes('/livechatwidget/')) {
      scripts.push({ at, src: url.split('?')[0]! });
    }
  }
  // The hosted widget's script (or, without it, its frame) with the org and app from its
  // configuration URL: the script tag's attributes are not in a HAR. A custom widget has neither.
  const script = scripts.find(s => /bootstrapper|v2scripts/i.test(s.src)) ?? scripts[0];
  const frame = events.find(e => e.k === 'widget');
  if (script || (frame && ids)) {
    const tag = {
      appId: ids?.appId ?? '',
      orgId: ids?.orgId ?? '',
      orgUrl: ids?.orgUrl ?? '',
      version: '',
      src: script?.src ?? '',
    };
    push(events, parsePageEvent({ k: 'widget', at: script?.at ?? frame!.at, iframe: false, script: tag }), 0);
  }
  events.sort((a, b) => a.at - b.at);
  return { events, pageUrl: pageUrlOf(pages) ?? pageUrlOf([{ title: firstUrl }]), lastAt };
}

function push(events: RecordedEvent[], event: object | null, frame = NETWORK_FRAME) {
  if (event) events.push({ ...event, frame } as RecordedEvent);
}

function isWidgetTrafficHost(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return isOmnichannelHost(hostname) || isLocalHost(hostname);
  } catch {
    return false;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.toLowerCase();
  } catch {
    return '';
  }
}

/** `/livechatconnector/config/{orgId}/{appId}` on the org's Omnichannel host. */
function idsFromConfigUrl(url: string): { orgId: string; appId: string; orgUrl: string } | null {
  try {
    const u = new URL(url);
    const parts = u.pathname.split('/').filter(Boolean);
    const at = parts.findIndex(p => p.toLowerCase() === 'config');
    const [orgId, appId] = [parts[at + 1], parts[at + 2]];
    return at >= 0 && orgId && appId
      ? { orgId: orgId.slice(0, 100), appId: appId.slice(0, 100), orgUrl: u.origin }
      : null;
  } catch {
    return null;
  }
}

/**
 * The first page's address, without query or fragment: Chrome writes it as the page's title;
 * where the title is the document's own (Firefox), the first entry's URL stands in.
 */
function pageUrlOf(pages: unknown): string | null {
  const first: unknown = Array.isArray(pages) ? pages[0] : null;
  const title = (first as { title?: unknown } | null)?.title;
  if (typeof title !== 'string') return null;
  try {
    const u = new URL(title);
    return /^https?:$/.test(u.protocol) ? `${u.origin}${u.pathname}`.slice(0, MAX_URL_CHARS) : null;
  } catch {
    return null;
  }
}
