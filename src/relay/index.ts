/**
 * The content relay: the isolated-world content script beside the page hook in every frame.
 * It takes the hook's private port, validates what comes through it, adds what only it can see
 * (no callback within 10 s; the widget's script tag and iframe) and forwards everything to the
 * background in order, retrying while the service worker restarts, so nothing is lost.
 * No webextension-polyfill here: it must stay under 4 KB.
 */
import {
  HOOK_HELLO,
  RELAY_READY,
  RERUN_COMMAND,
  type DropReason,
  type PageEvent,
  type WidgetScript,
} from '../protocol/hook.js';
import {
  CALLBACK_LIMIT_MS,
  MAX_ATTRIBUTE_CHARS,
  MAX_RELAY_ITEMS,
  MAX_URL_CHARS,
  RELAY_BATCH_CHARS,
  RELAY_QUEUE_ITEMS,
} from '../protocol/limits.js';
import type { RelayItem } from '../protocol/messages.js';
import { parsePageEvent } from '../protocol/page-events.js';
import { isWidgetFramePath } from '../protocol/widget-frame.js';
import { PANE_TITLE, watchPanes } from './panes.js';

/** The API the relay uses; Firefox names the namespace `browser`, Chrome `chrome` (both promise-based in MV3). */
type Runtime = {
  runtime: {
    sendMessage(message: unknown): Promise<unknown>;
    onMessage: { addListener(listener: (message: unknown) => void): void };
  };
};
declare const browser: Runtime | undefined;
declare const chrome: Runtime;
// Read on first use only: the extension API's bindings are built when first touched, which costs a
// page without the widget milliseconds it should not pay.
const runtime = () => (typeof browser === 'undefined' ? chrome : browser).runtime;

const now = () => performance.timeOrigin + performance.now();

// --- Forwarding, in order, surviving a service worker restart, never stalling ---------------------
const queue: RelayItem[] = [];
let sending = false;
/** Items at the head of the queue that are being sent. */
let inFlight = 0;
/** Events lost on the way, by reason; reported as one `drop` event once the burst is over. */
const lost: Partial<Record<DropReason, number>> = {};
let lossTimer: ReturnType<typeof setTimeout> | undefined;
function lose(why: DropReason, n = 1) {
  lost[why] = (lost[why] ?? 0) + n;
  lossTimer ??= setTimeout(() => {
    lossTimer = undefined;
    for (const why of Object.keys(lost) as DropReason[]) {
      queue.push({ type: 'page-event', event: { k: 'drop', at: now(), n: lost[why]!, why } });
      delete lost[why];
    }
    void flush();
  }, 1000);
}

/** The next batch: up to MAX_RELAY_ITEMS, and no more than RELAY_BATCH_CHARS of JSON (the first always goes). */
function nextBatch(limit: number): RelayItem[] {
  let size = 0;
  let n = 0;
  while (n < Math.min(limit, queue.length)) {
    size += JSON.stringify(queue[n]).length;
    if (n > 0 && size > RELAY_BATCH_CHARS) break;
    n++;
  }
  return queue.slice(0, n);
}

