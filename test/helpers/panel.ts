/** Driving the panel page (panel.html?tabId=N) the way an engineer would, and reading what it shows. */
import type { Page } from 'puppeteer-core';
import { openExtensionPage, type TestBrowser } from './browsers.js';

/** Opens the panel for `tabId` and waits until it rendered the record. */
export async function openPanel(
  tb: TestBrowser,
  tabId: number,
  { theme, width = 1200, height = 720 }: { theme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<Page> {
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
    for (const dt of document.querySelectorAll('#facts dt'))
      facts[dt.textContent] = (dt.nextElementSibling as HTMLElement).innerText;
    return {
      verdict: document.getElementById('verdict')!.textContent,
      facts,
      rows: [...document.querySelectorAll('#timeline [role="option"]')].map(r =>
        (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
      ),
      detail: (document.getElementById('detail') as HTMLElement).innerText,
    };
  });
}

/** Waits until the panel's verdict satisfies `ready`, re-rendering as the record grows. */
export async function waitForPanel(
  page: Page,
  ready: (text: PanelText) => boolean,
  timeoutMs = 15_000,
): Promise<PanelText> {
  const until = Date.now() + timeoutMs;
  let text = await panelText(page);
  while (!ready(text)) {
    if (Date.now() > until) throw new Error(`panel never got ready; it shows: ${JSON.stringify(text).slice(0, 800)}`);
    await new Promise(resolve => setTimeout(resolve, 100));
    text = await panelText(page);
  }
  return text;
}

/**
 * Clicks "Export report" and returns the file the panel offered for download (name and text),
 * caught at URL.createObjectURL and the link's click, so no file is written.
 */
export async function exportFromPanel(
  page: Page,
  { includeTokens = false } = {},
): Promise<{ name: string; text: string }> {
  await page.evaluate(include => {
    const w = window as unknown as { __exports: { name: string; blob: Blob }[]; __blob?: Blob };
    w.__exports = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      w.__blob = blob;
      return create.call(URL, blob);
    };
    HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
      w.__exports.push({ name: this.download, blob: w.__blob! });
    };
    const box = document.getElementById('include-tokens') as HTMLInputElement;
    if (box.checked !== include) box.click();
  }, includeTokens);
  await page.click('#export');
  return page.evaluate(async () => {
    const w = window as unknown as { __exports: { name: string; blob: Blob }[] };
    const [file] = w.__exports;
    if (!file) throw new Error('no export happened');
    return { name: file.name, text: await file.blob.text() };
  });
}

/** Clicks "Copy summary" and returns what the panel put on the clipboard. */
export async function copyFromPanel(page: Page): Promise<{ text: string; notice: string }> {
  await page.evaluate(() => {
    const w = window as unknown as { __copied?: string };
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: {
        writeText: async (text: string) => {
          w.__copied = text;
        },
      },
    });
  });
  await page.click('#copy');
  await page.waitForFunction(() => (window as unknown as { __copied?: string }).__copied !== undefined);
  return page.evaluate(() => ({
    text: (window as unknown as { __copied: string }).__copied,
    notice: document.getElementById('notice')!.textContent,
  }));
}

/** Elements the panel itself builds; anything else in the document was injected. */
const PANEL_TAGS = new Set([
  'HTML',
  'HEAD',
  'META',
  'TITLE',
  'LINK',
  'BODY',
  'DIV',
  'SPAN',
  'BDI',
  'P',
  'B',
  'CODE',
  'H2',
  'H3',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'TH',
  'TD',
  'UL',
  'LI',
  'A',
  'ARTICLE',
  'SECTION',
  'METER',
  'BUTTON',
  'INPUT',
  'LABEL',
  'TEXTAREA',
  'DL',
  'DT',
  'DD',
  'MAIN',
  'SELECT',
  'OPTION',
  'SCRIPT',
]);

/** Elements or attributes no panel view creates: injected markup, event handlers, foreign links. */
export function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(
    (allowed: string[]) => {
      const ok = new Set(allowed);
      const problems: string[] = [];
      for (const node of document.querySelectorAll('*')) {
        if (!ok.has(node.tagName)) problems.push(`<${node.tagName.toLowerCase()}>`);
        for (const attr of node.getAttributeNames())
          if (attr.startsWith('on')) problems.push(`${node.tagName.toLowerCase()}[${attr}]`);
      }
      const scripts = [...document.scripts].map(s => s.getAttribute('src'));
      if (scripts.join() !== '/panel.js') problems.push(`scripts: ${scripts.join()}`);
      for (const a of document.querySelectorAll('a'))
        if (!(a.getAttribute('href') ?? '').startsWith('/findings.html#'))
          problems.push(`a[href=${a.getAttribute('href')}]`);
      if ((window as unknown as { __xss?: unknown }).__xss !== undefined) problems.push('window.__xss was set');
      return problems;
    },
    [...PANEL_TAGS],
  );
}

/** Puts `text` in the "Paste a token" box, as typing would. */
export function pasteToken(page: Page, text: string): Promise<void> {
  return page.evaluate(value => {
    const input = document.getElementById('paste-input') as HTMLTextAreaElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }, text);
}

/** Pastes `token`, then verifies it with the key at `url` (or the pasted `key`); returns the result lines. */
export async function verify(
  panel: Page,
  token: string,
  { url = '', key = '' }: { url?: string; key?: string },
  timeout = 15_000,
): Promise<{ status: string | undefined; lines: string[] }> {
  await panel.evaluate(
    (t, u, k) => {
      // Start from an empty result, so the section waited for below is the new token's.
      document.getElementById('paste-result')!.replaceChildren();
      const input = document.getElementById('paste-input') as HTMLTextAreaElement;
      input.value = t;
      input.dispatchEvent(new Event('input'));
      (window as unknown as { __verify: { u: string; k: string } }).__verify = { u, k };
    },
    token,
    url,
    key,
  );
  await panel.waitForSelector('#paste-result .verify-section');
  await panel.evaluate(() => {
    const { u, k } = (window as unknown as { __verify: { u: string; k: string } }).__verify;
    const section = document.querySelector('#paste-result .verify-section')!;
    (section.querySelector('input') as HTMLInputElement).value = u;
    (section.querySelector('textarea') as HTMLTextAreaElement).value = k;
  });
  await panel.click('#paste-result .verify-section button');
  await panel.waitForFunction(
    () => {
      const lines = [...document.querySelectorAll('#paste-result .verify-line')];
      return (
        lines.length > 0 && !document.querySelector<HTMLButtonElement>('#paste-result .verify-section button')!.disabled
      );
    },
    { timeout },
  );
  return panel.evaluate(() => ({
    status: document.querySelector<HTMLElement>('#paste-result .verify-line[data-status]')?.dataset.status,
    lines: [...document.querySelectorAll('#paste-result .verify-line')].map(l => l.textContent),
  }));
}
