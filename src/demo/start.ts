/**
 * `npm start`: the product working, in one command. Serves the widget simulator (a scenario
 * picker and one page per way a token provider can fail) and opens Chromium (or Firefox with
 * `-- --firefox`) with the extension loaded and DevTools open on it. Where there is no display,
 * it says so, explains how to load the extension by hand, and runs the same demo headless:
 * each scenario's verdict as the panel shows it, and screenshots of the panel.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import {
  BrowserMissingError,
  launchChromium,
  launchFirefox,
  openExtensionPage,
  recordSimulatorSites,
  type BrowserName,
} from './browsers.js';
import { startSite, DESCRIPTIONS, type Site } from '../simulator/server.js';
import { CUSTOM_SCENARIOS } from '../simulator/pages.js';

const browserName: BrowserName = process.argv.includes('--firefox') ? 'firefox' : 'chromium';
const port = Number(process.env.PORT) || 8080;
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

const site: Site = await startSite({ port }).catch(() => startSite({ port: 0 }));
const picker = `${site.origin}/`;

try {
  if (hasDisplay) await interactive();
  else await headless();
} catch (error) {
  // A newcomer's first command: a missing browser is one line saying what to do, not a stack trace.
  if (!(error instanceof BrowserMissingError)) throw error;
  site.close();
  console.error(`npm start: ${error.message}`);
  process.exit(1);
}

async function interactive() {
  const { browser, extensionUrl } =
    browserName === 'chromium'
      ? await launchChromium({ headless: false, args: ['--auto-open-devtools-for-tabs', '--window-size=1400,900'] })
      : await launchFirefox({ headless: false, args: ['--devtools'] });
  await recordSimulator(browser, extensionUrl!);
  const [page] = await browser.pages();
  await (page ?? (await browser.newPage())).goto(picker);
  const name = browserName === 'chromium' ? 'Chromium' : 'Firefox';
  console.log(`Widget simulator: ${picker}
${name} is open with the extension loaded and DevTools open, the simulator's sites recorded (as "Record this
site" does on yours): choose the "LCW Auth" panel (under » if hidden), then pick a scenario. Close the browser
(or press Ctrl+C) to stop.`);
  browser.on('disconnected', () => {
    site.close();
    process.exit(0);
  });
  process.on('SIGINT', () => {
    void browser.close();
  });
}

async function headless() {
  // Launched first: a missing browser is then the only thing said.
  const { browser, extensionUrl } = browserName === 'chromium' ? await launchChromium() : await launchFirefox();
  console.log(
    `No display here, so no browser window: load dist/chrome (chrome://extensions > Developer mode > ` +
      `Load unpacked) or dist/firefox (about:debugging > This Firefox > Load Temporary Add-on > ` +
      `manifest.json) by hand, serve the simulator with "npm run simulator", open DevTools > LCW ` +
      `Auth and click "Record this site". The same demo, headless, in ${browserName}:\n`,
  );
  const shots = resolve('dist/demo');
  mkdirSync(shots, { recursive: true });
  try {
    const helper = await openExtensionPage(browser, `${extensionUrl}panel.html`);
    await recordSimulatorSites(helper);
    for (const demo of demos()) {
      const verdict = await runScenario(
        browser,
        helper,
        extensionUrl!,
        demo,
        demo.label === 'v1 expired' ? `${shots}/panel-${browserName}.png` : undefined,
      );
      console.log(`  ${demo.label.padEnd(28)} ${verdict}\n  ${''.padEnd(28)} (${demo.description})`);
    }
    console.log(`\nThe panel on the "expired" scenario: ${shots}/panel-${browserName}.png`);
    console.log('For tokens pasted into a ticket: npx lcw-auth check <TOKEN>   (npx lcw-auth --help)');
  } finally {
    await browser.close();
    site.close();
  }
}

interface Demo {
  label: string;
  /** The page to open, and the address the extension records it under (no query). */
  url: string;
  recordedAs: string;
  description: string;
}

/** Scenarios on each integration route: the hosted widget v1 and v2, and a custom widget on the npm Chat SDK. */
function demos(): Demo[] {
  const v1 = ['valid', 'expired', 'throws', 'empty', 'later', 'client-function-missing'].map(scenario => ({
    label: `v1 ${scenario}`,
    url: `${site.origin}/widget?scenario=${scenario}`,
    recordedAs: `${site.origin}/widget`,
    description: DESCRIPTIONS[scenario] ?? '',
  }));
  return [
    ...v1,
    {
      label: 'v2 later',
      url: `${site.origin}/widget?scenario=later&mode=v2`,
      recordedAs: `${site.origin}/widget`,
      description: 'An asynchronous callback: fine on v2, whose frame waits for it (inferred behaviour).',
    },
    ...['valid', 'unknown-user'].map(scenario => ({
      label: `custom ${scenario}`,
      url: `${site.frameOrigin}/custom?scenario=${scenario}`,
      recordedAs: `${site.frameOrigin}/custom`,
      description: `Microsoft's npm Chat SDK in the page, seen on the wire. ${CUSTOM_SCENARIOS[scenario] ?? ''}`,
    })),
  ];
}

/** Runs one scenario page, then reads the panel's verdict for its tab. */
async function runScenario(
  browser: Browser,
  helper: Page,
  extensionUrl: string,
  demo: Demo,
  screenshot?: string,
): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(demo.url);
    await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, {
      timeout: 20_000,
      polling: 100,
    });
    const tabs = await helper.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { runtime: { sendMessage(m: unknown): Promise<{ tabId: number; url: string }[]> } };
        }
      ).chrome.runtime.sendMessage({ type: 'list-tabs' }),
    );
    const tab = tabs.find(t => t.url === demo.recordedAs);
    if (!tab) return '(the extension recorded nothing for this page)';
    const panel = await openExtensionPage(browser, `${extensionUrl}panel.html?tabId=${tab.tabId}`);
    await panel.setViewport({ width: 1200, height: 720 });
    await new Promise(done => setTimeout(done, 400));
    const verdict = await panel.$eval('#verdict', node => node.textContent ?? '');
    if (screenshot) await panel.screenshot({ path: screenshot });
    await panel.close();
    return verdict;
  } finally {
    await page.close();
  }
}

/** Records the simulator's sites, as a user's "Record this site" would, from an extension page. */
async function recordSimulator(browser: Browser, extensionUrl: string) {
  const page = await openExtensionPage(browser, `${extensionUrl}panel.html`);
  await recordSimulatorSites(page);
  await page.close();
}
