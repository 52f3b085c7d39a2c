/**
 * The panel as an engineer uses it, in Chromium and Firefox: hostile page text stays text
 * (the XSS corpus), keyboard and accessible names, theme, filter / Preserve log / Clear, the
 * context variables editor, the paste view, exporting full tokens on request, and screenshots
 * of the main views (into docs/screenshots with LCW_SCREENSHOTS=docs/screenshots).
 */
import { describe, test, expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import { useRig } from '../helpers/rig.js';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendFromExtensionPage, type BrowserName, type TestBrowser } from '../helpers/browsers.js';
import type { Site } from '../helpers/site.js';
import { runScenario, tabIdOf, readTab, current, newestTabId } from '../helpers/record.js';
import { openPanel, panelText, waitForPanel, exportFromPanel, injectedMarkup, pasteToken } from '../helpers/panel.js';
import { XSS_PAYLOADS } from '../../src/simulator/xss-corpus.js';

const payloads = XSS_PAYLOADS as string[];
const SHOTS = process.env.LCW_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'lcw-shots-'));
mkdirSync(SHOTS, { recursive: true });

/** Runs a scenario and opens the panel on its tab once the record holds `invocations` judged ones. */
async function scenarioInPanel(
  tb: TestBrowser,
  helper: Page,
  site: Site,
  scenario: string,
  invocations: number,
  options: Parameters<typeof openPanel>[2] = {},
) {
  const run = await runScenario(tb, site.origin, `/widget?scenario=${scenario}`);
  const tabId = await tabIdOf(helper, `${site.origin}/widget`);
  const panel = await openPanel(tb, tabId, options);
  await waitForPanel(panel, text => text.facts.Invocations?.startsWith(`${invocations} ·`) === true);
  return { run, tabId, panel };
}

