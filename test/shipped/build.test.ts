/** What the build ships: one manifest turned into two, contexts within their size budgets, a lint-clean Firefox build, store packages. */
import { describe, test, expect } from 'vitest';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const manifest = (browser: string) => JSON.parse(readFileSync(`dist/${browser}/manifest.json`, 'utf8'));
const source = JSON.parse(readFileSync('manifest.json', 'utf8'));

describe('manifests', () => {
  test('Chrome gets the service worker and no Firefox keys', () => {
    const m = manifest('chrome');
    expect(m.background).toEqual({ service_worker: 'background.js' });
    expect(m.browser_specific_settings).toBeUndefined();
  });
  test('Firefox gets background scripts, its id, no data collection, min version 140', () => {
    const m = manifest('firefox');
    expect(m.background).toEqual({ scripts: ['background.js'] });
    expect(m.browser_specific_settings.gecko).toEqual({
      id: '{8c3b4c5e-2f7a-4a8e-9d61-5b0e7f3a9c21}',
      strict_min_version: '140.0',
      data_collection_permissions: { required: ['none'] },
    });
  });
  test('both ask for storage and webRequest on Omnichannel hosts only, inject the hook in the MAIN world before the relay, and keep the rest of the source manifest', () => {
    for (const browser of ['chrome', 'firefox']) {
      const m = manifest(browser);
      expect(m.permissions).toEqual(['storage', 'webRequest']);
      // Omnichannel's service and CDN hosts, and the simulator's stand-in for them: never "all sites".
      for (const host of m.host_permissions as string[]) {
        expect(host).toMatch(
          /^(https:\/\/(\*\.omnichannelengagementhub\.(com|us|cn)|oc-cdn-[a-z-]+\.azureedge\.net)|http:\/\/localhost)\/\*$/,
        );
      }
      expect(m.host_permissions).toContain('https://*.omnichannelengagementhub.us/*');
      expect(
        m.content_scripts.map((c: { js: string[]; world?: string; run_at: string }) => [
          c.js,
          c.world ?? 'ISOLATED',
          c.run_at,
        ]),
      ).toEqual([
        [['hook.js'], 'MAIN', 'document_start'],
        [['relay.js'], 'ISOLATED', 'document_start'],
      ]);
      const { background: _b, browser_specific_settings: _s, ...shared } = source;
      expect(m).toMatchObject(shared);
      for (const file of [
        'hook.js',
        'relay.js',
        'background.js',
        'devtools.js',
        'panel.js',
        'panel.html',
        'devtools.html',
        'icon-32.png',
        'icon-128.png',
      ]) {
        expect(existsSync(`dist/${browser}/${file}`), `${browser}/${file}`).toBe(true);
      }
    }
  });
});

describe('size budgets (minified)', () => {
  test.each([
    // The hook captures every built-in it calls, so no page can reach into it (docs/architecture.md);
    // it now also records setContextProvider, a callback's second argument and "did you mean" names.
    ['hook.js', 7 * 1024],
    // The relay validates every form the page may send (deliveries kept as length and fingerprint
    // past 64 KiB) and reads the widget's error panes in its frame.
    ['relay.js', 7.5 * 1024],
  ])('%s is at most %i bytes', (file, budget) => {
    expect(statSync(`dist/chrome/${file}`).size).toBeLessThanOrEqual(budget);
  });
});

test('web-ext lint: no errors, and no warnings but the known background one', () => {
  const out = execFileSync('npx', ['web-ext', 'lint', '--source-dir', 'dist/firefox', '--output', 'json'], {
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
  }).toString();
  const report = JSON.parse(out.slice(out.indexOf('{')));
  expect(report.errors).toEqual([]);
  expect(
    report.warnings
      .map((w: { code: string }) => w.code)
      .filter((code: string) => code !== 'BACKGROUND_SERVICE_WORKER_IGNORED'),
  ).toEqual([]);
}, 60_000);
