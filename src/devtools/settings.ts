/**
 * The user's settings, in storage.local, per site origin: the work stream's context variables
 * and the public key URL last verified with. Settings only: tokens and records never go there.
 */
import browser from 'webextension-polyfill';
import { parseContextVariables, type ContextVariable } from '../analysis/index.js';

const key = (origin: string) => `contexts:${origin}`;

/** The variables saved for `origin`; undefined when none were (then names are not compared). */
export async function loadVariables(origin: string | null): Promise<ContextVariable[] | undefined> {
  if (!origin) return undefined;
  const stored = (await browser.storage.local.get(key(origin)))[key(origin)];
  try {
    return stored === undefined ? undefined : parseContextVariables(stored);
  } catch {
    return undefined; // written by an older version or by hand: ignore rather than break analysis
  }
}

/** Saves the list for `origin`; an empty list removes the setting. */
export async function saveVariables(origin: string, variables: readonly ContextVariable[]): Promise<void> {
  if (variables.length === 0) await browser.storage.local.remove(key(origin));
  else await browser.storage.local.set({ [key(origin)]: variables.map(v => ({ name: v.name, type: v.type })) });
}

/** Calls `listener` when the variables of `origin` change (in this panel or another). */
export function onVariablesChanged(listener: (origin: string) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    for (const name of Object.keys(changes)) if (name.startsWith('contexts:')) listener(name.slice('contexts:'.length));
  });
}

const keyUrlKey = (origin: string) => `keyurl:${origin}`;

/** The public key URL last verified with on `origin` (a URL: a setting, not a credential). */
export async function loadKeyUrl(origin: string | null): Promise<string | undefined> {
  if (!origin) return undefined;
  const stored = (await browser.storage.local.get(keyUrlKey(origin)))[keyUrlKey(origin)];
  return typeof stored === 'string' ? stored : undefined;
}

export async function saveKeyUrl(origin: string | null, url: string): Promise<void> {
  if (origin) await browser.storage.local.set({ [keyUrlKey(origin)]: url });
}
