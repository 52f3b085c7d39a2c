/**
 * Real browsers with the built extension loaded: Debian's Chromium and Firefox ESR, headless,
 * driven by puppeteer-core (see shared/browser-testing.md). The panel page, opened in a tab,
 * is how tests read the background's record.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type BrowserName = 'chromium' | 'firefox';
export const GECKO_ID = 'lcw-auth-debugger@example.org';
const FIREFOX_UUID = '6f1c2a9e-4b1d-4e8a-9c3e-1d2f3a4b5c6d';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

export interface TestBrowser {
  name: BrowserName;
  browser: Browser;
  /** The extension's base URL, ending in "/"; null when launched without the extension. */
  extensionUrl: string | null;
  /** Stops the extension's background (the MV3 service worker); Chromium only. */
  stopBackground(): Promise<void>;
  close(): Promise<void>;
}

export async function launch(name: BrowserName, { extension = true } = {}): Promise<TestBrowser> {
  return name === 'chromium' ? launchChromium(extension) : launchFirefox(extension);
}

async function launchChromium(extension: boolean): Promise<TestBrowser> {
  const dir = resolve('dist/chrome');
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'lcw-chromium-')),
    args: CHROMIUM_ARGS,
    ...(extension ? { enableExtensions: [dir] } : {}),
  });
  let extensionUrl: string | null = null;
  if (extension) {
    const worker = await browser.waitForTarget(t => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'), { timeout: 15_000 });
    extensionUrl = new URL('/', worker.url()).href;
  }
  return {
    name: 'chromium', browser, extensionUrl,
    async stopBackground() {
      const session = await browser.target().createCDPSession();
      await session.send('ServiceWorker.enable').catch(() => undefined);
      const targets = browser.targets().filter(t => t.type() === 'service_worker' && t.url().startsWith(extensionUrl ?? '-'));
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

async function launchFirefox(extension: boolean): Promise<TestBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'lcw-firefox-')),
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }) },
  });
  if (extension) await browser.installExtension(resolve('dist/firefox'));
  return {
    name: 'firefox', browser, extensionUrl: extension ? `moz-extension://${FIREFOX_UUID}/` : null,
    async stopBackground() { throw new Error('Firefox runs the background as an event page; stopping it is not scriptable here'); },
    close: () => browser.close(),
  };
}

/** Opens an extension page in a new tab (Firefox never reports such a load as finished). */
export async function openExtensionPage(tb: TestBrowser, path: string): Promise<Page> {
  const page = await tb.browser.newPage();
  const url = `${tb.extensionUrl}${path}`;
  if (tb.name === 'firefox') {
    await page.goto(url, { timeout: 3000 }).catch(() => undefined);
  } else {
    await page.goto(url);
  }
  await page.waitForFunction(() => document.readyState !== 'loading', { timeout: 10_000 });
  return page;
}

/** Sends a panel request to the background from an extension page. */
export function askBackground<T>(extensionPage: Page, message: unknown): Promise<T> {
  return extensionPage.evaluate(m => {
    const api = (globalThis as unknown as { browser?: { runtime: { sendMessage(x: unknown): Promise<unknown> } }; chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } } });
    return (api.browser ?? api.chrome).runtime.sendMessage(m);
  }, message) as Promise<T>;
}
