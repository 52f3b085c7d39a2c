/** What the build ships: one manifest turned into two, contexts within their size budgets, a lint-clean Firefox build, store packages. */
import { describe, test, expect } from 'vitest';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { EVERY_SITE_PATTERNS, INSTALL_HOST_PATTERNS, isOmnichannelHost } from '../../src/protocol/hosts.js';

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
  test('both ask at install for Omnichannel and the widget hosts only, run no content script anywhere, and keep the rest of the source manifest', () => {
    for (const browser of ['chrome', 'firefox']) {
      const m = manifest(browser);
      expect(m.permissions).toEqual(['storage', 'webRequest', 'scripting', 'activeTab']);
      // Omnichannel's service and the widget's own hosts: never a customer's site, never "all sites".
      expect(m.host_permissions).toEqual([...INSTALL_HOST_PATTERNS]);
      for (const host of m.host_permissions as string[])
        expect(isOmnichannelHost(new URL(host.replace('*.', 'm-x.')).hostname)).toBe(true);
      // A site is asked for on the user's click: https, and a developer's own loopback.
      expect(m.optional_host_permissions).toEqual([...EVERY_SITE_PATTERNS]);
      expect(m.content_scripts).toBeUndefined();
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
        'popup.html',
        'popup.js',
        'icon-32.png',
        'icon-128.png',
      ]) {
        expect(existsSync(`dist/${browser}/${file}`), `${browser}/${file}`).toBe(true);
      }
    }
  });
});

test("each browser's test build is its store build with loopback granted at install and *.test names optional", () => {
  for (const browser of ['chrome', 'firefox']) {
    const store = manifest(browser);
    const tested = manifest(`${browser}-test`);
    expect(tested).toEqual({
      ...store,
      host_permissions: [...store.host_permissions, 'http://127.0.0.1/*', 'http://localhost/*'],
      optional_host_permissions: [...store.optional_host_permissions, 'http://*.test/*'],
    });
    expect(readFileSync(`dist/${browser}-test/hook.js`, 'utf8')).toBe(readFileSync(`dist/${browser}/hook.js`, 'utf8'));
  }
});

describe('size budgets (minified)', () => {
  test.each([
    // The hook captures every built-in it calls, so no page can reach into it (docs/architecture.md);
    // it now also records setContextProvider, a callback's second argument and "did you mean" names.
    ['hook.js', 7 * 1024],
    // The relay validates every form the page may send (deliveries kept as length and fingerprint
    // past 64 KiB) and reads the widget's error panes in its frame.
    ['relay.js', 8.5 * 1024],
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
