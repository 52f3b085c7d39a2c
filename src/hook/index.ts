/**
 * The page hook: runs in the page's own JS world at document_start, before any page script, next
 * to scripts that may be hostile. It wraps the SDK's `setAuthTokenProvider` (and the client
 * function the widget's iframe asks for by name) so every provider invocation is seen, and reports
 * over a private MessagePort (docs/architecture.md, "The hook in a hostile page").
 *
 * Rules: the page observes nothing it could act on (return values, exceptions, `this`, timing,
 * descriptors, `in`, keys: only the wrapped methods themselves differ, see the docs); at run time
 * the hook calls only built-ins captured below, never a method looked up on a page-reachable
 * object; it reads page values through own data properties and never runs page code to read them
 * (no getters, no `toString`, no structured cloning of page objects). Interpretation happens in the
 * extension, not here.
 */
import { MAX_FUNCTION_NAME_CHARS, MAX_NEAR_NAMES } from '../protocol/limits.js';
import {
  apply,
  defineProperty,
  ownKeys,
  NativeProxy,
  weakGet,
  weakSet,
  sourceText,
  indexOf,
  slice,
  ObjectProto,
  isObject,
  bare,
  handler,
  type Fn,
} from './builtins.js';
import { lookup, dataOf, ownData, errorInfo, peek, handed } from './page-values.js';

import {
  byId,
  messageData,
  messageSource,
  customDetail,
  frameWindow,
  now,
  win,
  doc,
  parentWindow,
  listen,
  WIDGET_IFRAME,
  send,
} from './channel.js';

import { originalOf, wrapProvider } from './providers.js';

let ready = false;

/** Proxy handlers of the SDK methods the hook wraps: the token, (OAuth 2.0) code and context providers' setters. */
const registrar = (route: 'sdk' | 'code' | 'ctx') =>
  handler((target, self, args: unknown[]) => {
    const provider = args[0];
    const fn = typeof provider == 'function';
    const at = now();
    const arg = provider === null ? 'null' : typeof provider;
    if (fn) args[0] = wrapProvider(provider as Fn, route);
    try {
      const result = apply(target, self, args);
      send({ k: 'reg', at, fn, arg, ready, route });
      return result;
    } catch (e) {
      send({ k: 'reg', at, fn, arg, ready, route, err: errorInfo(e) });
      throw e;
    }
  });
const getAuthTokenProvider = handler((target, self, args) => {
  const result = apply(target, self, args);
  return (isObject(result) && weakGet(originalOf, result)) || result;
});
const SDK_METHODS: [string, ProxyHandler<Fn>][] = [
  ['setAuthTokenProvider', registrar('sdk')],
  ['getAuthTokenProvider', getAuthTokenProvider],
  ['setAuthCodeProvider', registrar('code')],
  ['setContextProvider', registrar('ctx')],
  ['getContextProvider', getAuthTokenProvider],
];

/**
 * Wraps the function at `o[key]` where it lives (own or on a prototype), if the page itself could
 * assign it there (a writable data property, never on Object.prototype) and it is the page's own
 * code, not a built-in. Returns the function found (wrapped or not).
 */
function wrapInPlace(o: unknown, key: string, wrap: (f: Fn) => Fn): unknown {
  const found = lookup(o, key);
  if (!found) return undefined;
  const owner = found[0];
  const d = found[1];
  const f: unknown = d.value;
  if (typeof f != 'function' || !d.writable || owner === ObjectProto || weakGet(originalOf, f)) return f;
  const source = sourceText(f);
  const native = indexOf(source, '[native code]');
  if (native >= 0 && native > source.length - 20) return f;
  const value = wrap(f as Fn);
  const change = bare<PropertyDescriptor>();
  change.value = value;
  defineProperty(owner, key, change);
  return value;
}

const SDK_PATH = ['Microsoft', 'Omnichannel', 'LiveChatWidget', 'SDK'];
/**
 * Finds the SDK by reading the namespace as it is (data properties only) and wraps its methods.
 * Called when the widget can have built it (a script or frame loaded, a widget event, a message
 * from the widget's frame): no trap is set on the page's globals, so `'Microsoft' in window`,
 * keys and descriptors stay the page's own.
 */
function findSdk() {
  try {
    let level: unknown = win;
    for (let i = 0; i < 4 && isObject(level); i++) level = dataOf(level, SDK_PATH[i]!);
    if (!isObject(level)) return;
    for (let i = 0; i < SDK_METHODS.length; i++) {
      const trap = SDK_METHODS[i]![1];
      wrapInPlace(level, SDK_METHODS[i]![0], f => {
        const proxy = new NativeProxy(f, trap);
        weakSet(originalOf, proxy, f);
        return proxy;
      });
    }
  } catch {
    /* a hostile namespace (revoked Proxy, throwing trap, cross-origin window): not followed */
  }
}
// A script's load event comes right after it ran (the widget's bootstrapper built the SDK by then).
doc.addEventListener('load', findSdk, true);

