/**
 * What the extension may see of the inspected site, in one line each, with the button that fixes
 * it: the site is not recorded, access to it was removed, recording starts at the next load, the
 * widget's frame is on a host not granted, DevTools saw calls the wire could not. A permission is
 * asked for only on the user's click, straight from it (Firefox honours a request only then), and
 * a host the page named that is not Omnichannel's is asked for only with that said beside it.
 */
import browser from 'webextension-polyfill';
import { h, setText } from './dom.js';
import { plural, unseenOnWire, widgetHosts, type PageView, type WidgetHost } from '../analysis/index.js';
import { siteOf, patternCovers } from '../protocol/hosts.js';
import type { RecordedSites } from '../protocol/messages.js';
import { SitesView, askToRecord, type Answer } from './sites-view.js';
import { request } from './ask.js';
import type { LoadedSession } from './source.js';

/** How long the panel trusts the list of recorded sites it was given. */
const SITES_MAX_AGE_MS = 2000;
const NO_PAGE: AccessFacts = { pageUrl: undefined, recordedTop: null, page: undefined };
const EMPTY_SITES: RecordedSites = { sites: [], lost: [], everySite: false };

/** What the panel knows of the inspected page. */
export interface AccessFacts {
  /** The page's address, when known. */
  pageUrl: string | undefined;
  /** The page's top document ran the hook (its session was started by it); null: not known here. */
  recordedTop: boolean | null;
  /** The engine's view of the page (none before anything was recorded). */
  page: PageView | undefined;
}

const granted = (pattern: string) => browser.permissions.contains({ origins: [pattern] }).catch(() => false);

/** One line: its words, and the buttons that act on it. */
interface Line {
  id: string;
  tone: 'info' | 'warning';
  text: string;
  buttons: { label: string; patterns?: string[]; reload?: true; stop?: string }[];
}

/** The lines for the inspected page, most important first (empty: all is seen). */
export async function accessLines(facts: AccessFacts, sites: RecordedSites): Promise<Line[]> {
  const site = facts.pageUrl ? siteOf(facts.pageUrl) : null;
  if (!site) return [];
  if (!site.ok) return [{ id: 'not-recordable', tone: 'info', text: `Not recorded: ${site.reason}.`, buttons: [] }];
  const hosts = facts.page ? widgetHosts(facts.page).filter(h => h.pattern !== site.pattern) : [];
  const missing: WidgetHost[] = [];
  for (const host of hosts) if (!(await granted(host.pattern))) missing.push(host);
  const unknown = missing.filter(h => !h.omnichannel);
  const unknownHosts = unknown.map(h => h.host).join(', ');
  const notOmnichannel = unknown.length
    ? `${unknownHosts}, named by ${unknown[0]!.namedBy}, is not an Omnichannel host: ` +
      'allow it only if the widget is expected there.'
    : '';
  // The recorded pattern that covers the site: its own, or "every site".
  const covering = sites.sites.find(pattern => patternCovers(pattern, `${site.origin}/`));
  if (!covering) {
    const lost = sites.lost.includes(site.pattern);
    const seen = facts.page && (facts.page.widget.detected || facts.page.authCalls.length > 0);
    return [
      {
        id: lost ? 'lost' : 'not-recorded',
        tone: 'warning',
        text:
          (lost
            ? `Access to ${site.origin} was removed in the browser's settings: it is not recorded any more.`
            : `Not recorded: ${site.origin} runs nothing of this extension, so its token provider is not seen.`) +
          (seen ? " With DevTools open, the widget's traffic is still shown below." : '') +
          (notOmnichannel ? ` The button also asks for ${notOmnichannel}` : ''),
        buttons: [
          {
            label: lost ? 'Record again' : 'Record this site',
            patterns: [site.pattern, ...missing.map(h => h.pattern)],
          },
        ],
      },
    ];
  }
  const lines: Line[] = [];
  if (facts.recordedTop === false)
    lines.push({
      id: 'reload',
      tone: 'info',
      text: `Recording ${site.origin}: it is recorded from the page's start at its next load.`,
      buttons: [{ label: 'Reload', reload: true }],
    });
  if (missing.length)
    lines.push({
      id: 'widget-hosts',
      tone: 'warning',
      text:
        `The widget loads from ${missing.map(h => h.host).join(', ')}, which this extension may not access: ` +
        `its frame's calls are not seen with DevTools closed.${notOmnichannel ? ` ${notOmnichannel}` : ''}`,
      buttons: [
        {
          label: `Allow ${missing.length === 1 ? missing[0]!.host : 'these hosts'}`,
          patterns: missing.map(h => h.pattern),
        },
      ],
    });
  const unseen = facts.page ? unseenOnWire(facts.page) : 0;
  if (unseen > 0)
    lines.push({
      id: 'blind',
      tone: 'warning',
      text:
        `DevTools saw ${plural(unseen, 'widget call')} that the extension could not see on the wire: with DevTools ` +
        `closed ${unseen === 1 ? 'it' : 'they'} would be missing from the record` +
        (missing.length ? '.' : ' (the frame that made them is on a host this extension may not access).'),
      buttons: [],
    });
  if (lines.length === 0)
    lines.push({
      id: 'recording',
      tone: 'info',
      text: `Recording ${covering === site.pattern ? site.origin : 'every site'} from each page's start.`,
      buttons: [{ label: 'Stop recording', stop: covering }],
    });
  return lines;
}

