/** The panel's tab strip (Session, Paste a token, Open HAR file, Context variables, Sites), keys as in DevTools. */
import { byId } from './dom.js';

const TABS = ['session', 'paste', 'har', 'variables', 'sites'] as const;
export type TabName = (typeof TABS)[number];

/** Wires the tabs' buttons and keys; returns the function that shows one (and tells `onShow`). */
export function tabStrip(onShow: (name: TabName) => void): (name: TabName, focus?: boolean) => void {
  const show = (name: TabName, focus = false) => {
    for (const tab of TABS) {
      const button = byId(`tab-${tab}`);
      const selected = tab === name;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      byId(`view-${tab}`).hidden = !selected;
      if (selected && focus) button.focus();
    }
    onShow(name);
  };
  for (const tab of TABS) byId(`tab-${tab}`).addEventListener('click', () => show(tab));
  byId('tab-session').parentElement!.addEventListener('keydown', event => {
    const at = TABS.findIndex(t => byId(`tab-${t}`).getAttribute('aria-selected') === 'true');
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    show(TABS[(at + step + TABS.length) % TABS.length]!, true);
  });
  return show;
}