/** What storage.local holds of context variables (the recorded sites are kept there too). */
const storageLocal = async (page: Page) =>
  Object.fromEntries(
    Object.entries(
      await page.evaluate(() =>
        (
          globalThis as unknown as {
            chrome: { storage: { local: { get(k: null): Promise<Record<string, unknown>> } } };
          }
        ).chrome.storage.local.get(null),
      ),
    ).filter(([key]) => key.startsWith('contexts:')),
  );

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useRig(name);

    test(`the XSS corpus (${payloads.length} payloads in iss, kid, claim names and values, lwicontexts and lcw:error) stays text`, async () => {
      expect(payloads.length).toBeGreaterThanOrEqual(20);
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'xss-corpus', payloads.length);
      try {
        expect(run.xss).toBeUndefined();
        // Walk the whole timeline with the keyboard: every invocation's and every error's detail gets rendered.
        await panel.focus('#timeline');
        await panel.keyboard.press('Home');
        const seen = new Set<string>();
        const rows = await panel.evaluate(() =>
          Number(document.getElementById('timeline')!.getAttribute('aria-setsize')),
        );
        for (let i = 0; i < rows; i++) {
          const { detail } = await panelText(panel);
          // (innerText may drop bidi controls: compare without them)
          const plain = (text: string) => text.replace(/[\u202a-\u202e]/g, '').trim();
          for (const p of payloads) if (plain(detail).includes(plain(p))) seen.add(p);
          expect(await injectedMarkup(panel), `after row ${i}`).toEqual([]);
          await panel.keyboard.press('ArrowDown');
        }
        // Every payload showed up, as the very characters the page sent.
        expect(payloads.filter(p => !seen.has(p))).toEqual([]);
        await panel.screenshot({ path: join(SHOTS, `xss-${name}.png`) });
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    }, 120_000);

    test('keyboard: the views are tabs (arrow keys), the timeline a listbox, every control has a name', async () => {
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'expired', 1);
      try {
        const unnamed = await panel.evaluate(() =>
          [
            ...document.querySelectorAll(
              'button, input, select, textarea, [role="listbox"], [role="option"], [role="tab"]',
            ),
          ]
            .filter(el => {
              const labelled =
                (el as HTMLInputElement).labels?.length ||
                el.getAttribute('aria-label') ||
                el.getAttribute('aria-labelledby') ||
                el.textContent.trim();
              return !labelled;
            })
            .map(el => el.outerHTML.slice(0, 80)),
        );
        expect(unnamed).toEqual([]);

        // The newest invocation is selected; Up/Down and Home move the selection and the detail follows.
        expect((await panelText(panel)).detail).toContain('Invocation #1');
        await panel.focus('#timeline');
        await panel.keyboard.press('Home');
        const first = await panelText(panel);
        expect(first.detail).toMatch(/^Widget/);
        const active = await panel.evaluate(() =>
          document.getElementById('timeline')!.getAttribute('aria-activedescendant'),
        );
        expect(active).toBe('row-0');
        for (let i = 0; i < 20 && !(await panelText(panel)).detail.startsWith('Invocation #1'); i++)
          await panel.keyboard.press('ArrowDown');
        expect((await panelText(panel)).detail).toContain('Invocation #1');

        await panel.focus('#tab-session');
        await panel.keyboard.press('ArrowRight');
        expect(
          await panel.evaluate(() => [
            document.activeElement?.id,
            document.getElementById('view-paste')!.hidden,
            document.getElementById('view-session')!.hidden,
          ]),
        ).toEqual(['tab-paste', false, true]);
        await panel.keyboard.press('ArrowRight');
        expect(await panel.evaluate(() => document.activeElement?.id)).toBe('tab-har');
        await panel.keyboard.press('ArrowRight');
        expect(await panel.evaluate(() => document.activeElement?.id)).toBe('tab-variables');
        await panel.keyboard.press('ArrowRight');
        expect(await panel.evaluate(() => document.activeElement?.id)).toBe('tab-sites');
        await panel.keyboard.press('ArrowRight');
        expect(
          await panel.evaluate(() => [document.activeElement?.id, document.getElementById('view-session')!.hidden]),
        ).toEqual(['tab-session', false]);
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test("the widget's own words: its pane, where to look in the Console, a portal visitor not signed in", async () => {
      // `scenario` goes into the URL as is: the v2 mode rides along.
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'portal-anonymous&mode=v2', 1);
      try {
        const text = await waitForPanel(panel, t => t.facts['Widget said'] !== undefined);
        expect(text.verdict).toMatch(/the visitor is not signed in\.$/);
        expect(text.facts).toMatchObject({
          Widget: 'found · v2 (its frame is chatv2.html) · on a Power Pages portal · in an iframe',
          'Widget said': '"Chat authentication has failed." AUTH SETUP ERROR',
          Console: expect.stringMatching(
            /look for "Authentication Setup Error:" and "Unexpected error while getting token"$/,
          ),
        });
        expect(text.detail).toMatch(/Reason given\s+"Login Required"/);
        expect(text.rows).toContainEqual(
          expect.stringMatching(/Callback #1 asynchronously with an empty string and "Login Required"/),
        );
        expect(text.facts.Page).toMatch(/The widget showed "Chat authentication has failed\." with "AUTH SETUP ERROR"/);
        expect(await injectedMarkup(panel)).toEqual([]);
        await panel.screenshot({ path: join(SHOTS, `field-${name}.png`) });
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test('follows the theme: dark and light palettes', async () => {
      const { run, tabId, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'expired', 1, {
        theme: 'dark',
      });
      const light = await openPanel(rig.tb, tabId, { theme: 'light' });
      try {
        const colours = (page: Page) =>
          page.evaluate(() => [
            document.documentElement.dataset.theme,
            getComputedStyle(document.body).backgroundColor,
          ]);
        expect(await colours(panel)).toEqual(['dark', 'rgb(40, 40, 40)']);
        expect(await colours(light)).toEqual(['light', 'rgb(255, 255, 255)']);
        await panel.screenshot({ path: join(SHOTS, `panel-dark-${name}.png`) });
        await light.screenshot({ path: join(SHOTS, `panel-light-${name}.png`) });
      } finally {
        await Promise.all([panel.close(), light.close(), run.page.close()]);
      }
    });

    test("docked narrow (550 px, Chrome's default): rows keep their status codes, the status does not crowd out", async () => {
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'unknown-user', 1, {
        width: 550,
        height: 700,
      });
      try {
        await waitForPanel(panel, t => t.rows.some(r => r.includes('→ 401')));
        const layout = await panel.evaluate(() => {
          const box = (el: Element) => el.getBoundingClientRect();
          const text = [...document.querySelectorAll('#timeline .row .text')].find(e =>
            e.textContent.includes('→ 401'),
          )!;
          const range = document.createRange();
          range.setStart(text.firstChild!, 0);
          range.setEnd(text.firstChild!, text.textContent.indexOf('→ 401') + 5);
          return {
            stacked:
              box(document.getElementById('timeline')!).bottom <= box(document.getElementById('detail')!).top + 1,
            codeShown: range.getBoundingClientRect().right <= box(text).right,
            statusShare: box(document.getElementById('status')!).height / innerHeight,
            // The detail fills what is left below the timeline (a hidden view once took half of it).
            detailShare: box(document.getElementById('detail')!).height / innerHeight,
          };
        });
        expect(layout).toMatchObject({ stacked: true, codeShown: true });
        expect(layout.statusShare).toBeLessThanOrEqual(0.34);
        expect(layout.detailShare).toBeGreaterThan(0.3);
        await panel.screenshot({ path: join(SHOTS, `panel-narrow-${name}.png`) });
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test('filter, Preserve log and Clear work from the toolbar', async () => {
      const { run, tabId, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'throws', 1);
      try {
        await panel.type('#filter', 'threw');
        const filtered = await waitForPanel(panel, text => text.rows.length === 2);
        expect(filtered.rows.every(r => r.includes('threw'))).toBe(true);
        await panel.click('#preserve');
        await expect.poll(async () => (await readTab(rig.helper, tabId)).preserve).toBe(true);
        await run.page.goto(`${rig.site.origin}/widget?scenario=empty`);
        await panel.evaluate(() => {
          (document.getElementById('filter') as HTMLInputElement).value = '';
          document.getElementById('filter')!.dispatchEvent(new Event('input'));
        });
        const both = await waitForPanel(
          panel,
          text => text.rows.some(r => r.includes('Navigated to')) && text.verdict.includes('empty string'),
        );
        expect(both.rows.filter(r => r.includes('Navigated to'))).toHaveLength(2);
        await panel.click('#clear');
        await waitForPanel(panel, text => text.rows.length === 0);
        expect((await readTab(rig.helper, tabId)).sessions.map(s => s.eventCount)).toEqual([0]);
        await panel.click('#preserve');
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test('context variables: pasted as a list, kept per origin in storage.local, used by the analysis', async () => {
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'valid', 1);
      try {
        await panel.click('#tab-variables');
        await panel.$eval('#variables-paste', n => {
          (n as HTMLTextAreaElement).value = 'Name\tType\nmsdyn_cartvalue\tNumber\nmsdyn_other\tText';
        });
        await panel.click('#variables-replace');
        await panel.waitForFunction(() =>
          document.getElementById('variables-status')?.textContent?.startsWith('Saved 2 variables'),
        );
        const stored = await storageLocal(rig.helper);
        expect(stored).toEqual({
          [`contexts:${rig.site.origin}`]: [
            { name: 'msdyn_cartvalue', type: 'number' },
            { name: 'msdyn_other', type: 'text' },
          ],
        });
        await panel.screenshot({ path: join(SHOTS, `variables-${name}.png`) });

        // A bad list gets a specific message and changes nothing.
        await panel.evaluate(() => {
          (document.getElementById('variables-paste') as HTMLTextAreaElement).value = 'a\tboolean';
        });
        await panel.click('#variables-replace');
        expect(await panel.$eval('#variables-status', n => [n.getAttribute('role'), n.textContent])).toEqual([
          'alert',
          expect.stringContaining('Text or Number'),
        ]);
        expect(await storageLocal(rig.helper)).toEqual(stored);

        // Back in the session, lwicontexts is compared with them: msdyn_isvip is not configured.
        await panel.click('#tab-session');
        const detail = await waitForPanel(panel, text => text.detail.includes('msdyn_isvip\tfalse\tstring\tno'));
        expect(detail.detail).toContain('msdyn_cartvalue\t10000\tstring\tyes');
        expect(detail.verdict).toMatch(/warning/);

        // Edited one by one: removing both clears the setting.
        await panel.click('#tab-variables');
        const rowCount = () => panel.$$eval('#view-variables tbody tr', rows => rows.length);
        expect(await rowCount()).toBe(2);
        await panel.click('button[aria-label^="Remove variable 2"]');
        await expect.poll(rowCount).toBe(1);
        await panel.click('button[aria-label^="Remove variable 1"]');
        await expect.poll(rowCount).toBe(0);
        await expect.poll(() => storageLocal(rig.helper)).toEqual({});
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test('paste a token: the same analysis, clear messages for junk', async () => {
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'valid', 1);
      try {
        await panel.click('#tab-paste');
        await pasteToken(panel, `Bearer ${rig.site.tokens.expired}`);
        await panel.waitForFunction(() =>
          document
            .querySelector('#paste-result [data-verdict]')
            ?.textContent?.startsWith('Error 4 (the token is invalid) expected'),
        );
        const result = await panel.$eval('#paste-result', n => (n as HTMLElement).innerText);
        expect(result).toContain('token.bearer-prefix');
        expect(result).toMatch(/expired \d hours? ago/);
        await panel.screenshot({ path: join(SHOTS, `paste-${name}.png`) });

        await pasteToken(panel, 'not a token at all');
        await panel.waitForFunction(
          () => !document.querySelector('#paste-result [data-verdict]')?.textContent?.includes('Bearer'),
        );
        expect(await panel.$eval('#paste-result [data-verdict]', n => n.textContent)).toMatch(
          /^Error 4 \(the token is invalid\) expected: .*(three|segments|JWT)/i,
        );
        expect(await injectedMarkup(panel)).toEqual([]);
        // Tokens never reach storage.local.
        expect(JSON.stringify(await storageLocal(rig.helper))).not.toContain('eyJ');
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test('Export report: signatures redacted by default, whole tokens only when asked', async () => {
      const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'valid', 1);
      try {
        const signature = rig.site.tokens.valid.split('.')[2]!;
        const redacted = await exportFromPanel(panel);
        expect(redacted.text).not.toContain(signature);
        expect(JSON.parse(redacted.text).tokensIncluded).toBe(false);
        const full = await exportFromPanel(panel, { includeTokens: true });
        expect(JSON.parse(full.text)).toMatchObject({
          tokensIncluded: true,
          invocations: [{ token: { raw: rig.site.tokens.valid, signature } }],
        });
        expect(await panel.$eval('#notice', n => n.textContent)).toContain('full tokens included');
      } finally {
        await Promise.all([panel.close(), run.page.close()]);
      }
    });

    test.runIf(name === 'chromium')(
      'Export report really downloads lcw-auth-report-<host>-<timestamp>.json',
      async () => {
        const { run, panel } = await scenarioInPanel(rig.tb, rig.helper, rig.site, 'expired', 1);
        const dir = mkdtempSync(join(tmpdir(), 'lcw-download-'));
        try {
          const cdp = await rig.tb.browser.target().createCDPSession();
          await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
          await panel.click('#export');
          await expect
            .poll(() => readdirSync(dir).filter(f => f.endsWith('.json')), { timeout: 10_000 })
            .toHaveLength(1);
          const [file] = readdirSync(dir);
          expect(file).toMatch(/^lcw-auth-report-127\.0\.0\.1_\d+-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
          const report = JSON.parse(readFileSync(join(dir, file!), 'utf8'));
          expect(report.invocations.map((i: { errorCode: number }) => i.errorCode)).toEqual([4]);
          await cdp.detach();
        } finally {
          await Promise.all([panel.close(), run.page.close()]);
        }
      },
    );

    test('a panel opened before anything was recorded says so, then fills in', async () => {
      const page = await rig.tb.browser.newPage();
      await page.goto(`${rig.site.origin}/plain`);
      const tabId = await newestTabId(rig.helper);
      const panel = await openPanel(rig.tb, tabId);
      try {
        const empty = await panelText(panel);
        expect(empty.verdict).toBe('No Omnichannel chat widget seen on this page.');
        // Empty states say what to try, never "nothing matches the filter" without a filter.
        expect(empty.detail).toMatch(/^Nothing recorded on this page yet\. The widget may load later/);
        expect(empty.facts.Record).toMatch(/Paste a token or Open HAR file work without a page$/);
        await panel.click('#tab-variables');
        expect(await panel.$eval('#view-variables', n => n.textContent)).toMatch(
          /nothing is recorded for this tab yet/,
        );
        await panel.click('#tab-session');
        await page.goto(`${rig.site.origin}/widget?scenario=valid`);
        const text = await waitForPanel(panel, t => t.verdict.startsWith('Token accepted'));
        expect(text.facts.Invocations).toMatch(/^1\b/);
        expect(current(await readTab(rig.helper, tabId)).invocations).toHaveLength(1);
      } finally {
        await Promise.all([panel.close(), page.close()]);
      }
    });

    test('malformed panel requests get no answer', async () => {
      expect(await sendFromExtensionPage(rig.helper, { type: 'clear', tabId: 'all' })).toBeUndefined();
    });
  });
}
