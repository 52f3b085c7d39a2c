/**
 * Access follows the user's choice, in real Chromium and Firefox: a site that is not recorded runs
 * nothing of the extension; "Record this site" and a reload record it from the page's start;
 * stopping stops it; a site whose access the user removed in the browser is recorded no more and
 * offered again. (Chromium's permission prompt cannot be clicked headless: its test build has
 * loopback granted at install, so the click's request is answered at once. Firefox asks for a
 * `.test` host for real, its prompt turned off: shared/browser-testing.md.)
 */
import { describe, test, expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import { askBackground, openExtensionPage, sendFromExtensionPage, type TestBrowser } from '../helpers/browsers.js';
import { useRig } from '../helpers/rig.js';
import { openPanel } from '../helpers/panel.js';
import { newestTabId, readTab } from '../helpers/record.js';

const NAMED_SITE = 'shop.contoso.test';

/** Opens the widget page at `origin` and waits until its scenario ran (the widget got its token). */
async function openWidget(tb: TestBrowser, origin: string): Promise<Page> {
  const page = await tb.browser.newPage();
  await page.goto(`${origin}/widget?scenario=valid`);
  await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, {
    timeout: 20_000,
    polling: 100,
  });
  return page;
}

/** The kinds of events the page's frames reported for the tab (the wire's are not the page's). */
async function recorded(helper: Page, tabId: number): Promise<string[]> {
  const record = await readTab(helper, tabId);
  const events = record.sessions.flatMap(s => s.events).filter(e => e.frame >= 0);
  return [...new Set(events.map(e => e.k))];
}

/** The access lines the panel shows, as [line id, text]. */
function accessLines(panel: Page): Promise<[string, string][]> {
  return panel.$$eval('#access p', ps =>
    ps.map(p => [(p as HTMLElement).dataset.line ?? '', p.textContent] as [string, string]),
  );
}

/** Chromium only: the extension's isolated worlds the page has (none where the relay never ran). */
async function isolatedWorlds(page: Page): Promise<number> {
  const session = await page.createCDPSession();
  const worlds: string[] = [];
  session.on('Runtime.executionContextCreated', ({ context }) => {
    if (context.auxData?.type === 'isolated' && String(context.origin).startsWith('chrome-extension://'))
      worlds.push(context.name);
  });
  await session.send('Runtime.enable');
  await new Promise(resolve => setTimeout(resolve, 200));
  await session.detach();
  return worlds.length;
}

