/** Running a simulator scenario in a real browser and reading what the extension recorded. */
import type { Page } from 'puppeteer-core';
import type { TestBrowser } from './browsers.js';
import { askBackground } from './browsers.js';
import { assembleSession, type SessionView } from '../../src/analysis/session/session.js';
import { chunkKey, decodeChunk, metaKey, type RecordedEvent, type TabRecord } from '../../src/record/format.js';

/** A page session as the background keeps it, judged here by the engine as the panel would. */
export interface RecordedSession {
  id: string;
  url: string;
  dropped: number;
  /** Frame id -> address, as the record keeps them. */
  frames: Record<string, string>;
  eventCount: number;
  events: RecordedEvent[];
  view: SessionView;
}
export interface TabAnswer {
  tabId: number;
  preserve: boolean;
  sessions: RecordedSession[];
}

export interface ScenarioRun {
  page: Page;
  observed: string[];
  xss: unknown;
}

/** Opens `path` in a new tab, waits until the scenario says it is done, returns what the page observed. */
export async function runScenario(tb: TestBrowser, origin: string, path: string): Promise<ScenarioRun> {
  const page = await tb.browser.newPage();
  await page.goto(`${origin}${path}`);
  const frame = path.startsWith('/framed')
    ? await (await page.waitForSelector('iframe'))!.contentFrame()
    : page.mainFrame();
  await frame.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, {
    timeout: 20_000,
    polling: 100,
  });
  // The widget frame's replies (lcw:error 3/4, from another process) are all in before reading.
  await frame.evaluate(() => (window as unknown as { __settled?: () => Promise<void> }).__settled?.());
  const observed = await frame.evaluate(() => (window as unknown as { __observed: string[] }).__observed);
  const xss = await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
  return { page, observed, xss };
}

/** The tab id the background knows the page at `url` (no query) by. */
export async function tabIdOf(panel: Page, url: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tabs = await askBackground(panel, { type: 'list-tabs' });
    const match = tabs.filter(t => t.url === url);
    if (match.length === 1) return match[0]!.tabId;
    if (match.length > 1) throw new Error(`several tabs record ${url}: close pages between tests`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`no tab recorded ${url}`);
}

/** The id of the newest tab (tab ids only grow): how a test finds a tab the extension recorded nothing for. */
export async function newestTabId(extensionPage: Page): Promise<number> {
  const ids = await extensionPage.evaluate(async () => {
    type Tabs = { tabs: { query(q: object): Promise<{ id?: number }[]> } };
    const api = globalThis as unknown as { browser?: Tabs; chrome: Tabs };
    return (await (api.browser ?? api.chrome).tabs.query({})).map(t => t.id ?? -1);
  });
  return Math.max(...ids);
}

/** Everything storage.session holds, read through an extension page as the panel reads it. */
function storedItems(extensionPage: Page): Promise<Record<string, unknown>> {
  return extensionPage.evaluate(() => {
    type Area = { storage: { session: { get(keys: null): Promise<Record<string, unknown>> } } };
    const api = globalThis as unknown as { browser?: Area; chrome: Area };
    return (api.browser ?? api.chrome).storage.session.get(null);
  });
}

/** Every key storage.session holds for `tabId` (its record's meta and chunks). */
export async function storedKeysOf(extensionPage: Page, tabId: number): Promise<string[]> {
  const keys = Object.keys(await storedItems(extensionPage));
  return keys.filter(key => key === metaKey(tabId) || key.startsWith(`ev:${tabId}:`));
}

/** The tab's record as stored (read from storage.session through an extension page, as the panel reads it), judged now. */
export async function readTab(panel: Page, tabId: number): Promise<TabAnswer> {
  const stored = await storedItems(panel);
  const meta = stored[metaKey(tabId)] as TabRecord | undefined;
  const nowMs = Date.now();
  return {
    tabId,
    preserve: meta?.preserve ?? false,
    sessions: (meta?.sessions ?? []).map(s => {
      const events = s.chunks.flatMap(([n]) => decodeChunk(stored[chunkKey(tabId, s, n)]));
      return {
        id: s.id,
        url: s.url,
        dropped: s.dropped,
        frames: s.frames,
        eventCount: s.count,
        events,
        view: assembleSession(events, {
          nowMs,
          stored: { dropped: s.dropped, ...(s.quotaDropped ? { quotaDropped: s.quotaDropped } : {}) },
          frames: s.frames,
        }),
      };
    }),
  };
}

/** The tab's record, once `ready` says it holds what the test waits for. */
export async function recordOf(
  panel: Page,
  tabId: number,
  ready: (record: TabAnswer) => boolean = () => true,
): Promise<TabAnswer> {
  let record: TabAnswer | undefined;
  for (let attempt = 0; attempt < 60; attempt++) {
    record = await readTab(panel, tabId);
    if (record.sessions.length > 0 && ready(record)) return record;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `record of tab ${tabId} never got ready: ${JSON.stringify(
      record?.sessions
        .at(-1)
        ?.view.timeline.slice(-8)
        .map(t => t.text),
    )}`,
  );
}

export const current = (record: TabAnswer) => record.sessions.at(-1)!.view;
export const allRules = (view: SessionView) =>
  [...view.findings, ...view.invocations.flatMap(i => i.findings)].map(f => f.rule);

/**
 * `recordOf`, then read again until the newest session gains no event for `quietMs`. The frame's
 * relay, the page's relay and the background's wire watch deliver on separate channels, so an event
 * older than the last one waited for can still be on its way (Firefox: the frame's delivery after
 * the wire's calls). Tests that compare everything recorded with what the panel shows need it all.
 */
export async function quietRecordOf(
  panel: Page,
  tabId: number,
  ready: (record: TabAnswer) => boolean,
  quietMs = 400,
): Promise<TabAnswer> {
  let record = await recordOf(panel, tabId, ready);
  const count = (r: TabAnswer) => r.sessions.at(-1)?.eventCount ?? 0;
  for (let since = Date.now(); Date.now() - since < quietMs;) {
    await new Promise(resolve => setTimeout(resolve, 100));
    const next = await readTab(panel, tabId);
    if (count(next) !== count(record) || next.sessions.length !== record.sessions.length) since = Date.now();
    record = next;
  }
  return record;
}
