/**
 * The sites the user chose to record. The hook and relay run nowhere until a site is recorded:
 * then they are registered (scripting.registerContentScripts) for the recorded sites and the
 * widget's own frame hosts, in every frame from the document's start, kept across restarts.
 * The panel asks the browser for a site's permission on the user's click; this module only
 * registers what the browser granted, and drops what the user took back in the browser's settings
 * (named as `lost`, so the panel can offer it again). The list (match patterns, never page data)
 * is in storage.local so it outlives the browser, as the registration does.
 */
import browser, { type Scripting } from 'webextension-polyfill';
import { EVERY_SITE_PATTERNS, WIDGET_HOST_PATTERNS, isSitePattern } from '../protocol/hosts.js';
import type { RecordedSites, SitesAnswer } from '../protocol/messages.js';

const KEY = 'lcw:recorded-sites';
const SCRIPT_IDS = { hook: 'lcw-hook', relay: 'lcw-relay' } as const;

interface Stored {
  sites: string[];
  lost: string[];
}

let chain: Promise<unknown> = Promise.resolve();
/** One change at a time: two clicks never register over each other. */
function serial<T>(work: () => Promise<T>): Promise<T> {
  const result = chain.then(work, work);
  chain = result.catch(() => undefined);
  return result;
}

async function load(): Promise<Stored> {
  const stored = (await browser.storage.local.get(KEY))[KEY] as Partial<Stored> | undefined;
  const list = (value: unknown) => (Array.isArray(value) ? value.filter(isSitePattern) : []);
  return { sites: list(stored?.sites), lost: list(stored?.lost) };
}

const save = (stored: Stored) => browser.storage.local.set({ [KEY]: stored });

const granted = (pattern: string) => browser.permissions.contains({ origins: [pattern] }).catch(() => false);

function state(stored: Stored): RecordedSites {
  return {
    sites: stored.sites,
    lost: stored.lost,
    everySite: EVERY_SITE_PATTERNS.every(p => stored.sites.includes(p)),
  };
}

export const recordedSites = () => serial(async () => state(await load()));

/** Records the sites whose permission the browser has granted (the panel asked on the user's click). */
export function recordSites(patterns: string[]): Promise<SitesAnswer> {
  return serial(async () => {
    const stored = await load();
    const refused: string[] = [];
    for (const pattern of patterns) {
      if (!(await granted(pattern))) {
        refused.push(pattern);
        continue;
      }
      if (!stored.sites.includes(pattern)) stored.sites.push(pattern);
      stored.lost = stored.lost.filter(p => p !== pattern);
    }
    await save(stored);
    const error = await register(stored.sites);
    if (error)
      return { ok: false, reason: `The browser refused to register the recording: ${error}`, ...state(stored) };
    if (refused.length)
      return { ok: false, reason: `The browser did not grant access to ${refused.join(', ')}`, ...state(stored) };
    return { ok: true, ...state(stored) };
  });
}

/** Stops recording a site: its scripts go, and its permission is given back. */
export function stopSite(pattern: string): Promise<SitesAnswer> {
  return serial(async () => {
    const stored = await load();
    const gone = EVERY_SITE_PATTERNS.includes(pattern) ? EVERY_SITE_PATTERNS : [pattern];
    stored.sites = stored.sites.filter(p => !gone.includes(p));
    stored.lost = stored.lost.filter(p => !gone.includes(p));
    await save(stored);
    const error = await register(stored.sites);
    // Install-time hosts (the test build's loopback) cannot be given back: nothing else to do.
    await browser.permissions.remove({ origins: [...gone] }).catch(() => false);
    return error ? { ok: false, reason: error, ...state(stored) } : { ok: true, ...state(stored) };
  });
}

/**
 * Sites whose permission the user removed in the browser's own settings stop being recorded at
 * once (their scripts are unregistered) and are kept as `lost`. Runs at start and on every removal.
 */
export function reconcileSites(): Promise<void> {
  return serial(async () => {
    const stored = await load();
    const kept: string[] = [];
    for (const pattern of stored.sites) {
      if (await granted(pattern)) kept.push(pattern);
      else if (!stored.lost.includes(pattern)) stored.lost.push(pattern);
    }
    stored.sites = kept;
    await save(stored);
    await register(kept);
  });
}

/** Registers the hook and relay for `sites` and the widget's frame hosts; none when no site is recorded. */
async function register(sites: string[]): Promise<string | null> {
  try {
    const matches = sites.length ? [...new Set([...sites, ...WIDGET_HOST_PATTERNS])] : [];
    const existing = await browser.scripting.getRegisteredContentScripts({ ids: Object.values(SCRIPT_IDS) });
    // The background restarts often: re-registering then would leave a moment with no hook.
    const same = (s: Scripting.RegisteredContentScript) =>
      s.matches?.length === matches.length && matches.every(m => s.matches?.includes(m));
    if (existing.length === 2 && existing.every(same)) return null;
    if (existing.length) await browser.scripting.unregisterContentScripts({ ids: existing.map(s => s.id) });
    if (matches.length === 0) return null;
    const common = {
      matches,
      allFrames: true,
      matchOriginAsFallback: true,
      runAt: 'document_start',
      persistAcrossSessions: true,
    } satisfies Partial<Scripting.RegisteredContentScript>;
    await browser.scripting.registerContentScripts([
      // The hook first: it must run before any page script, in the page's own world.
      { id: SCRIPT_IDS.hook, js: ['hook.js'], world: 'MAIN', ...common },
      { id: SCRIPT_IDS.relay, js: ['relay.js'], ...common },
    ]);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