async function flush() {
  if (sending) return;
  sending = true;
  let limit = MAX_RELAY_ITEMS;
  for (let attempt = 0; queue.length > 0;) {
    const items = nextBatch(limit);
    inFlight = items.length;
    try {
      await runtime().sendMessage({ type: 'relay', items });
      queue.splice(0, items.length);
      attempt = 0;
      limit = MAX_RELAY_ITEMS;
    } catch {
      // The worker is (re)starting or the extension was reloaded: wait and try again, a bounded
      // number of times. Then the batch is halved, and an item that still cannot go is dropped
      // and counted: one bad batch never blocks the ones behind it.
      if (++attempt > 6) {
        attempt = 0;
        if (items.length > 1) limit = Math.ceil(items.length / 2);
        else {
          queue.shift();
          lose('unsent');
        }
        continue;
      }
      await new Promise(resolve => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  inFlight = 0;
  sending = false;
}

// A page raising events faster than the background records them (a flood) fills the queue; past
// RELAY_QUEUE_ITEMS the oldest waiting events go, counted, but frame starts and the newest
// registration among them stay (the page's first events went out long before, and the background
// keeps the record's first chunk too). Trimmed by half the bound at a time, and what stays is
// bounded (a flood of registrations keeps one), so a flood costs O(1) an event.
const forward = (item: RelayItem) => {
  queue.push(item);
  if (queue.length > RELAY_QUEUE_ITEMS * 1.5) {
    // Not the batch in flight (flush removes it from the head once the background took it).
    const excess = queue.splice(inFlight, queue.length - RELAY_QUEUE_ITEMS);
    let newestRegistration = -1;
    for (let i = 0; i < excess.length; i++) {
      const e = excess[i]!;
      if (e.type === 'page-event' && e.event.k === 'reg') newestRegistration = i;
    }
    const keep = excess.filter((e, i) => e.type !== 'page-event' || i === newestRegistration);
    queue.splice(inFlight, 0, ...keep);
    lose('flood', excess.length - keep.length);
  }
  void flush();
};

// A frame announces itself with its first event (a top frame's starts a new page session), so a
// page without the widget costs the background nothing: no message, no storage, no extension API
// binding. (No pagehide listener either: with one, Chrome's DevTools stops reporting the next
// document's requests to extensions. Navigations are learnt from DevTools, see devtools.ts.)
let announced = false;
let hookPort: MessagePort | undefined;
const announce = () => {
  announced = true;
  // "Call provider again", from the panel through the background: only ever to the hook.
  runtime().onMessage.addListener(message => {
    if (message === RERUN_COMMAND) hookPort?.postMessage(0);
  });
  forward({
    type: 'frame-start',
    // No query or fragment (they may carry codes or tokens); the background normalises it again.
    url: location.href.split(/[?#]/)[0]!.slice(0, MAX_URL_CHARS),
    at: now(),
    // The document's start: DevTools' traffic of this document that arrived before this goes with it.
    doc: performance.timeOrigin,
    // A sub-frame names the page it is in (its referrer: the full URL same-origin, the origin
    // across), because a page that only embeds the widget's frame never announces itself.
    ...(window === top ? {} : { top: document.referrer.slice(0, MAX_URL_CHARS) }),
  });
};
const record = (event: PageEvent) => {
  if (!announced) announce();
  forward({ type: 'page-event', event });
};

// --- What only the relay can judge or see ------------------------------------------------------
const timers = new Map<number, ReturnType<typeof setTimeout>>();
let lastWidget = '';

function readWidget() {
  const tag = document.getElementById('Microsoft_Omnichannel_LCWidget');
  const attr = (name: string) => (tag?.getAttribute(name) ?? '').slice(0, MAX_ATTRIBUTE_CHARS);
  const script: WidgetScript | null = tag
    ? {
        appId: attr('data-app-id'),
        orgId: attr('data-org-id'),
        orgUrl: attr('data-org-url'),
        // The bootstrapper picks v2 unless told "v1" (a bare attribute) or data-lcw-version says otherwise.
        version: attr('data-lcw-version') || ['v1', 'v2'].find(a => tag.hasAttribute(a)) || '',
        src: attr('src'),
      }
    : null;
  const frame = document.getElementById('Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window');
  const iframe = !!frame;
  // Its page tells the widget's version (chat.html: v1, chatv2.html: v2); a custom widget's script has its own id.
  const frameSrc = (frame?.getAttribute('src') ?? '').split(/[?#]/)[0]!.slice(0, MAX_URL_CHARS);
  const custom = !!document.getElementById('oc-lcw-script');
  const key = JSON.stringify([script, frameSrc, custom]);
  if (key !== lastWidget && (script || iframe || custom)) {
    lastWidget = key;
    record({ k: 'widget', at: now(), script, iframe, frameSrc, custom });
  }
}

function observe(event: PageEvent) {
  // A context provider answers by returning: no callback to wait for.
  if (event.k === 'inv' && event.route !== 'ctx') {
    timers.set(
      event.id,
      setTimeout(() => record({ k: 'timeout', at: now(), id: event.id }), CALLBACK_LIMIT_MS),
    );
  } else if (event.k === 'cb' || (event.k === 'end' && event.err)) {
    // A provider that threw has its outcome: no 10 s wait to report, and a flood of throwing
    // providers leaves no timers behind (whose reports, 10 s on, would crowd out newer events).
    clearTimeout(timers.get(event.id));
    timers.delete(event.id);
  }
  record(event);
  if (event.k === 'reg' || event.k === 'evt' || event.k === 'req') readWidget();
}

document.addEventListener('DOMContentLoaded', readWidget); // readWidget reports only changes

// --- The widget's own words: its error panes, read as text in the widget's frame only -----------
if (window !== top && isWidgetFramePath(location.pathname))
  watchPanes(text => record({ k: 'pane', at: now(), title: PANE_TITLE, text }));

// --- Taking the hook's port (see docs/architecture.md) ------------------------------------------
const onHello = (e: Event) => {
  const port = (e as MessageEvent).ports?.[0];
  if (!port) return;
  e.preventDefault(); // tells the hook its port was taken
  removeEventListener(HOOK_HELLO, onHello);
  hookPort = port;
  port.onmessage = message => {
    const event = parsePageEvent(message.data);
    // Every time is checked once, here: one more than a day from this world's clock (a page that
    // broke the hook's clock before it ran) is filed at the moment it arrived.
    if (event) observe(Math.abs(event.at - now()) > 86_400_000 ? { ...event, at: now() } : event);
  };
};
addEventListener(HOOK_HELLO, onHello);
dispatchEvent(new Event(RELAY_READY));