for (const name of ['chromium', 'firefox'] as const) {
  describe(`${name}: recording follows the user's choice`, () => {
    const rig = useRig(name, { launch: { record: false, localNames: [NAMED_SITE] } });

    test('a site that is not recorded runs nothing; "Record this site" then a reload records it from its start; stop stops it', async () => {
      let page = await openWidget(rig.tb, rig.site.origin);
      const tabId = await newestTabId(rig.helper);
      expect(await recorded(rig.helper, tabId)).toEqual([]);
      if (name === 'chromium') expect(await isolatedWorlds(page)).toBe(0);

      const panel = await openPanel(rig.tb, tabId);
      try {
        await panel.waitForSelector('#access p[data-line="not-recorded"]');
        const [[id, text] = ['', '']] = await accessLines(panel);
        expect(id).toBe('not-recorded');
        expect(text).toContain(`Not recorded: ${rig.site.origin} runs nothing of this extension`);
        await panel.click('#access p[data-line="not-recorded"] button');
        await expect
          .poll(() => askBackground(rig.helper, { type: 'list-sites' }))
          .toMatchObject({ sites: ['http://127.0.0.1/*'], lost: [], everySite: false });
        expect(await panel.$eval('#notice', n => n.textContent)).toMatch(/reload the page to record it/);

        await panel.waitForSelector('#access p[data-line="reload"] button');

        // Reloaded, it is recorded from its start: the registration, the first thing the page does.
        // In front, as the engineer's page would be (a tab behind the panel runs its timers late).
        await page.bringToFront();
        await page.reload();
        await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true);
        await expect.poll(() => recorded(rig.helper, tabId)).toContain('reg');
        await panel.waitForSelector('#access p[data-line="recording"]');
        expect((await accessLines(panel)).map(([line]) => line)).toEqual(['recording']);
        await page.close();
        page = await openWidget(rig.tb, rig.site.origin);
        if (name === 'chromium') expect(await isolatedWorlds(page)).toBeGreaterThan(0);
        await page.close();

        // Stop it from the Sites view: nothing runs there any more.
        await panel.click('#tab-sites');
        await panel.waitForSelector('#site-list li[data-pattern="http://127.0.0.1/*"] button');
        await panel.click('#site-list li[data-pattern="http://127.0.0.1/*"] button');
        await panel.waitForFunction(() => document.getElementById('site-list')?.textContent === 'No site is recorded.');
        page = await openWidget(rig.tb, rig.site.origin);
        expect(await recorded(rig.helper, await newestTabId(rig.helper))).toEqual([]);
      } finally {
        await Promise.all([panel.close(), page.close()]);
      }
    });

    if (name === 'firefox')
      test('a site typed in the Sites view is asked for, granted on the click, recorded; removed in the browser, it is offered again', async () => {
        const origin = rig.site.origin.replace('127.0.0.1', NAMED_SITE);
        const pattern = `http://${NAMED_SITE}/*`;
        const sites = await openExtensionPage(rig.tb, 'panel.html?tabId=0');
        try {
          await sites.click('#tab-sites');
          await sites.waitForSelector('#site-address');
          await sites.type('#site-address', `${origin}/widget`);
          await sites.click('#site-address + button');
          await sites.waitForSelector(`#site-list li[data-pattern="${pattern}"]`);
          expect(await sites.evaluate(p => browser.permissions.contains({ origins: [p] }), pattern)).toBe(true);

          const page = await openWidget(rig.tb, origin);
          const tabId = await newestTabId(rig.helper);
          await expect.poll(() => recorded(rig.helper, tabId)).toContain('reg');
          await page.close();

          // The user takes the access back in the browser's settings (as permissions.remove does).
          await sites.evaluate(p => browser.permissions.remove({ origins: [p] }), pattern);
          await expect
            .poll(() => askBackground(rig.helper, { type: 'list-sites' }))
            .toMatchObject({ sites: [], lost: [pattern] });
          const again = await openWidget(rig.tb, origin);
          expect(await recorded(rig.helper, await newestTabId(rig.helper))).toEqual([]);
          await again.close();
          await sites.click('#tab-session');
          await sites.click('#tab-sites');
          await sites.waitForSelector(`#lost-list li[data-pattern="${pattern}"] button`);
          expect(await sites.$eval('#lost-list', n => n.textContent)).toContain(
            "access removed in the browser's settings",
          );
        } finally {
          await sites.close();
        }
      });

    test('the toolbar popup records a site by its address and lists it; it says when its tab cannot be recorded', async () => {
      const popup = await openExtensionPage(rig.tb, 'popup.html');
      try {
        // Opened as a tab here, its active tab is itself: an extension page, which nothing records.
        await popup.waitForSelector('#this-site p[data-line="not-recordable"]');
        expect(await popup.$eval('#this-site', n => n.textContent)).toMatch(
          /^Not recorded: \S+ pages cannot be recorded/,
        );
        await popup.type('#site-address', `${rig.site.frameOrigin}/custom`);
        await popup.click('#site-address + button');
        await popup.waitForSelector('#site-list li[data-pattern="http://localhost/*"]');
        expect((await askBackground(rig.helper, { type: 'list-sites' })).sites).toContain('http://localhost/*');
      } finally {
        await popup.close();
        await askBackground(rig.helper, { type: 'stop-site', pattern: 'http://localhost/*' });
      }
    });

    test('a page that cannot be recorded, and a bad address, each get a reason', async () => {
      const sites = await openExtensionPage(rig.tb, 'panel.html?tabId=0');
      try {
        await sites.click('#tab-sites');
        await sites.waitForSelector('#site-address');
        await sites.type('#site-address', 'http://help.contoso.com/');
        await sites.click('#site-address + button');
        await sites.waitForFunction(() => document.getElementById('site-status')?.textContent !== '');
        expect(await sites.$eval('#site-status', n => n.textContent)).toBe(
          'Cannot record it: http://help.contoso.com is not https: only https sites (and loopback) can be recorded.',
        );
        // A forged request for every URL never reaches the browser's permission code.
        expect(
          await sendFromExtensionPage(rig.helper, { type: 'record-sites', patterns: ['<all_urls>'] }),
        ).toBeUndefined();
      } finally {
        await sites.close();
      }
    });
  });
}

declare const browser: {
  permissions: {
    contains(p: { origins: string[] }): Promise<boolean>;
    remove(p: { origins: string[] }): Promise<boolean>;
  };
};
