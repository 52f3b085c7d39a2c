/**
 * The panel (first version): status, findings, invocations and timeline for one tab. Works inside
 * DevTools (the inspected tab) and as /panel.html?tabId=N. Page data only ever becomes text.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { PANEL_PORT_PREFIX, type PanelRequest } from '../protocol/messages.js';
import { summarize, type Finding } from '../analysis/index.js';
import type { InvocationView, SessionView } from '../analysis/session.js';

interface SessionRecord { id: string; url: string; startedAt: number; dropped: number; view: SessionView }
interface RecordAnswer { tabId: number; preserve: boolean; sessions: SessionRecord[] }

const tabId = Number(new URLSearchParams(location.search).get('tabId') ?? browser.devtools?.inspectedWindow.tabId);
const $ = (id: string) => document.getElementById(id)!;
const request = (message: PanelRequest) => browser.runtime.sendMessage(message);

function element(tag: string, text: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function findingItem(f: Finding): HTMLElement {
  const item = element('li', `${f.severity}: ${f.message}`, f.severity);
  item.dataset.rule = f.rule;
  item.append(element('span', `Fix: ${f.fix}`, 'fix'));
  return item;
}

function statusOf(view: SessionView | undefined): string {
  if (!view) return 'No page session recorded for this tab yet.';
  const last = view.invocations.at(-1);
  if (last?.analysis) return summarize({ ...last.analysis, findings: last.findings, errorCode: last.errorCode });
  if (last) return `Provider invoked: ${last.outcome}${last.errorCode ? ` (error ${last.errorCode} expected)` : ''}`;
  if (view.findings.length > 0) return view.findings[0]!.message;
  if (view.route) return 'Token provider registered; not invoked yet.';
  return view.widget.detected ? 'Widget found; no token provider seen yet.' : 'No Omnichannel chat widget seen on this page.';
}

function invocationItem(invocation: InvocationView): HTMLElement {
  const item = element('li', `#${invocation.key} ${invocation.route}: ${invocation.outcome}${invocation.errorCode ? `, error ${invocation.errorCode} expected` : ''}${invocation.msToToken === null ? '' : `, token after ${invocation.msToToken.toFixed(0)} ms`}`);
  item.dataset.key = invocation.key;
  const list = document.createElement('ul');
  list.append(...invocation.findings.filter(f => f.severity !== 'info').map(findingItem));
  item.append(list);
  return item;
}

async function render() {
  const record = await request({ type: 'get-record', tabId }) as RecordAnswer;
  const session = record.sessions.at(-1);
  const view = session?.view;
  $('status').textContent = statusOf(view);
  const w = view?.widget;
  $('widget').textContent = w?.detected ? `Widget ${w.version ?? ''} · org ${w.orgId ?? '?'} · app ${w.appId ?? '?'} · ${w.orgUrl ?? ''}` : '';
  ($('preserve') as HTMLInputElement).checked = record.preserve;
  $('findings').replaceChildren(...(view?.findings ?? []).map(findingItem));
  $('invocations').replaceChildren(...(view?.invocations ?? []).map(invocationItem));
  $('timeline').replaceChildren(...record.sessions.flatMap(s => s.view.timeline.map(entry => {
    const item = element('li', entry.text);
    item.prepend(element('time', new Date(entry.at).toLocaleTimeString()));
    return item;
  })));
  document.body.dataset.rendered = String(Date.now());
}

/** A port per tab, so the background can say "changed"; reconnects when the service worker restarts. */
function watch() {
  let port: Runtime.Port;
  try {
    port = browser.runtime.connect({ name: `${PANEL_PORT_PREFIX}${tabId}` });
  } catch {
    setTimeout(watch, 500);
    return;
  }
  port.onMessage.addListener(() => { void render(); });
  port.onDisconnect.addListener(() => setTimeout(() => { watch(); void render(); }, 200));
}

$('clear').addEventListener('click', () => { void request({ type: 'clear', tabId }).then(render); });
$('preserve').addEventListener('change', e => { void request({ type: 'set-preserve', tabId, preserve: (e.target as HTMLInputElement).checked }); });
watch();
void render();