/** The access lines above the status: drawn from facts, acting through the background. */
export class AccessBar {
  private onDone: (answer: Answer) => void = () => undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly reloadPage: () => void,
  ) {}

  /** What to do once a click has been answered (a notice, a reload of the panel). */
  whenAnswered(done: (answer: Answer) => void): void {
    this.onDone = done;
  }

  async update(facts: AccessFacts, sites: RecordedSites): Promise<void> {
    const lines = await accessLines(facts, sites);
    this.root.replaceChildren(...lines.map(line => this.line(line)));
    this.root.hidden = lines.length === 0;
  }

  private line(line: Line): HTMLElement {
    const text = h('span', null);
    setText(text, line.text);
    const buttons = line.buttons.map(b =>
      h(
        'button',
        {
          attrs: { type: 'button' },
          on: {
            click: () => {
              if (b.reload) this.reloadPage();
              else if (b.stop) void request({ type: 'stop-site', pattern: b.stop }).then(answer => this.onDone(answer));
              else if (b.patterns) void askToRecord(b.patterns).then(answer => this.onDone(answer));
            },
          },
        },
        b.label,
      ),
    );
    return h('p', { class: `access ${line.tone}`, data: { line: line.id } }, text, ' ', ...buttons);
  }
}

/** The inspected page's address: DevTools knows it; a tab's, when the extension may access it. */
export async function inspectedAddress(tabId: number, fallback: string | undefined): Promise<string | undefined> {
  if (browser.devtools?.inspectedWindow) {
    try {
      const [href] = (await browser.devtools.inspectedWindow.eval('location.href')) as unknown as [unknown];
      if (typeof href === 'string' && href.length < 4096) return href;
    } catch {
      // Fall through to what the record says.
    }
  }
  const url = await browser.tabs.get(tabId).then(
    tab => tab.url,
    () => undefined,
  );
  return url || fallback || undefined;
}

/**
 * The panel's access controls: the lines above the status (`bar`) and the Sites view (`sites`);
 * `answered` hears how each click ended.
 */
export function accessControls(
  tabId: number,
  bar: HTMLElement,
  sitesRoot: HTMLElement,
  answered: (answer: Answer) => void,
): { show(session: LoadedSession | null | undefined): Promise<void>; sites: SitesView } {
  const access = new AccessBar(bar, () => void browser.tabs.reload(tabId));
  const sites = new SitesView(sitesRoot);
  // Recording was just started here and the page has not loaded since: it is recorded from its
  // next load. (A recorded page without the widget never speaks, so its record cannot tell.)
  let awaitingLoad = false;
  const done = (answer: Answer) => {
    if (answer.ok) awaitingLoad = true;
    forgetSites();
    answered(answer);
  };
  access.whenAnswered(done);
  sites.whenAnswered(done);
  // The panel draws on every change of the record (a flood: every 250 ms): the page's address
  // and the recorded sites are asked for once, and again only when they can have changed.
  let address: { session: string | undefined; url: Promise<string | undefined> } | undefined;
  let recorded: { at: number; sites: Promise<RecordedSites | null> } | undefined;
  const forgetSites = () => (recorded = undefined);
  browser.permissions.onAdded.addListener(forgetSites);
  browser.permissions.onRemoved.addListener(forgetSites);
  browser.tabs.onUpdated.addListener((updated, change) => {
    if (updated !== tabId || change.status !== 'loading') return;
    awaitingLoad = false;
    address = undefined;
  });
  return {
    sites,
    async show(session) {
      // null: a HAR file is shown, whose site is not this tab's.
      if (session === null || !Number.isInteger(tabId)) return access.update(NO_PAGE, EMPTY_SITES);
      const known =
        address && address.session === session?.id
          ? address
          : (address = { session: session?.id, url: inspectedAddress(tabId, session?.url) });
      // The background records a permission granted elsewhere (the popup) a moment after the
      // browser says so: a list older than SITES_MAX_AGE_MS is asked for again.
      if (!recorded || Date.now() - recorded.at > SITES_MAX_AGE_MS)
        recorded = { at: Date.now(), sites: request({ type: 'list-sites' }).catch(() => null) };
      const [pageUrl, list] = await Promise.all([known.url, recorded.sites]);
      if (!list) return;
      const recordedTop = session?.frames['0'] !== undefined ? true : awaitingLoad ? false : null;
      await access.update({ pageUrl, recordedTop, page: session?.assembly.page }, list);
    },
  };
}
