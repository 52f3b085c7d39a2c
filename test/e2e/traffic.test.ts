/**
 * The widget's own traffic, read by the DevTools page through devtools.network: Chromium with
 * DevTools open on every tab (--auto-open-devtools-for-tabs loads the extension's DevTools page).
 * Firefox is not run here: its headless mode does not open DevTools for a tab from the command
 * line, so devtools.network cannot be driven (the parsing is unit-tested in session.test.ts).
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, openExtensionPage, recordSimulatorSites } from '../../src/demo/browsers.js';
import { startSite, type Site } from '../helpers/site.js';
import { readTab, tabIdOf, allRules, current, type TabAnswer } from '../helpers/record.js';
import { openPanel, waitForPanel, exportFromPanel } from '../helpers/panel.js';
import { validateReport } from '../helpers/report-schema.js';
import type { SessionView } from '../../src/analysis/session/session.js';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SHOTS = process.env.LCW_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'lcw-shots-'));
mkdirSync(SHOTS, { recursive: true });

/** A real-looking CDN host the extension was never given access to (resolved to loopback). */
const BLIND_HOST = 'oc-cdn-blind.contoso.test';

let site: Site;
let browser: Browser;
let extensionUrl: string;
let helper: Page;

beforeAll(async () => {
  site = await startSite();
  ({ browser, extensionUrl } = (await launchChromium({
    args: ['--auto-open-devtools-for-tabs'],
    localNames: [BLIND_HOST],
  })) as {
    browser: Browser;
    extensionUrl: string;
  });
  helper = await openExtensionPage(browser, `${extensionUrl}panel.html?tabId=0`);
  await recordSimulatorSites(helper);
});
afterAll(async () => {
  await browser?.close();
  site?.close();
});

/**
 * Runs a scenario with DevTools open and returns its record once the traffic is in. DevTools
 * opens with the tab and may miss the first requests: reload once, as an engineer would.
 */
async function withTraffic(
  scenario: string,
  ready: (view: SessionView) => boolean,
): Promise<{ page: Page; tabId: number; record: TabAnswer }> {
  const page = await browser.newPage();
  try {
    // A DevTools window opens with the tab; on a busy machine the first load can outlast the default wait.
    await page.goto(`${site.origin}/widget?scenario=${scenario}`, { timeout: 60_000 });
    const tabId = await tabIdOf(helper, `${site.origin}/widget`);
    for (let attempt = 0; attempt < 100; attempt++) {
      const record = await readTab(helper, tabId);
      const view = record.sessions.at(-1)?.view;
      if (view && view.config && ready(view)) return { page, tabId, record };
      // DevTools may open after the first requests (slower on a busy machine): reload until it sees them.
      if (attempt % 20 === 19) await page.reload();
      await new Promise(resolve => setTimeout(resolve, 150));
    }
    const timeline = (await readTab(helper, tabId)).sessions.at(-1)?.view.timeline.map(t => t.text);
    throw new Error(`no traffic recorded for ${scenario}: ${JSON.stringify(timeline)}`);
  } catch (error) {
    // Never leave the tab behind: the next test finds its own by URL.
    await page.close();
    throw error;
  }
}
/** Ready: `n` auth calls, each tied to one of the `invocations` (the scenario's registrations), which are over. */
const calls =
  (n: number, invocations = 1) =>
  (view: SessionView) =>
    view.authCalls.length === n &&
    view.invocations.length === invocations &&
    view.authCalls.every(c => c.invocation) &&
    view.invocations.every(i => i.outcome !== 'pending');
const tab = (t: { page: Page }) => t.page.close();

