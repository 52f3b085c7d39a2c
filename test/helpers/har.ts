/**
 * HAR files from real Chromium sessions: the DevTools protocol's network events, turned into HAR
 * 1.2 by chrome-har (sitespeed.io's builder), response bodies included as DevTools' "Save all as
 * HAR with content" does. Shared by the HAR tests and the HAR benchmark.
 */
import type { Browser } from 'puppeteer-core';
import { harFromMessages } from 'chrome-har';
import { launchChromium } from '../../src/demo/browsers.js';

export interface HarFile {
  log: {
    entries: {
      startedDateTime: string;
      request: { url: string; headers: { name: string; value: string }[] };
      response: { content: { text?: string; encoding?: string; size?: number } };
    }[];
  };
}

/** What chrome-har needs of the protocol's events. */
const EVENTS = [
  'Page.loadEventFired',
  'Page.domContentEventFired',
  'Page.frameStartedLoading',
  'Page.frameAttached',
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.loadingFailed',
];

/**
 * Chromium without the extension, the widget's cross-origin frame kept in the page's process so
 * one protocol session hears its requests too (DevTools hears every frame's).
 */
export async function launchHarRecorder(): Promise<Browser> {
  const { browser } = await launchChromium({
    extension: false,
    args: ['--disable-site-isolation-trials', '--disable-features=IsolateOrigins,site-per-process'],
  });
  return browser;
}

/**
 * Until every request the page sent has finished or failed (its body can then be read) and none
 * has started for 150 ms; at most 5 s.
 */
async function networkIdle(messages: readonly { method: string; params: any }[]): Promise<void> {
  const ended = (m: { method: string }) =>
    m.method === 'Network.loadingFinished' || m.method === 'Network.loadingFailed';
  let quietSince = Date.now();
  let seen = -1;
  for (const since = Date.now(); Date.now() - since < 5000;) {
    const sent = new Set(messages.filter(m => m.method === 'Network.requestWillBeSent').map(m => m.params.requestId));
    if (sent.size !== seen) [seen, quietSince] = [sent.size, Date.now()];
    for (const m of messages) if (ended(m)) sent.delete(m.params.requestId);
    if (sent.size === 0 && Date.now() - quietSince >= 150) return;
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** Records one simulator page (until it says it is done) as a HAR. */
export async function recordHar(browser: Browser, url: string): Promise<HarFile> {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  const messages: { method: string; params: any }[] = [];
  for (const method of EVENTS) cdp.on(method as any, (params: unknown) => messages.push({ method, params }));
  await cdp.send('Page.enable');
  await cdp.send('Network.enable');
  await page.goto(url);
  await page.waitForFunction(() => (window as any).__done === true, { timeout: 20_000, polling: 100 });
  await networkIdle(messages);
  for (const m of messages.filter(m => m.method === 'Network.responseReceived')) {
    const body = await cdp.send('Network.getResponseBody', { requestId: m.params.requestId }).catch(() => null);
    // DevTools decodes what it got as base64 (a body without a text type) before saving it as text.
    if (body) m.params.response.body = body.base64Encoded ? Buffer.from(body.body, 'base64').toString() : body.body;
  }
  await page.close();
  return harFromMessages(messages, { includeTextFromResponseBody: true }) as HarFile;
}