// --- Widget events: registered now, so they run before the page's own listeners -----------------
// The events that matter to authentication (the others would only add noise to the timeline).
// Page scripts raise them (the host script re-dispatches the iframe's messages): the page's word.
for (const type of ['ready', 'error', 'startChat', 'closeChat', 'chatRetrieved']) {
  listen(
    `lcw:${type}`,
    e => {
      if (type == 'ready') ready = true;
      findSdk();
      let detail: unknown;
      try {
        detail = customDetail(e);
      } catch {
        /* not a CustomEvent */
      }
      send({ k: 'evt', at: now(), type: `lcw:${type}`, detail: peek(detail) });
    },
    true,
  );
}

/**
 * The names of the functions `o` holds as own data properties (at most MAX_NEAR_NAMES, of the
 * first 200 keys): what a missing client function's name may have meant. Never runs a getter.
 */
function functionsOf(o: unknown): string[] {
  const names: string[] = [];
  try {
    const keys = isObject(o) ? ownKeys(o) : [];
    for (let i = 0; i < keys.length && i < 200 && names.length < MAX_NEAR_NAMES; i++) {
      const key = keys[i];
      // Defined, not assigned: an index setter a page put on Array.prototype never runs.
      if (typeof key == 'string' && typeof ownData(o, key) == 'function') {
        const entry = bare<PropertyDescriptor>();
        entry.value = slice(key, 0, MAX_FUNCTION_NAME_CHARS);
        entry.writable = entry.enumerable = entry.configurable = true;
        defineProperty(names, names.length, entry);
      }
    }
  } catch {
    /* a hostile owner (a throwing trap): nothing to suggest */
  }
  return names;
}

/** The widget's iframe window, if this page has one. */
function widgetWindow(): unknown {
  try {
    const frame = byId(doc, WIDGET_IFRAME);
    return frame && frameWindow(frame);
  } catch {
    return undefined;
  }
}

// --- The client-function route -----------------------------------------------------------------
// The widget iframe asks the host page for a token by function name; the function is wrapped here,
// before the widget's host script (whose listener came later) resolves and calls it. Only a real
// message from the widget's own iframe counts.
listen('message', e => {
  if (!e.isTrusted) return;
  const source = messageSource(e);
  // --- What the widget's frame received (this is a frame the host posts a token to) ---------
  // Listening only: the message reaches the widget's own listener unchanged.
  if (source === parentWindow && source !== win) {
    const data = messageData(e);
    const via = ownData(data, 'messageName');
    const field = via === 'setAuthTokenProvider' ? 'jwtToken' : via === 'authTokenResponse' ? 'authToken' : '';
    if (field) send({ k: 'got', at: now(), via: via as string, v: handed(ownData(data, field)) });
    return;
  }
  const widget = widgetWindow();
  if (!widget || source !== widget) return;
  findSdk();
  const data = messageData(e);
  const name = ownData(data, 'functionFullName');
  if (ownData(data, 'messageName') !== 'authTokenRequest' || typeof name != 'string') return;
  let owner: unknown = win;
  let start = 0;
  for (let dot = indexOf(name, '.'); dot >= 0 && isObject(owner); dot = indexOf(name, '.', (start = dot + 1))) {
    owner = dataOf(owner, slice(name, start, dot));
  }
  let fn: unknown;
  try {
    fn = isObject(owner)
      ? wrapInPlace(owner, slice(name, start), f => wrapProvider(f, 'fn', slice(name, 0, MAX_FUNCTION_NAME_CHARS)))
      : undefined;
  } catch {
    /* a hostile owner: not wrapped */
  }
  // A Power Pages portal says so in Microsoft.Dynamic365.Portal (read without running a getter).
  let portal = false;
  try {
    portal = isObject(dataOf(dataOf(dataOf(win, 'Microsoft'), 'Dynamic365'), 'Portal'));
  } catch {
    /* a hostile namespace (a throwing trap): not a portal */
  }
  const found = typeof fn == 'function';
  send({
    k: 'req',
    at: now(),
    name: slice(name, 0, MAX_FUNCTION_NAME_CHARS),
    found,
    ...(portal && { portal: true }),
    ...(!found && { near: functionsOf(owner) }),
  });
});
