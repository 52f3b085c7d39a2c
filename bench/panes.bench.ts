/**
 * What the pane reader leaves a page of its time, in Chromium and Firefox, side by side in one run:
 * a frame at the widget's path (src/simulator/static/pane-attack.js) runs a 10 ms timer for 4 s (5 rounds)
 * that changes a text every tick, beside 200,000 other text nodes or one 50 MB text node; its ticks
 * with the extension recording, over its ticks without any extension     (goal >= 0.95 in each case)
 */
import type { Frame } from 'puppeteer-core';
import { launch, type BrowserName, type TestBrowser } from '../test/helpers/browsers.js';
import { startSite } from '../test/helpers/site.js';
import { finish, median, measured, report } from './measure.js';

const RUN_MS = 4000;
const ROUNDS = 5;
const site = await startSite();
const results: boolean[] = [];

/** The attack frame of a new tab on `kind`, ready to run. */
async function attackFrame(tb: TestBrowser, kind: string): Promise<{ frame: Frame; close: () => Promise<void> }> {
  const page = await tb.browser.newPage();
  await page.goto(`${site.origin}/pane-attack?kind=${kind}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  const frame = await (await page.waitForSelector('iframe'))!.contentFrame();
  await frame.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, {
    timeout: 60_000,
  });
  return { frame, close: () => page.close() };
}

const ticks = (frame: Frame) =>
  frame.evaluate(ms => (window as unknown as { __run(ms: number): Promise<number> }).__run(ms), RUN_MS);

try {
  // LCW_BENCH_BROWSERS=chromium (say) measures one browser only.
  const browsers = (process.env.LCW_BENCH_BROWSERS ?? 'chromium,firefox').split(',') as BrowserName[];
  for (const name of browsers) {
    const [recorded, plain] = await Promise.all([launch(name), launch(name, { extension: false })]);
    try {
      for (const [kind, what] of [
        ['nodes', '200,000 text nodes'],
        ['text', 'a 50 MB text node'],
      ] as const) {
        const withExtension: number[] = [];
        const without: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          // One tab at a time, alternating which goes first: the two never share the machine's time.
          const order = round % 2 ? [plain, recorded] : [recorded, plain];
          for (const tb of order) {
            const { frame, close } = await attackFrame(tb, kind);
            try {
              (tb === recorded ? withExtension : without).push(await ticks(frame));
            } finally {
              await close();
            }
          }
        }
        const ratio = median(withExtension) / median(without);
        results.push(
          report(
            `${name}: a frame at the widget's path with ${what}, its 10 ms timer's ticks in ${RUN_MS / 1000} s`,
            '>= 0.95x of the ticks without the extension',
            measured(ratio) && ratio >= 0.95,
            [
              `with the extension recording: ${withExtension.join(', ')} (median ${median(withExtension)})`,
              `without any extension:        ${without.join(', ')} (median ${median(without)})`,
              `ratio ${ratio.toFixed(3)}x`,
            ],
          ),
        );
      }
    } finally {
      await Promise.all([recorded.close(), plain.close()]);
    }
  }
} finally {
  site.close();
}
finish(results);
