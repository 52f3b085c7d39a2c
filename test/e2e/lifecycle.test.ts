/**
 * The record over time: a stopped service worker, navigations with and without "Preserve log",
 * a closed tab, and the per-session cap.
 */
import { describe, test, expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import { useRig } from '../helpers/rig.js';
import { openExtensionPage, askBackground, sendFromExtensionPage, type BrowserName } from '../helpers/browsers.js';
import { runScenario, tabIdOf, recordOf, readTab, current, type TabAnswer } from '../helpers/record.js';
import { openPanel, waitForPanel } from '../helpers/panel.js';

interface Sdk {
  setAuthTokenProvider(p: unknown): void;
  getAuthTokenProvider(): unknown;
}
/** The page registers its provider again (the v1 widget calls a provider only when it is registered). */
const registerAgain = (page: Page, times = 1) =>
  page.evaluate(n => {
    const sdk = (window as unknown as { Microsoft: { Omnichannel: { LiveChatWidget: { SDK: Sdk } } } }).Microsoft
      .Omnichannel.LiveChatWidget.SDK;
    for (let i = 0; i < n; i++) sdk.setAuthTokenProvider(sdk.getAuthTokenProvider());
  }, times);

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useRig(name);

    test.runIf(name === 'chromium')('nothing is lost when the service worker is stopped mid-session', async () => {
      const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid');
      try {
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        await recordOf(rig.helper, tabId, r => current(r).invocations.length === 1);
        await rig.tb.stopBackground();
        // Events that happen while the worker is down wake it; the relay retries until they land.
        await registerAgain(run.page);
        await rig.tb.stopBackground();
        await registerAgain(run.page);
        // Each invocation's events may come in more than one message: wait for its callback too.
        const settled = (r: TabAnswer) =>
          current(r).invocations.length === 3 && current(r).invocations.every(i => i.outcome !== 'pending');
        const view = current(await recordOf(rig.helper, tabId, settled));
        expect(view.invocations.map(i => [i.key, i.outcome])).toEqual([
          ['0:1', 'token'],
          ['0:2', 'token'],
          ['0:3', 'token'],
        ]);
      } finally {
        await run.page.close();
      }
    });

    test.runIf(name === 'chromium')(
      'an open panel reconnects after the service worker stops and keeps updating',
      async () => {
        const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid');
        try {
          const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
          const view = await openExtensionPage(rig.tb, `panel.html?tabId=${tabId}`);
          const shown = () => view.evaluate(() => document.querySelectorAll('#timeline .row.kind-inv').length);
          await view.waitForFunction(() => document.querySelectorAll('#timeline .row.kind-inv').length === 1);
          await rig.tb.stopBackground();
          await registerAgain(run.page);
          // No reload: the panel hears "changed" again once its port has reconnected.
          await view.waitForFunction(() => document.querySelectorAll('#timeline .row.kind-inv').length === 2, {
            timeout: 15_000,
          });
          expect(await shown()).toBe(2);
          await view.close();
        } finally {
          await run.page.close();
        }
      },
    );

    test('a navigation starts a new page session; "Preserve log" keeps the previous one', async () => {
      const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid');
      try {
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        await recordOf(rig.helper, tabId, r => current(r).invocations.length === 1);
        await run.page.goto(`${rig.site.origin}/widget?scenario=empty`);
        let record = await recordOf(
          rig.helper,
          tabId,
          r => current(r).invocations.length === 1 && current(r).invocations[0]!.outcome === 'empty',
        );
        expect(record.sessions).toHaveLength(1);

        expect(await askBackground(rig.helper, { type: 'set-preserve', tabId, preserve: true })).toBe(true);
        await run.page.goto(`${rig.site.origin}/widget?scenario=throws`);
        record = await recordOf(rig.helper, tabId, r => r.sessions.length === 2 && current(r).invocations.length === 1);
        expect(record.preserve).toBe(true);
        expect(record.sessions.map(s => s.view.invocations[0]?.outcome)).toEqual(['empty', 'threw']);

        expect(await askBackground(rig.helper, { type: 'clear', tabId })).toBe(true);
        record = await readTab(rig.helper, tabId);
        expect(record.sessions.map(s => s.eventCount)).toEqual([0]);
      } finally {
        await run.page.close();
      }
    });

    test('closing the tab frees its record', async () => {
      const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid');
      const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
      await run.page.close();
      let tabs: { tabId: number }[] = [];
      for (let i = 0; i < 50; i++) {
        tabs = await askBackground(rig.helper, { type: 'list-tabs' });
        if (!tabs.some(t => t.tabId === tabId)) break;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(tabs.map(t => t.tabId)).not.toContain(tabId);
      expect(await readTab(rig.helper, tabId)).toEqual({ tabId, preserve: false, sessions: [] });
    });

    test('800 registrations in a row are all kept, in order', async () => {
      const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid');
      try {
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        const notWire = (r: TabAnswer) => r.sessions[0]!.events.filter(e => e.k !== 'wire');
        const before = notWire(await recordOf(rig.helper, tabId, r => current(r).deliveries.length === 1)).length;
        // Each registration records 5 events (registered, invoked, called back, returned, and what the
        // widget's frame received, which comes from another process a little later); the bounds
        // (store.test.ts) are far above.
        await registerAgain(run.page, 800);
        const record = await recordOf(
          rig.helper,
          tabId,
          r => current(r).invocations.at(-1)?.key === '0:801' && current(r).deliveries.length === 801,
        );
        const { dropped, view } = record.sessions[0]!;
        // The getchattoken calls seen on the wire come from the background, as they happen: not counted here.
        expect([notWire(record).length, dropped]).toEqual([before + 800 * 5, 0]);
        expect(view.invocations.map(i => i.key)).toEqual(Array.from({ length: 801 }, (_, i) => `0:${i + 1}`));
        // The panel shows the newest part first, then all of it.
        const shown = await openPanel(rig.tb, tabId);
        const text = await waitForPanel(shown, t => t.facts.Invocations === '801 · no error: 801');
        expect(text.detail).toContain('Invocation #801');
        expect(
          await shown.evaluate(() => [
            performance.getEntriesByName('lcw:preview').length,
            document.body.dataset.complete,
          ]),
        ).toEqual([1, 'true']);
        await shown.close();
      } finally {
        await run.page.close();
      }
    }, 120_000);

    test('the panel requests are validated: a malformed one gets no answer', async () => {
      expect(await sendFromExtensionPage(rig.helper, { type: 'clear', tabId: -1 })).toBeUndefined();
      expect(await sendFromExtensionPage(rig.helper, { type: 'drop-tables' })).toBeUndefined();
    });
  });
}
