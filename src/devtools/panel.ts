/**
 * The "LCW Auth" panel: status at a glance, the timeline, the detail of what is selected, a
 * token pasted from a ticket, the site's context variables, and the report. It works inside
 * DevTools (the inspected tab) and in a normal tab as /panel.html?tabId=N. Page data only ever
 * becomes text (see dom.ts).
 */
import browser from 'webextension-polyfill';
import { h, byId, flash, setText } from './dom.js';
import { followTheme } from './theme.js';
import { RecordSource, originOf, type PanelData } from './source.js';
import { VirtualList } from './virtual-list.js';
import { KIND_LABELS, entryDetail, navigationDetail, renderRow, type Row } from './timeline-view.js';
import { invocationDetail } from './detail.js';
import type { VerifySettings } from './token-detail.js';
import { keySuggestion } from './verify.js';
import { PasteView } from './paste-view.js';
import { tabStrip } from './tabs.js';
import { VariablesView } from './variables-view.js';
import { statusFacts } from './status-view.js';
import { loadVariables, onVariablesChanged, loadKeyUrl, saveKeyUrl } from './settings.js';
import { exportReport, copySummary } from './report-actions.js';
import { hasCallableProvider, sessionVerdict } from '../analysis/index.js';
import { openHar, type OpenedHar } from './har-view.js';
import { accessControls } from './access-view.js';
import { request } from './ask.js';

performance.mark('lcw:start');
const params = new URLSearchParams(location.search);
const tabId = Number(params.get('tabId') ?? browser.devtools?.inspectedWindow.tabId);

// --- State -----------------------------------------------------------------------------------
const source = new RecordSource(tabId, loadVariables);
let data: PanelData = { tabId, preserve: false, partial: false, sessions: [] };
/** A HAR file's session, shown instead of the tab's record until "Back to this tab". */
let har: OpenedHar | null = null;
let rows: Row[] = [];
/** What the user selected (session id + timeline index); null follows the newest invocation. */
let picked: { session: string; index: number } | null = null;
let idleJudge = 0;
/** The public key URL to offer in "Verify signature" for the current site. */
let keyUrl: string | undefined;

function verifySettings(contextVariables: VerifySettings['contextVariables'], reuseKey?: string): VerifySettings {
  const origin = originOf(current()?.url);
  const config = current()?.assembly.page.config?.reading;
  return {
    ...keySuggestion(config?.ok ? config.config.publicKeyUrl : null, keyUrl),
    ...(reuseKey ? { reuseKey } : {}),
    rememberUrl: url => {
      keyUrl = url;
      // A HAR file's configuration is the file's word: what it offers is never remembered as the site's.
      if (!har) void saveKeyUrl(origin, url);
    },
    ...(contextVariables ? { contextVariables } : {}),
  };
}

const list = new VirtualList<Row>(byId('timeline'), renderRow, (row, _, byUser) => {
  if (byUser && row && 'entry' in row) picked = { session: row.session.id, index: row.index };
  showDetail(row);
});
const variablesView = new VariablesView(byId('view-variables'));
const current = () => data.sessions.at(-1);

// --- Rendering ---------------------------------------------------------------------------------
/** Reads the record (`preview`: only its newest part) and draws it. */
async function load({ preview = false } = {}) {
  const wasPartial = data.partial;
  data = har ? har.data : await source.load({ preview });
  keyUrl = har ? undefined : await loadKeyUrl(originOf(current()?.url));
  // Timeline positions change once the whole record is in: follow the newest invocation again.
  if (wasPartial) picked = null;
  render();
  performance.mark(data.partial ? 'lcw:preview' : 'lcw:complete');
}

const reload = () => load();

/** First the newest part of a large record (status and newest entries at once), then all of it. */
async function firstLoad() {
  await load({ preview: true });
  if (data.partial) await reload();
}