describe('chromium, DevTools open', () => {
  test('valid: the configuration is read and each getchattoken call is tied to its invocation', async () => {
    const run = await withTraffic('valid', calls(2));
    try {
      const view = run.record.sessions.at(-1)!.view;
      expect(view.config?.reading).toMatchObject({
        ok: true,
        config: { authenticationType: 'jwt', publicKeyUrl: `${site.origin}/keys/public.pem`, signInOptional: false },
      });
      // Registered, then the chat started with the same token: two calls, one invocation.
      expect(view.authCalls.map(c => [c.endpoint, c.status, c.invocation])).toEqual([
        ['getchattoken', 200, '0:1'],
        ['getchattoken', 200, '0:1'],
      ]);
      const panel = await openPanel(
        { name: 'chromium', browser, extensionUrl, stopBackground: async () => {}, close: async () => {} },
        run.tabId,
      );
      const text = await waitForPanel(
        panel,
        t => t.facts.Authentication !== undefined && t.detail.includes('getchattoken 200'),
      );
      expect(text.facts).toMatchObject({ Authentication: 'JWT', 'Public key URL': `${site.origin}/keys/public.pem` });
      // "Verify signature" offers the configuration's public key URL, and it verifies.
      expect(await panel.$eval('#detail .verify-section input', n => n.value)).toBe(`${site.origin}/keys/public.pem`);
      await panel.click('#detail .verify-section button');
      // The page's configuration offered an address on this machine: fetched once the user says so.
      await panel.waitForSelector('#detail .confirm-fetch');
      await panel.click('#detail .confirm-fetch');
      await panel.waitForSelector('#detail .verify-line[data-status="verified"]');
      await panel.evaluate(() => document.querySelector('#detail .verify-section')!.scrollIntoView());
      await panel.screenshot({ path: join(SHOTS, 'traffic-verify-chromium.png') });
      // The exported report carries the configuration and the calls, and is valid.
      const report = JSON.parse((await exportFromPanel(panel)).text);
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.config).toMatchObject({
        authenticationType: 'jwt',
        publicKeyUrl: `${site.origin}/keys/public.pem`,
      });
      expect(report.authCalls.map((c: { endpoint: string; invocation: string }) => [c.endpoint, c.invocation])).toEqual(
        [
          ['getchattoken', '0:1'],
          ['getchattoken', '0:1'],
        ],
      );
      await panel.close();
    } finally {
      await tab(run);
    }
  });

  test.each([
    ['unknown-user', 'auth.user-not-found', calls(2)],
    ['expired', 'auth.rejected', calls(2)],
    ['sub-changed', 'session.sub-changed', calls(3, 2)],
    ['chat-map', 'auth.chat-map-mismatch', calls(4)],
    ['outlived', 'session.chat-outlived-token', calls(4)],
  ] as const)('%s: %s', async (scenario, rule, ready) => {
    const run = await withTraffic(scenario, ready);
    try {
      const view = run.record.sessions.at(-1)!.view;
      expect(allRules(view)).toContain(rule);
      const panel = await openPanel(
        { name: 'chromium', browser, extensionUrl, stopBackground: async () => {}, close: async () => {} },
        run.tabId,
      );
      await panel.waitForSelector(`#detail [data-rule="${rule}"]`, { timeout: 10_000 }).catch(async e => {
        throw new Error(
          `${(e as Error).message}; the panel shows: ${await panel.$eval('body', n => (n as HTMLElement).innerText.slice(0, 1500))}`,
        );
      });
      await panel.close();
    } finally {
      await tab(run);
    }
  });

  test('sign-in optional: an empty token is not error 3', async () => {
    const run = await withTraffic('signin-optional', view => view.invocations.length === 1);
    try {
      const view = run.record.sessions.at(-1)!.view;
      expect(view.invocations.map(i => [i.outcome, i.errorCode])).toEqual([['empty', null]]);
      expect(allRules(view)).toContain('config.sign-in-optional');
      expect(view.widgetErrors).toEqual([]);
    } finally {
      await tab(run);
    }
  });

  test('OAuth 2.0: no JWT checks on the authorization code', async () => {
    const run = await withTraffic('oauth', view => view.invocations.length === 1);
    try {
      const view = run.record.sessions.at(-1)!.view;
      expect(view.invocations.map(i => [i.outcome, i.errorCode, i.analysis])).toEqual([['token', null, null]]);
      expect(view.findings.map(f => f.rule)).toContain('config.oauth');
      const panel = await openPanel(
        { name: 'chromium', browser, extensionUrl, stopBackground: async () => {}, close: async () => {} },
        run.tabId,
      );
      const text = await waitForPanel(panel, t => t.facts.Authentication === 'OAuth 2.0 (no JWT checks)');
      expect(text.verdict).not.toMatch(/^Error/);
      await panel.close();
    } finally {
      await tab(run);
    }
  });
  test('a navigation DevTools sees to a page without the widget: the record speaks of that page', async () => {
    const run = await withTraffic('valid', calls(2));
    try {
      await run.page.goto(`${site.origin}/plain`);
      let record = await readTab(helper, run.tabId);
      for (let attempt = 0; attempt < 150 && record.sessions.at(-1)?.url !== `${site.origin}/plain`; attempt++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        record = await readTab(helper, run.tabId);
      }
      expect(record.sessions.map(s => [s.url, s.eventCount])).toEqual([[`${site.origin}/plain`, 0]]);
      // The same tab with the widget again: that page adopts the session, its traffic included.
      await run.page.goto(`${site.origin}/widget?scenario=valid`);
      for (let attempt = 0; attempt < 80 && !(calls(2)(current(record)) && current(record).config); attempt++) {
        await new Promise(resolve => setTimeout(resolve, 150));
        record = await readTab(helper, run.tabId);
      }
      expect(record.sessions.map(s => s.url)).toEqual([`${site.origin}/widget`]);
      expect(current(record).config?.reading.ok).toBe(true);
    } finally {
      await tab(run);
    }
  });

  test('a widget frame on a host not granted: DevTools sees its calls, the wire does not, and the panel says so', async () => {
    const run = await withTraffic(`valid&frameHost=${BLIND_HOST}`, view => view.authCalls.length === 2);
    try {
      expect(current(run.record).authCalls.map(c => c.seenBy)).toEqual(['devtools', 'devtools']);
      const panel = await openPanel(
        { name: 'chromium', browser, extensionUrl, stopBackground: async () => {}, close: async () => {} },
        run.tabId,
      );
      try {
        await panel.waitForSelector('#access p[data-line="blind"]');
        const lines = await panel.$$eval('#access p', ps =>
          ps.map(p => [(p as HTMLElement).dataset.line, p.textContent] as [string, string]),
        );
        expect(lines.map(([id]) => id)).toEqual(['widget-hosts', 'blind']);
        expect(lines[0]![1]).toContain(`The widget loads from ${BLIND_HOST}, which this extension may not access`);
        // The page named it: asked for only with that said.
        expect(lines[0]![1]).toContain(
          `${BLIND_HOST}, named by the widget's script tag or frame, is not an Omnichannel host: allow it only if`,
        );
        expect(lines[1]![1]).toMatch(/^DevTools saw 2 widget calls that the extension could not see on the wire/);
        // Shown, never granted: only the user's click asks the browser.
        expect(
          await panel.evaluate(
            p =>
              (
                globalThis as unknown as {
                  chrome: { permissions: { contains(q: { origins: string[] }): Promise<boolean> } };
                }
              ).chrome.permissions.contains({ origins: [p] }),
            `http://${BLIND_HOST}/*`,
          ),
        ).toBe(false);
        await panel.screenshot({ path: join(SHOTS, 'blind-chromium.png') });
      } finally {
        await panel.close();
      }
    } finally {
      await tab(run);
    }
  });
});
