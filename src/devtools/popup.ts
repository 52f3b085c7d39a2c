/**
 * The toolbar button's popup: record the site of the tab it was opened on (the browser lets the
 * extension read that tab's address on this click only: activeTab), and the Sites view.
 */
import browser from 'webextension-polyfill';
import { byId, flash } from './dom.js';
import { AccessBar } from './access-view.js';
import { SitesView, type Answer } from './sites-view.js';
import { followTheme } from './theme.js';
import { request } from './ask.js';

const bar = new AccessBar(byId('this-site'), () => void reloadTab());
const sites = new SitesView(byId('view-sites'));
let tab: { id?: number; url?: string } | undefined;

async function reloadTab() {
  if (tab?.id !== undefined) await browser.tabs.reload(tab.id);
  window.close();
}

async function show() {
  // Each part on its own: a tab that cannot be read still leaves the Sites view.
  await Promise.all([
    browser.tabs
      .query({ active: true, currentWindow: true })
      .then(([active]) => {
        tab = active;
        return request({ type: 'list-sites' }).then(list =>
          bar.update({ pageUrl: tab?.url, recordedTop: null, page: undefined }, list),
        );
      })
      .catch(() => undefined),
    sites.show(),
  ]);
}

const answered = (answer: Answer) => {
  flash(byId('notice'), answer.ok ? 'Done: reload the page to record it from its start.' : answer.reason);
  void show();
};
bar.whenAnswered(answered);
sites.whenAnswered(answered);
followTheme(null);
void show();