function render() {
  renderStatus();
  renderTimeline();
  ($('preserve') as HTMLInputElement).checked = data.preserve;
  for (const id of ['export', 'copy']) ($(id) as HTMLButtonElement).disabled = !current();
  const page = current()?.assembly.page;
  ($('call-again') as HTMLButtonElement).disabled = har !== null || !page || !hasCallableProvider(page);
  // The tab's record controls do nothing to a file.
  for (const id of ['clear', 'preserve']) ($(id) as HTMLButtonElement | HTMLInputElement).disabled = har !== null;
  $('har-banner').hidden = har === null;
  void showAccess();
  void variablesView.show(originOf(current()?.url));
  if (!data.partial) scheduleJudging();
  document.body.dataset.rendered = String(performance.now());
  document.body.dataset.complete = String(!data.partial);
}

function $(id: string) {
  return byId(id);
}

function renderStatus() {
  const session = current();
  const verdict = $('verdict');
  if (!Number.isInteger(tabId)) {
    verdict.textContent = 'No tab to inspect: open this panel from DevTools, or as panel.html?tabId=N.';
    verdict.className = 'verdict warning';
    return;
  }
  if (!session) {
    // Pages without the widget are not recorded at all (the extension costs them nothing).
    verdict.textContent = 'No Omnichannel chat widget seen on this page.';
    verdict.className = 'verdict none';
    const hint =
      'nothing recorded for this tab yet: the widget may load later or in a frame of another site; ' +
      'Paste a token or Open HAR file work without a page';
    $('facts').replaceChildren(h('div', null, h('dt', null, 'Record'), h('dd', null, hint)));
    return;
  }
  const { text, tone } = sessionVerdict(session.assembly);
  setText(verdict, text);
  verdict.className = `verdict ${tone}`;
  $('facts').replaceChildren(...statusFacts(session, data.partial));
}

/** Judges the remaining invocations a few hundred at a time, so counts fill in without blocking. */
function scheduleJudging() {
  clearTimeout(idleJudge);
  const session = current();
  if (!session) return;
  const a = session.assembly;
  let next = 0;
  const step = () => {
    const until = performance.now() + 8;
    while (next < a.invocationCount && performance.now() < until) a.invocation(next++);
    const count = document.getElementById('invocation-count');
    if (next < a.invocationCount) idleJudge = window.setTimeout(step, 0);
    // The headline counts what failed before the newest: it is said again once all are judged.
    else if (count) renderStatus();
  };
  idleJudge = window.setTimeout(step, 50);
}

function renderTimeline() {
  const filter = ($('filter') as HTMLInputElement).value.trim().toLowerCase();
  rows = [];
  for (const [n, session] of data.sessions.entries()) {
    if (n > 0 || data.sessions.length > 1) rows.push({ session, navigation: true });
    session.assembly.page.timeline.forEach((entry, index) => {
      if (
        !filter ||
        entry.text.toLowerCase().includes(filter) ||
        KIND_LABELS[entry.kind].toLowerCase().includes(filter)
      )
        rows.push({ session, entry, index });
    });
  }
  let select = -1;
  if (picked) {
    const { session: id, index } = picked;
    select = rows.findIndex(r => 'entry' in r && r.session.id === id && r.index === index);
  }
  if (select < 0) {
    // Follow the newest invocation, as a debugger would, until the user picks something.
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      // A token invocation (a context provider's call has no invocation key).
      if ('entry' in r && r.entry.kind === 'inv' && r.entry.invocation) {
        select = i;
        break;
      }
    }
    if (select < 0 && rows.length > 0) select = rows.length - 1;
  }
  list.setItems(rows, select);
  if (select >= 0 && !picked) list.select(select, { reveal: true });
  else showDetail(rows[select]);
  byId('timeline').setAttribute(
    'aria-label',
    `Timeline, ${rows.length} entries${filter ? ` matching "${filter}"` : ''}`,
  );
}

