/** What most browser suites need, per describe block: the simulator, a browser with the extension, and an extension page to ask the background with. */
import { beforeAll, afterAll } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launch, openExtensionPage, type BrowserName, type TestBrowser, type TestLaunch } from './browsers.js';
import { startSite, type Site } from './site.js';

export interface Rig {
  site: Site;
  tb: TestBrowser;
  helper: Page;
}

/** Registers the set-up and tear-down; the fields are filled before the first test runs. */
export function useRig(
  name: BrowserName,
  { then, launch: options }: { then?: (rig: Rig) => Promise<unknown>; launch?: TestLaunch } = {},
): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    rig.site = await startSite();
    rig.tb = await launch(name, options);
    rig.helper = await openExtensionPage(rig.tb, 'panel.html?tabId=0');
    await then?.(rig);
  });
  afterAll(async () => {
    await rig.tb?.close();
    rig.site?.close();
  });
  return rig;
}

/** A rig plus a second browser without the extension, for the differential (what the page observes). */
export interface DifferentialRig extends Rig {
  without: TestBrowser;
}

export function useDifferentialRig(name: BrowserName): DifferentialRig {
  const rig = {} as DifferentialRig;
  beforeAll(async () => {
    rig.site = await startSite();
    [rig.tb, rig.without] = await Promise.all([launch(name), launch(name, { extension: false })]);
    rig.helper = await openExtensionPage(rig.tb, 'panel.html?tabId=0');
  });
  afterAll(async () => {
    await Promise.all([rig.tb?.close(), rig.without?.close()]);
    rig.site?.close();
  });
  return rig;
}
