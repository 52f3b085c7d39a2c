/**
 * `lcw-auth har` on HAR files recorded from real Chromium sessions against the simulator (the
 * DevTools protocol's network events turned into HAR 1.2 by chrome-har, the builder sitespeed.io
 * maintains: no hand-written HAR), then the damage tickets bring: a cut-off file, a sanitized
 * export without bodies or cookies, base64 bodies, megabytes of unrelated entries, and files that
 * are not HARs at all.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle } from 'puppeteer-core';
import { recordHar, launchHarRecorder, type HarFile } from '../helpers/har.js';
import { startSite, type Site } from '../helpers/site.js';
import { runCli } from '../helpers/cli.js';
import { validateReport } from '../helpers/report-schema.js';
import { launch, type TestBrowser } from '../helpers/browsers.js';
import { openPanel, waitForPanel, exportFromPanel, injectedMarkup } from '../helpers/panel.js';

const DIR = mkdtempSync(join(tmpdir(), 'lcw-har-'));
let site: Site;
let browser: Browser;
const recorded = {} as { v1: HarFile; custom: HarFile; expired: HarFile };
const record = (url: string) => recordHar(browser, url);

const write = (name: string, content: string | Buffer) => {
  const file = join(DIR, name);
  writeFileSync(file, content);
  return file;
};

beforeAll(async () => {
  site = await startSite();
  browser = await launchHarRecorder();
  recorded.v1 = await record(`${site.origin}/widget?scenario=unknown-user`);
  recorded.custom = await record(`${site.frameOrigin}/custom?scenario=valid`);
  recorded.expired = await record(`${site.origin}/widget?scenario=expired&mode=v2`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  site?.close();
});

const json = async (file: string, ...more: string[]) => {
  const result = await runCli(['har', file, '--json', ...more]);
  return { ...result, out: result.stdout ? JSON.parse(result.stdout) : null };
};

describe('lcw-auth har on recorded traces', () => {
  test('v1, unknown user: both /auth/ calls, their 401 "UserId not found", the widget v1 from its frame', async () => {
    const file = write('v1.har', JSON.stringify(recorded.v1));
    const { status, out } = await json(file);
    expect(status).toBe(1);
    expect(out.authCalls).toEqual([
      { endpoint: 'getchattoken', status: 401, message: 'UserId not found' },
      { endpoint: 'getchattoken', status: 401, message: 'UserId not found' },
    ]);
    expect(out.verdict).toBe(
      'Refused by the service: getchattoken answered 401: "UserId not found": no active contact has the id ' +
        '"00000000-dead-beef-0000-000000000000" (2 calls).',
    );
    const text = await runCli(['har', file]);
    expect(text.stdout).toContain('v1 (its frame is chat.html) · org 0c7e5fd8-0000-4000-8000-0000000000b2');
    // The first line is the file and its count, with real line breaks after it (never escaped ones).
    expect(text.stdout.split('\n')[0]).toMatch(/^\S+v1\.har: \d+ of \d+ entries are the widget's$/);
    expect(text.stdout).not.toContain('\\u000a');
    // A HAR holds the wire: what only the page can show is said to be absent, never "none" or "0 ms".
    expect(text.stdout).toContain('| Token route | not in a HAR file |');
    expect(text.stdout).toContain('| Widget errors | not in a HAR file |');
    expect(text.stdout).not.toMatch(/-1:1|sync ×1|\| 0 ms \|/);
  });

  test("v2, expired: judged as of the request, not the clock; --report writes the panel's report, redacted", async () => {
    const file = write('expired.har', JSON.stringify(recorded.expired));
    const reportFile = join(DIR, 'expired-report.json');
    const { status, out } = await json(file, '--report', reportFile);
    expect(status).toBe(1);
    expect(out.errorCodes).toEqual([4]);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.widget.kind).toBe('v2');
    expect(report.tokensIncluded).toBe(false);
    expect(readFileSync(reportFile, 'utf8')).not.toContain(site.tokens.expired.split('.')[2]);
  });

  test("--key verifies each token as sent, against the site's key and against another", async () => {
    const file = write('v1-key.har', JSON.stringify(recorded.v1));
    const good = await json(file, '--key', write('public.pem', site.publicKeyPem));
    expect(good.out.signatures.map((s: { status: string }) => s.status)).toEqual(['verified']);
    const other = await fetch(`${site.origin}/keys/other.pem`).then(r => r.text());
    const bad = await json(file, '--key', write('other.pem', other));
    expect([bad.status, bad.out.signatures.map((s: { status: string }) => s.status)]).toEqual([1, ['invalid']]);
    const text = await runCli(['har', file, '--key', join(DIR, 'public.pem')]);
    expect(text.stdout).toMatch(/Signatures \(--key .*public\.pem\):\n {2}invocation #1: verified: /);
  });

  test('a custom widget on the npm Chat SDK: its calls from the page, accepted', async () => {
    const { status, out } = await json(write('custom.har', JSON.stringify(recorded.custom)));
    expect([status, out.verdict]).toEqual([0, 'Token accepted']);
    expect(out.authCalls.map((c: { endpoint: string }) => c.endpoint)).toEqual(['conversation', 'sessionclose']);
  });
});

describe('damaged and wrong files', () => {
  test('a missing file or a directory: one line, exit 2', async () => {
    const missing = await runCli(['har', join(DIR, 'nope.har')]);
    expect([missing.status, missing.stderr]).toEqual([
      2,
      `lcw-auth: cannot read HAR file ${join(DIR, 'nope.har')}: no such file\n`,
    ]);
    const directory = await runCli(['har', DIR]);
    expect([directory.status, directory.stderr]).toEqual([
      2,
      `lcw-auth: cannot read HAR file ${DIR}: it is a directory\n`,
    ]);
  });

  test('sanitized (no bodies, no cookies or authorization) and base64 bodies still read', async () => {
    const sanitized = structuredClone(recorded.v1);
    for (const e of sanitized.log.entries) {
      delete e.response.content.text;
      e.request.headers = e.request.headers.filter(h => !/^(cookie|authorization)$/i.test(h.name));
    }
    expect((await json(write('sanitized.har', JSON.stringify(sanitized)))).out.authCalls).toHaveLength(2);
    const base64 = structuredClone(recorded.v1);
    for (const e of base64.log.entries) {
      if (typeof e.response.content.text !== 'string') continue;
      e.response.content.text = Buffer.from(e.response.content.text).toString('base64');
      e.response.content.encoding = 'base64';
    }
    const { out } = await json(write('base64.har', JSON.stringify(base64)));
    expect(out.authCalls).toHaveLength(2);
  });

  test("200 MB of unrelated entries around the widget's: the same answer", async () => {
    const padded = structuredClone(recorded.v1);
    const filler = {
      ...padded.log.entries[0]!,
      request: { ...padded.log.entries[0]!.request, url: 'https://cdn.example/x.js' },
    };
    const big = { ...filler, response: { ...filler.response, content: { text: 'x'.repeat(1_000_000), size: 1e6 } } };
    const many = Array.from({ length: 100 }, () => big);
    padded.log.entries = [...many, ...padded.log.entries, ...many];
    const { status, out } = await json(write('padded.har', JSON.stringify(padded)));
    expect(status).toBe(1);
    expect(out.authCalls).toHaveLength(2);
    expect(out.entries).toBe(recorded.v1.log.entries.length + 200);
  });

  test('cut off: one line that says where, what came before it analysed, exit 2', async () => {
    const whole = JSON.stringify(recorded.v1);
    const lastAuth = whole.lastIndexOf('getchattoken');
    const { status, stderr, out } = await json(write('cut.har', whole.slice(0, lastAuth)));
    expect(status).toBe(2);
    expect(stderr).toMatch(/^lcw-auth: .*cut\.har: the file is cut off at byte \d+ \(inside entry \d+\)/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(out.authCalls.length).toBeGreaterThanOrEqual(1);
  });

  test.each([
    ['page.html', '<!doctype html><title>Sign in</title>', /not a HAR file: it does not start with a JSON object/],
    ['empty.har', '', /the file is empty/],
    ['object.json', '{"hello": [1, 2, 3]}', /not a HAR file: it has no "log.entries" list/],
    [
      'other.har',
      JSON.stringify({ log: { version: '1.2', entries: [{ request: { url: 'https://shop.example/' } }] } }),
      /the widget's traffic is not in .*other\.har \(1 entries; looked for requests to \/livechatconnector\//,
    ],
  ])('%s: one clear line, exit 2', async (name, content, message) => {
    const result = await runCli(['har', write(name, content)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

for (const name of ['chromium', 'firefox'] as const) {
  describe(`${name}: "Open HAR file" in the panel`, () => {
    let tb: TestBrowser;
    beforeAll(async () => {
      tb = await launch(name);
    });
    afterAll(async () => {
      await tb?.close();
    });

    test('the recorded trace shows as the Session view, exports its report, and goes back to the tab', async () => {
      const panel = await openPanel(tb, 0);
      try {
        const input = (await panel.$('#har-input')) as ElementHandle<HTMLInputElement> | null;
        await input!.uploadFile(write(`panel-${name}.har`, JSON.stringify(recorded.v1)));
        const shown = await waitForPanel(panel, t =>
          t.verdict.startsWith('Refused by the service: getchattoken answered 401'),
        );
        expect(await panel.$eval('#har-banner-text', n => n.textContent)).toMatch(
          /^Showing panel-\w+\.har: \d+ of \d+ entries are the widget's\.$/,
        );
        expect(shown.facts.Widget).toContain('v1 (its frame is chat.html)');
        expect([shown.facts.Provider, shown.facts.Source]).toEqual([
          'not in a HAR file (it holds the traffic only)',
          `HAR file panel-${name}.har`,
        ]);
        expect(shown.rows.filter(r => r.includes('(seen on the wire)')).length).toBeGreaterThanOrEqual(2);
        // A HAR holds the wire: what only the page shows is said to be absent, never "none".
        expect([shown.facts['Token route'], shown.facts['Widget errors']]).toEqual([
          'not in a HAR file',
          'not in a HAR file',
        ]);

        expect(await panel.$eval('#clear', b => (b as HTMLButtonElement).disabled)).toBe(true);
        expect(await injectedMarkup(panel)).toEqual([]);
        const report = JSON.parse((await exportFromPanel(panel)).text);
        expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
        expect(report.authCalls.map((c: { status: number }) => c.status)).toEqual([401, 401]);
        expect(report.source).toBe('har');
        await panel.click('#har-close');
        await waitForPanel(panel, t => t.verdict === 'No Omnichannel chat widget seen on this page.');
      } finally {
        await panel.close();
      }
    });

    test("a HAR's key URL on this machine: fetched only once confirmed, and never remembered as the site's", async () => {
      const panel = await openPanel(tb, 0);
      try {
        const input = (await panel.$('#har-input')) as ElementHandle<HTMLInputElement> | null;
        await input!.uploadFile(write(`key-${name}.har`, JSON.stringify(recorded.v1)));
        await panel.waitForSelector('#detail .verify-section input');
        const offered = `${site.origin}/keys/public.pem`;
        expect(await panel.$eval('#detail .verify-section input', n => n.value)).toBe(offered);
        await panel.click('#detail .verify-section button');
        await panel.waitForSelector('#detail .confirm-fetch');
        expect(await panel.$eval('#detail .verify-result', n => n.textContent)).toBe(
          `The page offered ${offered}, a loopback address (this machine). A page can name any address to make ` +
            'the extension read it: fetch it only if you know it is the key. Fetch it',
        );
        await panel.click('#detail .confirm-fetch');
        await panel.waitForSelector('#detail .verify-line[data-status="verified"]');
        const stored = (await panel.evaluate(() =>
          (
            globalThis as unknown as { chrome: { storage: { local: { get(k: null): Promise<object> } } } }
          ).chrome.storage.local.get(null),
        )) as Record<string, unknown>;
        expect(Object.keys(stored).filter(k => k.startsWith('keyurl:'))).toEqual([]);
      } finally {
        await panel.close();
      }
    });

    test('a file that is not a HAR says so where the file was picked', async () => {
      const panel = await openPanel(tb, 0);
      try {
        await panel.click('#tab-har');
        const input = (await panel.$('#har-input')) as ElementHandle<HTMLInputElement> | null;
        await input!.uploadFile(write(`not-${name}.har`, '<!doctype html><title>Sign in</title>'));
        await panel.waitForFunction(() => document.getElementById('har-status')!.textContent !== '');
        expect(await panel.$eval('#har-status', n => n.textContent)).toBe(
          `not-${name}.har: not a HAR file: it does not start with a JSON object ("{")`,
        );
        expect(await panel.$eval('#view-har', n => (n as HTMLElement).hidden)).toBe(false);
      } finally {
        await panel.close();
      }
    });
  });
}
