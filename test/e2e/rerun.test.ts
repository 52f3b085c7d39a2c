/**
 * "Call provider again" in Chromium and Firefox: the page's provider runs once more through the
 * private channel, is recorded as an invocation marked as the panel's, and the page sees nothing
 * else: the widget gets no token, no error or unhandled rejection escapes.
 */
import { describe, test, expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import { useRig } from '../helpers/rig.js';
import { askBackground, type BrowserName } from '../helpers/browsers.js';
import { runScenario, tabIdOf, recordOf, current, newestTabId } from '../helpers/record.js';
import { openPanel, waitForPanel } from '../helpers/panel.js';
import { SessionAssembly, sessionVerdict } from '../../src/analysis/index.js';

/** What the page saw: its log, what its widget received, and any error that reached window. */
const pageState = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __observed: string[]; __widgetReceived: unknown[]; __errors?: string[] };
    if (!w.__errors) {
      w.__errors = [];
      addEventListener('error', e => w.__errors!.push(e.message));
    }
    return { observed: [...w.__observed], received: w.__widgetReceived.length, errors: [...w.__errors] };
  });

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useRig(name);

    test.each([
      ['valid', 'token', null],
      ['throws', 'threw', null],
      ['rejected', 'rejected', 3],
      ['client-function', 'token', null],
    ] as const)(
      "%s: called again, recorded as the panel's, invisible to the page",
      async (scenario, outcome, errorCode) => {
        const path =
          scenario === 'client-function' ? '/widget?scenario=client-function' : `/widget?scenario=${scenario}`;
        const run = await runScenario(rig.tb, rig.site.origin, path);
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        const before = current(
          await recordOf(
            rig.helper,
            tabId,
            r => current(r).invocations.length >= 1 && current(r).invocations.every(i => i.outcome !== 'pending'),
          ),
        ).invocations.length;
        const panel = await openPanel(rig.tb, tabId);
        try {
          const seen = await pageState(run.page);
          await panel.click('#call-again');
          const record = await recordOf(
            rig.helper,
            tabId,
            r => current(r).invocations.length === before + 1 && current(r).invocations.at(-1)!.outcome !== 'pending',
          );
          const again = current(record).invocations.at(-1)!;
          expect([again.rerun, again.outcome, again.errorCode]).toEqual([true, outcome, errorCode]);
          expect(
            current(record)
              .invocations.slice(0, -1)
              .every(i => !i.rerun),
          ).toBe(true);
          // The page's verdict and counts are what they were without the panel's call, which has its own line.
          const [frame, id] = again.key.split(':').map(Number);
          const session = record.sessions.at(-1)!;
          const pageOnly = session.events.filter(
            e => e.k !== 'again' && !('id' in e && e.frame === frame && e.id === id),
          );
          const alone = new SessionAssembly(pageOnly, { nowMs: Date.now(), frames: session.frames });
          alone.invocations();
          const text = await waitForPanel(
            panel,
            t => t.detail.includes('called again from this panel') && t.verdict === sessionVerdict(alone).text,
          );
          expect(text.detail).toContain('what the provider handed over went to nobody');
          expect(text.facts.Invocations).toMatch(new RegExp(`^${before}\\b`));
          expect(text.facts['Called from this panel']).toMatch(
            /^1 call, to nobody \(not counted above\) · newest, #\d+: /,
          );
          expect(await panel.$eval('#notice', n => n.textContent)).toContain(
            'Asked the page to call its provider again',
          );
          // The page: its provider ran (it logs that itself), and nothing else happened.
          await new Promise(resolve => setTimeout(resolve, 300));
          const after = await pageState(run.page);
          expect(after.received).toBe(seen.received);
          expect(after.errors).toEqual([]);
          expect(
            after.observed
              .slice(seen.observed.length)
              .filter(line => !line.startsWith('provider called') && !line.startsWith('client function called')),
          ).toEqual([]);
        } finally {
          await Promise.all([panel.close(), run.page.close()]);
        }
      },
    );

    test('without a registered provider the button is off and the background says why', async () => {
      const page = await rig.tb.browser.newPage();
      await page.goto(`${rig.site.origin}/plain`);
      const tabId = await newestTabId(rig.helper);
      const panel = await openPanel(rig.tb, tabId);
      try {
        expect(await panel.$eval('#call-again', b => (b as HTMLButtonElement).disabled)).toBe(true);
        expect(await askBackground(rig.helper, { type: 'call-provider-again', tabId })).toEqual({
          ok: false,
          reason: expect.stringContaining('No token provider'),
        });
      } finally {
        await Promise.all([panel.close(), page.close()]);
      }
    });
  });
}
