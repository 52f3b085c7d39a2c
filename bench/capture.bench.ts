/**
 * Figures for the capture path, in headless Chromium, measured side by side in one run:
 *  - load of a page without the widget (loadEventEnd), median ratio to the floor: a build whose
 *    hook and relay are empty scripts at document_start, the fixed cost of any design with a
 *    private channel (React DevTools pays it too)                        (goal <= 1.03x)
 *    Also shown: no extension at all, and the shipped build without the wire observation
 *    (webRequest and its host permissions), which lives in the background.
 *  - a provider's callback(token) reaching the widget: the cost of one wrapped call over one
 *    unwrapped call, median of batches                                  (goal <= 20 us added)
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, CHROMIUM_ARGS, type TestBrowser } from '../test/helpers/browsers.js';
import { startSite } from '../test/helpers/site.js';
import { median, report } from './measure.js';

const site = await startSite();
const [withExt, without] = await Promise.all([launch('chromium'), launch('chromium', { extension: false })]);
const results: boolean[] = [];

try {
  {
    // Two browsers per build: one browser instance can be 5% faster than another with the same
    // build, so each build's figure is the median over both, and the two floors, compared with
    // each other, show how much of any ratio is noise.
    const shipped = () => referenceBuild(() => undefined);
    const floor = () =>
      referenceBuild(m => {
        m.content_scripts = m.content_scripts.map(script => ({ ...script, js: ['empty.js'] }));
      });
    // Every browser here is launched the same way (same flags, same default viewport): the test
    // helper's launch sets a larger viewport, which alone made pages a few percent slower.
    // The wire observation lives in the background: the shipped build without its permissions
    // shows what it costs a widget-free page (nothing is expected: no Omnichannel request there).
    const noWire = () =>
      referenceBuild(m => {
        m.permissions = ['storage'];
        delete m.host_permissions;
      });
    const builds: [string, Browser[]][] = [
      ['with the extension', [await shipped(), await shipped()]],
      ['floor: empty hook and relay (reference)', [await floor(), await floor()]],
      ['without any extension', [await referenceBuild(null)]],
      ['with the extension, no wire observation', [await noWire()]],
    ];
    const instances = builds.flatMap(([name, list]) => list.map(browser => ({ name, browser })));
    const pages = await Promise.all(instances.map(i => i.browser.newPage()));
    // Script time per load (CDP's ScriptDuration for the document) beside wall time: it tells the
    // scripts' own cost from what they make the browser wait for.
    const cdp = await Promise.all(
      pages.map(async page => {
        const session = await page.createCDPSession();
        await session.send('Performance.enable');
        return session;
      }),
    );
    const loads: number[][] = instances.map(() => []);
    const scripts: number[][] = instances.map(() => []);
    for (let round = 0; round < 61; round++) {
      // Alternate the order each round so drift hits every build alike.
      const order = round % 2 ? [...pages.keys()] : [...pages.keys()].reverse();
      for (const i of order) {
        await pages[i]!.goto(`${site.origin}/plain?round=${round}`, { waitUntil: 'load' });
        const ms = await pages[i]!.evaluate(
          () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
        );
        const { metrics } = await cdp[i]!.send('Performance.getMetrics');
        const script = (metrics.find(m => m.name === 'ScriptDuration')?.value ?? NaN) * 1000;
        if (round > 0) {
          // The first load warms caches.
          loads[i]!.push(ms);
          scripts[i]!.push(script);
        }
      }
    }
    const of = (name: string, samples: number[][]) =>
      median(instances.flatMap((inst, i) => (inst.name === name ? samples[i]! : [])));
    const medians = builds.map(([name]) => of(name, loads));
    const scriptMs = builds.map(([name]) => of(name, scripts));
    const base = medians[1]!;
    const floors = instances.flatMap((inst, i) => (inst.name === builds[1]![0] ? [median(loads[i]!)] : []));
    results.push(
      report(
        'Widget-free page load (median of 2 x 60, loadEventEnd), ratio to the floor (empty hook and relay)',
        '<= 1.03x',
        medians[0]! / base <= 1.03,
        [
          ...builds.map(
            ([name], i) =>
              `${name.padEnd(42)} ${medians[i]!.toFixed(2)} ms  ${(medians[i]! / base).toFixed(3)}x` +
              `  (script ${scriptMs[i]!.toFixed(2)} ms)`,
          ),
          `noise: the two floor browsers differ by ${(floors[1]! / floors[0]! - 1) * 100 >= 0 ? '+' : ''}${((floors[1]! / floors[0]! - 1) * 100).toFixed(1)}%`,
        ],
      ),
    );
    const references = instances.map(i => i.browser);
    await Promise.all(references.map(b => b.close()));
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
        sdk.setAuthTokenProvider((cb: (t: string) => void) => {
          kept = cb;
          cb(token);
        });
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
    results.push(
      report('callback(token) to the widget, per call (median of 30 batches of 200)', '<= 20 us added', added <= 20, [
        `wrapped   ${wrapped.toFixed(2)} us`,
        `unwrapped ${plain.toFixed(2)} us`,
        `added ${added.toFixed(2)} us (an upper bound: it includes the report sent after the widget has the token)`,
      ]),
    );
  }
} finally {
  await Promise.all([withExt.close(), without.close()]);
  site.close();
}
process.exitCode = results.every(Boolean) ? 0 : 1;

/** dist/chrome with its manifest edited: a reference point, not something that ships. */
/** dist/chrome with its manifest edited (`null`: no extension at all): a reference point, not something that ships. */
async function referenceBuild(
  edit:
    | ((manifest: { content_scripts: { js: string[] }[]; permissions: string[]; host_permissions?: string[] }) => void)
    | null,
): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'lcw-reference-'));
  cpSync('dist/chrome', dir, { recursive: true });
  writeFileSync(join(dir, 'empty.js'), '');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit?.(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'lcw-ref-profile-')),
    args: CHROMIUM_ARGS,
    ...(edit ? { enableExtensions: [dir] } : {}),
  });
}
