/**
 * Figures for the capture path, in headless Chromium, measured side by side in one run:
 *  - a page on a site that is not recorded (the store build, which has no access to it): no
 *    extension world in it (CDP's execution contexts), and its load (loadEventEnd, median) beside
 *    no extension at all                                           (goal: within noise, <= 1.03x)
 *  - a widget-free page on a recorded site: its load, median ratio to the floor, the same
 *    recording with empty hook and relay scripts (the fixed cost of any content script at
 *    document_start)                                                      (goal <= 1.10x)
 *  - a provider's callback(token) reaching the widget: the cost of one wrapped call over one
 *    unwrapped call, median of batches                                  (goal <= 20 us added)
 */
import puppeteer, { TargetType, type Browser, type Page } from 'puppeteer-core';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, CHROMIUM_ARGS, type TestBrowser } from '../test/helpers/browsers.js';
import { recordSimulatorSites } from '../src/demo/browsers.js';
import { startSite } from '../test/helpers/site.js';
import { finish, median, measured, report } from './measure.js';

const site = await startSite();
const results: boolean[] = [];

try {
  {
    // Two browsers per contender: one browser instance can be 5% faster than another with the same
    // build, so each figure is the median over both, and each pair, compared with itself, shows how
    // much of any ratio is noise. Every browser is launched the same way (same flags, same viewport).
    const contenders: [string, () => Promise<Browser>][] = [
      ['recorded site: the extension', () => reference('chrome-test', { record: true })],
      ['recorded site: floor, empty hook and relay', () => reference('chrome-test', { record: true, empty: true })],
      ['site not recorded: the extension', () => reference('chrome', { record: false })],
      ['without any extension', () => reference(null, { record: false })],
    ];
    const instances: { name: string; browser: Browser }[] = [];
    for (const [name, start] of contenders)
      for (let i = 0; i < 2; i++) instances.push({ name, browser: await start() });
    const pages = await Promise.all(instances.map(i => i.browser.newPage()));
    const worlds = await Promise.all(pages.map(page => extensionWorlds(page, `${site.origin}/plain?worlds`)));
    const loads: number[][] = instances.map(() => []);
    for (let round = 0; round < 61; round++) {
      // Alternate the order each round so drift hits every build alike.
      const order = round % 2 ? [...pages.keys()] : [...pages.keys()].reverse();
      for (const i of order) {
        await pages[i]!.goto(`${site.origin}/plain?round=${round}`, { waitUntil: 'load' });
        const ms = await pages[i]!.evaluate(
          () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
        );
        // The first load warms caches.
        if (round > 0) loads[i]!.push(ms);
      }
    }
    const of = (name: string) => median(instances.flatMap((inst, i) => (inst.name === name ? loads[i]! : [])));
    const noise = (name: string) => {
      const [a, b] = instances.flatMap((inst, i) => (inst.name === name ? [median(loads[i]!)] : []));
      const pct = (b! / a! - 1) * 100;
      return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
    };
    const ms = contenders.map(([name]) => of(name));
    const worldsOf = (name: string) => instances.flatMap((inst, i) => (inst.name === name ? [worlds[i]!] : []));
    const line = (i: number, base: number) =>
      `${contenders[i]![0].padEnd(44)} ${ms[i]!.toFixed(2)} ms  ${(ms[i]! / base).toFixed(3)}x` +
      `  (extension worlds in the page: ${worldsOf(contenders[i]![0]).join(', ')})`;
    const unrecorded = ms[2]! / ms[3]!;
    const clean = worldsOf(contenders[2]![0]).every(n => n === 0);
    results.push(
      report(
        'A page on a site that is not recorded (median of 2 x 60, loadEventEnd), ratio to no extension at all',
        'no extension world in the page, and <= 1.03x',
        measured(unrecorded) && clean && unrecorded <= 1.03,
        [
          line(2, ms[3]!),
          line(3, ms[3]!),
          `noise: the two browsers without any extension differ by ${noise(contenders[3]![0])}`,
        ],
      ),
    );
    const recorded = ms[0]! / ms[1]!;
    results.push(
      report(
        'A widget-free page on a recorded site (median of 2 x 60, loadEventEnd), ratio to the floor (empty hook and relay)',
        '<= 1.10x',
        measured(recorded) && recorded <= 1.1,
        [line(0, ms[1]!), line(1, ms[1]!), `noise: the two floor browsers differ by ${noise(contenders[1]![0])}`],
      ),
    );
    await Promise.all(instances.map(i => i.browser.close()));
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
    const [withExt, without] = await Promise.all([launch('chromium'), launch('chromium', { extension: false })]);
    const [wrapped, plain] = [median(await perCall(withExt)) * 1000, median(await perCall(without)) * 1000];
    await Promise.all([withExt.close(), without.close()]);
    const added = wrapped - plain;
    results.push(
      report(
        'callback(token) to the widget, per call (median of 30 batches of 200)',
        '<= 20 us added',
        measured(added) && added <= 20,
        [
          `wrapped   ${wrapped.toFixed(2)} us`,
          `unwrapped ${plain.toFixed(2)} us`,
          `added ${added.toFixed(2)} us (an upper bound: it includes the report sent after the widget has the token)`,
        ],
      ),
    );
  }
} finally {
  site.close();
}
finish(results);

/**
 * A browser for one contender: `build` (dist/chrome, dist/chrome-test; null: no extension), its
 * simulator sites recorded as "Record this site" does, and (`empty`) its hook and relay replaced
 * by empty scripts: a reference point, not something that ships.
 */
async function reference(build: string | null, { record, empty = false }: { record: boolean; empty?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'lcw-reference-'));
  if (build) cpSync(`dist/${build}`, dir, { recursive: true });
  if (empty) for (const file of ['hook.js', 'relay.js']) writeFileSync(join(dir, file), '');
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'lcw-ref-profile-')),
    args: CHROMIUM_ARGS,
    ...(build ? { enableExtensions: [dir] } : {}),
  });
  if (build && record) {
    const worker = await browser.waitForTarget(
      t => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith('chrome-extension://'),
    );
    const page = await browser.newPage();
    await page.goto(new URL('/panel.html?tabId=0', worker.url()).href);
    await recordSimulatorSites(page);
    await page.close();
  }
  return browser;
}

/** How many extension worlds (isolated execution contexts of an extension) a load of `url` creates. */
async function extensionWorlds(page: Page, url: string): Promise<number> {
  const session = await page.createCDPSession();
  let worlds = 0;
  session.on('Runtime.executionContextCreated', ({ context }) => {
    if (String(context.origin).startsWith('chrome-extension://')) worlds++;
  });
  await session.send('Runtime.enable');
  await page.goto(url, { waitUntil: 'load' });
  await session.send('Runtime.disable');
  await session.detach();
  return worlds;
}
