/**
 * Real browsers with the built extension loaded: Debian's Chromium and Firefox ESR, headless,
 * driven by puppeteer-core (see shared/browser-testing.md). The panel page, opened in a tab,
 * is how tests read the background's record.
 */
import { TargetType, type Browser, type Page } from 'puppeteer-core';
import type { AnswerTo, PanelRequest } from '../../src/protocol/messages.js';
import {
  launchChromium as startChromium,
  launchFirefox as startFirefox,
  openExtensionPage as openPage,
  recordSimulatorSites,
  type BrowserName,
} from '../../src/demo/browsers.js';

export { CHROMIUM_ARGS, GECKO_ID, type BrowserName } from '../../src/demo/browsers.js';

export interface TestBrowser {
  name: BrowserName;
  browser: Browser;
  /** The extension's base URL, ending in "/"; null when launched without the extension. */
  extensionUrl: string | null;
  /** Stops the extension's background (the MV3 service worker); Chromium only. */
  stopBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface TestLaunch {
  extension?: boolean;
  /** Host names resolved to 127.0.0.1. */
  localNames?: string[];
  /** Record the simulator's sites first (default), as a user's "Record this site" would. */
  record?: boolean;
}

export async function launch(name: BrowserName, options: TestLaunch = {}): Promise<TestBrowser> {
  const tb = await (name === 'chromium' ? launchChromium(options) : launchFirefox(options));
  if (tb.extensionUrl && options.record !== false) {
    const page = await openExtensionPage(tb, 'panel.html?tabId=0');
    await recordSimulatorSites(page);
    await page.close();
  }
  return tb;
}

async function launchChromium(options: TestLaunch): Promise<TestBrowser> {
  const { browser, extensionUrl } = await startChromium(options);
  return {
    name: 'chromium',
    browser,
    extensionUrl,
    async stopBackground() {
      const session = await browser.target().createCDPSession();
      await session.send('ServiceWorker.enable').catch(() => undefined);
      const targets = browser
        .targets()
        .filter(t => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(extensionUrl ?? '-'));
      for (const target of targets) {
        const worker = await target.worker();
        await worker?.close().catch(() => undefined);
      }
      await session.send('ServiceWorker.stopAllWorkers').catch(() => undefined);
      await session.detach();
    },
    close: () => browser.close(),
  };
}

async function launchFirefox(options: TestLaunch): Promise<TestBrowser> {
  const { browser, extensionUrl } = await startFirefox(options);
  return {
    name: 'firefox',
    browser,
    extensionUrl,
    async stopBackground() {
      throw new Error('Firefox runs the background as an event page; stopping it is not scriptable here');
    },
    close: () => browser.close(),
  };
}

/** Opens one of the extension's pages (path relative to its root) in a new tab. */
export function openExtensionPage(tb: TestBrowser, path: string): Promise<Page> {
  return openPage(tb.browser, `${tb.extensionUrl}${path}`);
}

/** Sends a panel request to the background from an extension page; the answer is typed by the protocol. */
export function askBackground<R extends PanelRequest>(extensionPage: Page, request: R): Promise<AnswerTo<R>> {
  return sendFromExtensionPage(extensionPage, request) as Promise<AnswerTo<R>>;
}

/** Sends anything (a malformed request, as a hostile caller would) and returns what came back. */
export function sendFromExtensionPage(extensionPage: Page, message: unknown): Promise<unknown> {
  return extensionPage.evaluate(m => {
    const api = globalThis as unknown as {
      browser?: { runtime: { sendMessage(x: unknown): Promise<unknown> } };
      chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } };
    };
    return (api.browser ?? api.chrome).runtime.sendMessage(m);
  }, message);
}
