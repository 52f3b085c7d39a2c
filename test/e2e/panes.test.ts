/**
 * The pane reader against pages that make it work, in Chromium and Firefox: a flood of 10,000
 * panes gives a bounded number of pane events (and one finding), and a pane shown after 200,000
 * other nodes is still found. What the page keeps of its time is measured in bench/panes.bench.ts.
 */
import { describe, test, expect } from 'vitest';
import { useRig } from '../helpers/rig.js';
import type { BrowserName } from '../helpers/browsers.js';
import { recordOf, tabIdOf, current, type TabAnswer } from '../helpers/record.js';

const panesOf = (record: TabAnswer) => record.sessions.at(-1)!.events.filter(e => e.k === 'pane');

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useRig(name);
    const open = async (kind: string) => {
      const page = await rig.tb.browser.newPage();
      await page.goto(`${rig.site.origin}/pane-attack?kind=${kind}`);
      const frame = await (await page.waitForSelector('iframe'))!.contentFrame();
      await frame.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, {
        timeout: 20_000,
      });
      // The frame names the page by its referrer: across origins, the origin alone.
      return { page, tabId: await tabIdOf(rig.helper, `${rig.site.origin}/`) };
    };

    test('10,000 panes at once: at most 10 pane events, and one finding that counts them', async () => {
      const { page, tabId } = await open('flood');
      try {
        const record = await recordOf(rig.helper, tabId, r => panesOf(r).length >= 10);
        // The reader stopped once it had what it needs: no more come.
        await new Promise(resolve => setTimeout(resolve, 1000));
        const again = await recordOf(rig.helper, tabId);
        expect(panesOf(again)).toHaveLength(10);
        const findings = current(record).findings.filter(f => f.rule === 'widget.unauthorized');
        expect(findings.map(f => f.message)).toEqual([
          expect.stringMatching(
            /^The widget showed "Chat authentication has failed\." with "UNAUTHORIZED \d+": .*\(and 9 other panes like it\)\.$/,
          ),
        ]);
      } finally {
        await page.close();
      }
    });

    test('a pane shown after 200,000 other nodes is found, with its text', async () => {
      const { page, tabId } = await open('late');
      try {
        const record = await recordOf(rig.helper, tabId, r => panesOf(r).length >= 1);
        expect(panesOf(record).map(e => (e.k === 'pane' ? e.text : ''))).toEqual(['AUTH SETUP ERROR']);
      } finally {
        await page.close();
      }
    });
  });
}
