/**
 * Figures for the capture path (issue: capture), in headless Chromium with and without the
 * extension, measured side by side in one run:
 *  - load of a page without the widget (loadEventEnd), median ratio   (goal <= 1.02x)
 *  - a provider's callback(token) reaching the widget: the cost of one wrapped call over one
 *    unwrapped call, median of batches                                  (goal <= 20 us added)
 */
import { launch, type TestBrowser } from '../test/helpers/browsers.js';
import { startSite } from '../test/helpers/site.js';
import { median, report } from './measure.js';

const site = await startSite();
const [withExt, without] = await Promise.all([launch('chromium'), launch('chromium', { extension: false })]);
const results: boolean[] = [];

try {
  {
    const pages = await Promise.all([withExt, without].map(b => b.browser.newPage()));
    const loads: number[][] = [[], []];
    for (let round = 0; round < 61; round++) {
      for (const [i, page] of pages.entries()) {
        await page.goto(`${site.origin}/plain?round=${round}`, { waitUntil: 'load' });
        const ms = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
        if (round > 0) loads[i]!.push(ms); // the first load warms caches
      }
    }
    const [a, b] = loads.map(median) as [number, number];
    results.push(report('Widget-free page load, with vs without the extension (median of 60, loadEventEnd)', '<= 1.02x', a / b <= 1.02,
      [`with    ${a.toFixed(2)} ms`, `without ${b.toFixed(2)} ms`, `ratio ${(a / b).toFixed(3)}x`]));
  }
  {
    // The page keeps the callback the (wrapped or not) provider was given, then calls it in batches.
    const perCall = async (tb: TestBrowser) => {
      const page = await tb.browser.newPage();
      await page.goto(`${site.origin}/widget?scenario=valid`);
      await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done);
      return page.evaluate(async (token: string) => {
        const sdk = (window as any).Microsoft.Omnichannel.LiveChatWidget.SDK;
        let kept: (t: string) => void = () => {};
        sdk.setAuthTokenProvider((cb: (t: string) => void) => { kept = cb; cb(token); });
        const batches: number[] = [];
        for (let round = 0; round < 30; round++) {
          const start = performance.now();
          for (let i = 0; i < 200; i++) kept(token);
          batches.push((performance.now() - start) / 200);
          await new Promise(resolve => setTimeout(resolve, 5));
        }
        return batches;
      }, site.tokens.valid);
    };
    const [wrapped, plain] = [median(await perCall(withExt)) * 1000, median(await perCall(without)) * 1000];
    const added = wrapped - plain;
    results.push(report('callback(token) to the widget, per call (median of 30 batches of 200)', '<= 20 us added', added <= 20,
      [`wrapped   ${wrapped.toFixed(2)} us`, `unwrapped ${plain.toFixed(2)} us`, `added ${added.toFixed(2)} us (an upper bound: it includes the report sent after the widget has the token)`]));
  }
} finally {
  await Promise.all([withExt.close(), without.close()]);
  site.close();
}
process.exitCode = results.every(Boolean) ? 0 : 1;