/** Why the detail is empty, and what to try: never "nothing matches" with no filter. */
function emptyDetail(): string {
  const filter = ($('filter') as HTMLInputElement).value.trim();
  if (filter) return `Nothing matches the filter "${filter}".`;
  return current() && current()!.count > 0
    ? 'Nothing to show yet.'
    : 'Nothing recorded on this page yet. The widget may load later, or in a frame of another site (see the line ' +
        'above); for a token or a trace from a ticket, use Paste a token or Open HAR file.';
}

function showDetail(row: Row | undefined) {
  const pane = $('detail');
  if (!row) {
    pane.replaceChildren(h('p', { class: 'empty' }, emptyDetail()));
    return;
  }
  if (!('entry' in row)) {
    pane.replaceChildren(navigationDetail(row.session));
    return;
  }
  const { entry, session } = row;
  const a = session.assembly;
  const index = entry.invocation ? a.indexOf(entry.invocation) : -1;
  if (index >= 0) {
    const verify = verifySettings(a.options.contextVariables, `${session.id}|${a.invocation(index).key}`);
    pane.replaceChildren(invocationDetail(session, index, Date.now(), verify));
    return;
  }
  pane.replaceChildren(entryDetail(entry, session));
}

// --- Access to the site ------------------------------------------------------------------------
const access = accessControls(tabId, $('access'), $('view-sites'), answer => {
  notice(answer.ok ? 'Done: reload the page to record it from its start.' : answer.reason);
  void reload();
});
const showAccess = () => access.show(har ? null : current());

// --- Tabs, toolbar -----------------------------------------------------------------------------
const showTab = tabStrip(name => {
  if (name === 'paste') void analysePaste();
  if (name === 'sites') void access.sites.show();
});
const analysePaste = async () => {
  const contextVariables = await loadVariables(originOf(current()?.url));
  pasteView.show(contextVariables, verifySettings(contextVariables));
};
const pasteView = new PasteView($('paste-input') as HTMLTextAreaElement, $('paste-result'), () => void analysePaste());

const notice = (text: string) => flash($('notice'), text);

$('call-again').addEventListener('click', () => {
  picked = null; // show the new invocation when it comes
  void request({ type: 'call-provider-again', tabId }).then(answer => {
    notice(
      answer?.ok
        ? 'Asked the page to call its provider again: the new invocation appears in the timeline.'
        : (answer?.reason ?? 'The background did not answer.'),
    );
  });
});
$('clear').addEventListener('click', () => {
  picked = null;
  void request({ type: 'clear', tabId }).then(reload);
});
$('preserve').addEventListener('change', event => {
  void request({ type: 'set-preserve', tabId, preserve: (event.target as HTMLInputElement).checked });
});
$('filter').addEventListener('input', () => renderTimeline());
$('export').addEventListener('click', () => {
  const session = current();
  if (!session) return;
  const include = ($('include-tokens') as HTMLInputElement).checked;
  notice(exportReport(session, include));
});
$('copy').addEventListener('click', () => {
  const session = current();
  if (session) void copySummary(session).then(notice);
});
$('har-input').addEventListener('change', event => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const status = $('har-status');
  void openHar(file, tabId, text => setText(status, text)).then(opened => {
    if (!opened) return;
    har = opened;
    picked = null;
    setText($('har-banner-text'), opened.banner);
    void load().then(() => showTab('session'));
  });
});
$('har-close').addEventListener('click', () => {
  har = null;
  picked = null;
  ($('har-input') as HTMLInputElement).value = '';
  setText($('har-status'), '');
  void reload();
});

onVariablesChanged(origin => {
  if (origin !== originOf(current()?.url)) return;
  source.invalidate();
  void reload();
  void variablesView.show(origin, { reload: true });
});

followTheme(params.get('theme'));
if (Number.isInteger(tabId)) {
  source.watch(() => void reload());
  void firstLoad();
} else {
  render();
}
