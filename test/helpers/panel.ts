/** Driving the panel page (panel.html?tabId=N) the way an engineer would, and reading what it shows. */
import type { Page } from 'puppeteer-core';
import { openExtensionPage, type TestBrowser } from './browsers.js';

/** Opens the panel for `tabId` and waits until it rendered the record. */
export async function openPanel(tb: TestBrowser, tabId: number, { theme, width = 1200, height = 720 }: { theme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Page> {
  const page = await openExtensionPage(tb, `panel.html?tabId=${tabId}${theme ? `&theme=${theme}` : ''}`);
  await page.setViewport({ width, height });
  await page.waitForFunction(() => document.body.dataset.rendered !== undefined, { timeout: 10_000 });
  return page;
}

export interface PanelText {
  verdict: string;
  facts: Record<string, string>;
  rows: string[];
  detail: string;
}

/** What the panel shows, as text. */
export function panelText(page: Page): Promise<PanelText> {
  return page.evaluate(() => {
    const facts: Record<string, string> = {};
    for (const dt of document.querySelectorAll('#facts dt')) facts[dt.textContent!] = (dt.nextElementSibling as HTMLElement).innerText;
    return {
      verdict: document.getElementById('verdict')!.textContent!,
      facts,
      rows: [...document.querySelectorAll('#timeline [role="option"]')].map(r => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
      detail: (document.getElementById('detail') as HTMLElement).innerText,
    };
  });
}

/** Waits until the panel's verdict satisfies `ready`, re-rendering as the record grows. */
export async function waitForPanel(page: Page, ready: (text: PanelText) => boolean, timeoutMs = 15_000): Promise<PanelText> {
  const until = Date.now() + timeoutMs;
  let text = await panelText(page);
  while (!ready(text)) {
    if (Date.now() > until) throw new Error(`panel never got ready; it shows: ${JSON.stringify(text).slice(0, 800)}`);
    await new Promise(resolve => setTimeout(resolve, 100));
    text = await panelText(page);
  }
  return text;
}
