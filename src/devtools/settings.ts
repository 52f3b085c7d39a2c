/**
 * The user's settings, in storage.local: the work stream's context variables per site origin.
 * Settings only: tokens and records never go to storage.local.
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
