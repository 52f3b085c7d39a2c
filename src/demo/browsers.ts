/**
 * Launching Debian's Chromium and Firefox ESR with the built extension (puppeteer-core, no
 * browser download). Shared by `npm start` and the tests, so both load it the same way.
 */
import manifest from '../../manifest.json' with { type: 'json' };
import puppeteer, { TargetType, type Browser, type Page } from 'puppeteer-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type BrowserName = 'chromium' | 'firefox';
/** The add-on's id, as the manifest gives it to Firefox. */
export const GECKO_ID = manifest.browser_specific_settings.gecko.id;
/** Pinned so moz-extension:// URLs are known before the add-on is installed. */
export const FIREFOX_UUID = '6f1c2a9e-4b1d-4e8a-9c3e-1d2f3a4b5c6d';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Quiet on a closed network: no update, sync or component traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** The browser to launch is not where it is looked for: said in one line, with how to get it. */
export class BrowserMissingError extends Error {
  constructor(name: BrowserName, path: string) {
    const [title, pkg, variable, dist, page] =
      name === 'chromium'
        ? ['Chromium', 'chromium', 'CHROMIUM_PATH', 'dist/chrome', 'chrome://extensions > Load unpacked']
        : ['Firefox', 'firefox-esr', 'FIREFOX_PATH', 'dist/firefox', 'about:debugging > Load Temporary Add-on'];
    super(
      `${title} is not installed at ${path}: install it (apt-get install ${pkg}) or set ${variable}, ` +
        `or load ${dist} by hand in your own browser (${page}).`,
    );
    this.name = 'BrowserMissingError';
  }
}

/** The executable, when it exists; else a BrowserMissingError before puppeteer says it less clearly. */
function executable(name: BrowserName, path: string): string {
  if (!existsSync(path)) throw new BrowserMissingError(name, path);
  return path;
}

export interface Launched {
  browser: Browser;
  extensionUrl: string | null;
}

export interface LaunchOptions {
  /** Load the built extension (default true). */
  extension?: boolean;
  headless?: boolean;
  /** More command-line arguments for the browser. */
  args?: string[];
  /** Where the builds are (dist/chrome, dist/firefox). */
  dist?: string;
  /**
   * Which build: the test build (default; loopback granted at install, for the simulator) or
   * what the stores get.
   */
  build?: 'test' | 'store';
  /** Host names the browser resolves to 127.0.0.1 (real-looking names for the simulator). */
  localNames?: string[];
}

const DEFAULTS: Required<LaunchOptions> = {
  extension: true,
  headless: true,
  args: [],
  dist: 'dist',
  build: 'test',
  localNames: [],
};

const buildDir = (options: Required<LaunchOptions>, browser: 'chrome' | 'firefox') =>
  resolve(options.dist, options.build === 'test' ? `${browser}-test` : browser);

/** What both launches share: headless or not, a viewport when headless, a fresh profile. */
const common = (headless: boolean, name: BrowserName) => ({
  headless,
  defaultViewport: headless ? { width: 1280, height: 800 } : null,
  userDataDir: mkdtempSync(join(tmpdir(), `lcw-${name}-`)),
});

export async function launchChromium(options: LaunchOptions = {}): Promise<Launched> {
  const all = { ...DEFAULTS, ...options };
  const { extension, headless, args, localNames } = all;
  const rules = localNames.map(name => `MAP ${name} 127.0.0.1`).join(',');
  const browser = await puppeteer.launch({
    ...common(headless, 'chromium'),
    executablePath: executable('chromium', CHROMIUM_PATH),
    pipe: true,
    args: [...CHROMIUM_ARGS, ...(rules ? [`--host-resolver-rules=${rules}`] : []), ...args],
    ...(extension ? { enableExtensions: [buildDir(all, 'chrome')] } : {}),
  });
  if (!extension) return { browser, extensionUrl: null };
  const worker = await browser.waitForTarget(
    t => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith('chrome-extension://'),
    { timeout: 15_000 },
  );
  return { browser, extensionUrl: new URL('/', worker.url()).href };
}

export async function launchFirefox(options: LaunchOptions = {}): Promise<Launched> {
  const all = { ...DEFAULTS, ...options };
  const { extension, headless, args, localNames } = all;
  const browser = await puppeteer.launch({
    ...common(headless, 'firefox'),
    browser: 'firefox',
    executablePath: executable('firefox', FIREFOX_PATH),
    args: ['--remote-allow-system-access', ...args],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      // Headless, a site's permission is granted on the click that asks for it, without the prompt
      // nobody could answer (shared/browser-testing.md): the real request path.
      ...(headless ? { 'extensions.webextOptionalPermissionPrompts': false } : {}),
      ...(localNames.length ? { 'network.dns.localDomains': localNames.join(',') } : {}),
    },
  });
  if (!extension) return { browser, extensionUrl: null };
  await browser.installExtension(buildDir(all, 'firefox'));
  return { browser, extensionUrl: `moz-extension://${FIREFOX_UUID}/` };
}

/**
 * Opens an extension page in a new tab. Firefox never reports such a navigation as finished:
 * start it, then wait until the tab is there.
 */
export async function openExtensionPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  if (url.startsWith('moz-extension:')) {
    await page.goto(url, { timeout: 300 }).catch(() => undefined);
    await page.waitForFunction(target => location.href === target, { timeout: 10_000, polling: 50 }, url);
  } else {
    await page.goto(url);
  }
  await page.waitForFunction(() => document.readyState !== 'loading', { timeout: 10_000 });
  return page;
}

/** The simulator's hosts: loopback, granted at install in the test build. */
export const SIMULATOR_SITES = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * Records the simulator's sites as "Record this site" does once the browser has granted them,
 * from an extension page (`page`). Pages opened afterwards are recorded from their start.
 */
export async function recordSimulatorSites(page: Page, patterns = SIMULATOR_SITES): Promise<void> {
  const answer = await page.evaluate(
    p =>
      (
        globalThis as unknown as {
          chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; reason?: string } | undefined> } };
        }
      ).chrome.runtime.sendMessage({ type: 'record-sites', patterns: p }),
    patterns,
  );
  if (!answer?.ok) throw new Error(`could not record ${patterns.join(', ')}: ${answer?.reason ?? 'no answer'}`);
}
