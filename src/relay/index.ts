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
  parsePageEvent,
  type PageEvent,
  type WidgetScript,
} from '../protocol/hook.js';
import { CALLBACK_LIMIT_MS, MAX_ATTRIBUTE_CHARS, MAX_RELAY_ITEMS } from '../protocol/limits.js';
import type { RelayItem } from '../protocol/messages.js';

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

// --- Forwarding, in order, surviving a service worker restart ------------------------------------
const queue: RelayItem[] = [];
let sending = false;
async function flush() {
  if (sending) return;
  sending = true;
  for (let attempt = 0; queue.length > 0;) {
    try {
      // Everything queued goes in one message, so a chatty page costs few round trips.
      const items = queue.slice(0, MAX_RELAY_ITEMS);
      await runtime().sendMessage({ type: 'relay', items });
      queue.splice(0, items.length);
      attempt = 0;
    } catch {
      // The worker is (re)starting or the extension was reloaded: wait and try again, a bounded number of times.
      if (++attempt > 8) break;
      await new Promise(resolve => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  sending = false;
}
const forward = (item: RelayItem) => {
  queue.push(item);
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
    url: location.href.split(/[?#]/)[0]!,
    at: now(),
    // The document's start: DevTools' traffic of this document that arrived before this goes with it.
    doc: performance.timeOrigin,
    // A sub-frame names the page it is in (its referrer: the full URL same-origin, the origin
    // across), because a page that only embeds the widget's frame never announces itself.
    ...(window === top ? {} : { top: document.referrer }),
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
  const iframe = !!document.getElementById('Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window');
  const key = JSON.stringify([script, iframe]);
  if (key !== lastWidget && (script || iframe)) {
    lastWidget = key;
    record({ k: 'widget', at: now(), script, iframe });
  }
}

function observe(event: PageEvent) {
  if (event.k === 'inv') {
    timers.set(
      event.id,
      setTimeout(() => record({ k: 'timeout', at: now(), id: event.id }), CALLBACK_LIMIT_MS),
    );
  } else if (event.k === 'cb') {
    clearTimeout(timers.get(event.id));
    timers.delete(event.id);
  }
  record(event);
  if (event.k === 'reg' || event.k === 'evt' || event.k === 'req') readWidget();
}

document.addEventListener('DOMContentLoaded', readWidget); // readWidget reports only changes

// --- Taking the hook's port (see docs/architecture.md) ------------------------------------------
const onHello = (e: Event) => {
  const port = (e as MessageEvent).ports?.[0];
  if (!port) return;
  e.preventDefault(); // tells the hook its port was taken
  removeEventListener(HOOK_HELLO, onHello);
  hookPort = port;
  port.onmessage = message => {
    const event = parsePageEvent(message.data);
    if (event) observe(event);
  };
};
addEventListener(HOOK_HELLO, onHello);
dispatchEvent(new Event(RELAY_READY));
