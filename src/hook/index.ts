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
import { HOOK_HELLO, RELAY_READY, type ErrorInfo, type HookMessage, type Route } from '../protocol/hook.js';
import {
  EVENT_DETAIL_CHARS,
  EVENT_DETAIL_DEPTH,
  EVENT_DETAIL_KEYS,
  HOOK_STACK_CHARS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_NAME_CHARS,
  MAX_FUNCTION_NAME_CHARS,
  MAX_HANDED_OBJECT_KEYS,
  MAX_HANDED_TOKEN_CHARS,
  MAX_NEAR_NAMES,
  PEEK_NODES,
  REASON_CHARS,
} from '../protocol/limits.js';

type Fn = (...args: unknown[]) => unknown;
type Obj = Record<PropertyKey, unknown>;

// --- Built-ins, captured before any page script can replace them ---------------------------------
const { apply, defineProperty, getOwnPropertyDescriptor: describe, getPrototypeOf, ownKeys } = Reflect;
const { create, hasOwn } = Object;
const NativeProxy = Proxy;
const NativeString = String;
const NativeError = Error;
const imul = Math.imul;
const isArray = Array.isArray;
const bind: unknown = describe(Function.prototype, 'bind')!.value;
const call: unknown = describe(Function.prototype, 'call')!.value;
/**
 * `proto[name]` (its value, or its getter) as a function taking `this` first: a bound `call`, so
 * no later patch of the prototype, of `call` or of `bind` reaches it.
 */
const uncurry = <F>(proto: object, name: string, part: 'value' | 'get' = 'value') =>
  apply(bind as Fn, call, [describe(proto, name)![part]]) as F;

const post = uncurry<(port: MessagePort, m: HookMessage) => void>(MessagePort.prototype, 'postMessage');
const weakGet = uncurry<(map: WeakMap<object, unknown>, key: unknown) => unknown>(WeakMap.prototype, 'get');
const weakSet = uncurry<(map: WeakMap<object, unknown>, key: object, v: unknown) => void>(WeakMap.prototype, 'set');
const sourceText = uncurry<(f: unknown) => string>(Function.prototype, 'toString');
const indexOf = uncurry<(s: string, part: string, from?: number) => number>(String.prototype, 'indexOf');
const slice = uncurry<(s: string, start: number, end?: number) => string>(String.prototype, 'slice');
const charCode = uncurry<(s: string, i: number) => number>(String.prototype, 'charCodeAt');
const promiseThen = uncurry<(p: unknown, ok: undefined, fail: (e: unknown) => void) => unknown>(
  Promise.prototype,
  'then',
);
const byId = uncurry<(d: Document, id: string) => Element | null>(Document.prototype, 'getElementById');
const messageData = uncurry<(e: Event) => unknown>(MessageEvent.prototype, 'data', 'get');
const messageSource = uncurry<(e: Event) => unknown>(MessageEvent.prototype, 'source', 'get');
const customDetail = uncurry<(e: Event) => unknown>(CustomEvent.prototype, 'detail', 'get');
const rejectedPromise = uncurry<(e: Event) => unknown>(PromiseRejectionEvent.prototype, 'promise', 'get');
const rejectionReason = uncurry<(e: Event) => unknown>(PromiseRejectionEvent.prototype, 'reason', 'get');
const frameWindow = uncurry<(e: Element) => unknown>(HTMLIFrameElement.prototype, 'contentWindow', 'get');
/** The engine's own `stack` accessor (V8: on each error; Gecko: on Error.prototype). */
const nativeStack = (describe(new NativeError(), 'stack') ?? describe(NativeError.prototype, 'stack'))?.get;
const ObjectProto = Object.prototype;
const PromiseProto = Promise.prototype;
const ErrorProto = NativeError.prototype;
const perf = performance;
const perfNow = perf.now.bind(perf);
// Read once: a page may later make the getter answer NaN or a date ten years off.
const timeOrigin = perf.timeOrigin;
const now = () => timeOrigin + perfNow();
const win = window;
const doc = document;
// Read before the page can replace it (`parent` is replaceable): the frame that hosts this one.
const parentWindow = win.parent;
const listen: typeof addEventListener = addEventListener.bind(win);
const unlisten: typeof removeEventListener = removeEventListener.bind(win);
const dispatch = dispatchEvent.bind(win);
const WIDGET_IFRAME = 'Microsoft_Omnichannel_LCWidget_Chat_Iframe_Window';

const isObject = (v: unknown): v is Obj => (typeof v == 'object' || typeof v == 'function') && v !== null;
/** A fresh object with no prototype: nothing a page puts on Object.prototype reaches it. */
const bare = <T extends object>(): T => create(null) as T;
const handler = (trap: ProxyHandler<Fn>['apply']): ProxyHandler<Fn> => {
  const h = bare<ProxyHandler<Fn>>();
  h.apply = trap;
  return h;
};

/** A property's own descriptor and where it lives (`o` or a prototype); never runs a getter. */
function lookup(o: unknown, key: PropertyKey): [Obj, PropertyDescriptor] | undefined {
  for (let depth = 0; isObject(o) && depth < 32; depth++) {
    const d = describe(o, key);
    if (d) return [o, d];
    o = getPrototypeOf(o);
  }
  return undefined;
}
/** `o[key]` when it is a data property (own or inherited); undefined for an accessor or nothing. */
function dataOf(o: unknown, key: PropertyKey): unknown {
  const d = lookup(o, key)?.[1];
  return d && hasOwn(d, 'value') ? d.value : undefined;
}
/** `o[key]` when it is an own data property. */
function ownData(o: unknown, key: string): unknown {
  const d = isObject(o) ? describe(o, key) : undefined;
  return d && hasOwn(d, 'value') ? d.value : undefined;
}
const inherits = (o: unknown, proto: object) => {
  for (let depth = 0; isObject(o) && depth < 32; depth++) if ((o = getPrototypeOf(o)) === proto) return true;
  return false;
};

// --- Reading page values without running page code -----------------------------------------------
/** A string cut to `max`; longer ones keep their length and a fingerprint so two can still be told apart. */
function cut(s: string, max: number): unknown {
  if (s.length <= max) return s;
  // FNV-1a over at most ~64K characters spread over the whole string: costs the same for 40 MB.
  let h = 2166136261;
  const step = s.length >> 16 || 1;
  for (let i = 0; i < s.length; i += step) h = imul(h ^ charCode(s, i), 16777619);
  return { o: 'cut', n: s.length, t: slice(s, 0, max), h: h >>> 0 };
}
const text = (s: unknown, max: number) => (typeof s == 'string' ? slice(s, 0, max) : undefined);
/** A string property for an error report: its text, "(accessor)" when a getter would have to run, else undefined. */
function textOf(o: unknown, key: string, max: number): string | undefined {
  const d = lookup(o, key)?.[1];
  return !d ? undefined : hasOwn(d, 'value') ? text(d.value, max) : '(accessor)';
}

function errorInfo(e: unknown): ErrorInfo {
  try {
    if (!isObject(e))
      return { n: typeof e, m: typeof e == 'string' ? slice(e, 0, MAX_ERROR_MESSAGE_CHARS) : NativeString(e) };
    const stack = lookup(e, 'stack')?.[1];
    // The engine's accessor only, and only when the page set no Error.prepareStackTrace (V8 would call it).
    const s: unknown = !stack
      ? undefined
      : hasOwn(stack, 'value')
        ? stack.value
        : stack.get === nativeStack && !describe(NativeError, 'prepareStackTrace')
          ? apply(nativeStack!, e, [])
          : undefined;
    return {
      n: textOf(e, 'name', MAX_ERROR_NAME_CHARS) ?? 'object',
      m: textOf(e, 'message', MAX_ERROR_MESSAGE_CHARS) ?? '',
      s: text(s, HOOK_STACK_CHARS),
    };
  } catch {
    return { n: typeof e, m: '(unreadable)' };
  }
}

/**
 * Any page value as plain bounded data, read through own data properties only: an accessor shows
 * as "(accessor)", an unreadable object (a revoked Proxy, a throwing trap) as "(unreadable)".
 */
function peek(v: unknown, budget = { n: PEEK_NODES }, depth = 0): unknown {
  if (typeof v == 'string') return cut(v, EVENT_DETAIL_CHARS);
  if (!isObject(v)) return typeof v == 'number' || typeof v == 'boolean' || v == null ? v : `(${typeof v})`;
  if (typeof v == 'function' || depth >= EVENT_DETAIL_DEPTH || --budget.n < 0) return `(${typeof v})`;
  try {
    if (inherits(v, ErrorProto)) return errorInfo(v);
    const out = bare<Obj>();
    const keys = ownKeys(v);
    for (let i = 0, kept = 0; i < keys.length && kept < EVENT_DETAIL_KEYS; i++) {
      const key = keys[i];
      if (typeof key != 'string' || (key == 'length' && isArray(v))) continue;
      kept++;
      try {
        const d = describe(v, key);
        out[key] = !d ? '(unreadable)' : hasOwn(d, 'value') ? peek(d.value, budget, depth + 1) : '(accessor)';
      } catch {
        out[key] = '(unreadable)';
      }
    }
    return out;
  } catch {
    return '(unreadable)';
  }
}

/** What the provider handed to its callback (see HandedValue). */
function handed(v: unknown): unknown {
  if (typeof v == 'string') return cut(v, MAX_HANDED_TOKEN_CHARS);
  if (!isObject(v)) return typeof v == 'symbol' || typeof v == 'bigint' ? { o: typeof v } : v;
  if (typeof v == 'function') return { o: 'function' };
  try {
    if (isArray(v)) return { o: 'array' };
    if (getPrototypeOf(v) === PromiseProto) return { o: 'promise' };
    const p = bare<Obj>();
    const keys = ownKeys(v);
    // All its strings together are bounded like one token.
    let room = MAX_HANDED_TOKEN_CHARS;
    for (let i = 0, kept = 0; i < keys.length && kept < MAX_HANDED_OBJECT_KEYS; i++) {
      const key = keys[i];
      if (typeof key != 'string') continue;
      const x = ownData(v, key);
      p[key] = typeof x == 'string' ? cut(x, room) : isObject(x) ? null : x;
      if (typeof x == 'string') room -= x.length < room ? x.length : room;
      kept++;
    }
    return { o: 'object', p };
  } catch {
    return { o: 'object', p: bare() };
  }
}

// --- The private channel ----------------------------------------------------------------------------
const channel = new MessageChannel();
const port = channel.port1;
const send = (m: HookMessage) => post(port, m);

// Handed to the relay before any page script runs: the relay takes it by cancelling the event.
// Whichever of the two scripts runs first, the hand-off completes at document_start.
const helloInit = bare<MessageEventInit>();
helloInit.ports = [channel.port2];
helloInit.cancelable = true;
const offer = () => !dispatch(new MessageEvent(HOOK_HELLO, helloInit));
if (!offer()) {
  const onReady = () => {
    if (offer()) unlisten(RELAY_READY, onReady);
  };
  listen(RELAY_READY, onReady);
}

// --- Wrapping ------------------------------------------------------------------------------------
// Proxies keep the name, length and properties of the page's functions. `wrapperOf` keeps one
// wrapper per provider; `originalOf` lets getAuthTokenProvider() return the page's own function.
const wrapperOf = new WeakMap<object, Fn>();
const originalOf = new WeakMap<object, unknown>();
const rejectable = new WeakMap<object, number>();
let seq = 0;
let ready = false;
/** The provider (or client function) the widget would call next, wrapped: what "Call provider again" calls. */
let latest: Fn | undefined;

function wrapProvider(provider: Fn, route: Route, name?: string): Fn {
  let wrapper = weakGet(wrapperOf, provider) as Fn | undefined;
  if (!wrapper) {
    wrapper = new NativeProxy(
      provider,
      handler((target, self, args: unknown[]) => {
        const id = ++seq;
        let inside = true;
        let err: ErrorInfo | undefined;
        send({ k: 'inv', at: now(), id, route, name });
        const callback = args[0];
        if (typeof callback == 'function') {
          // `args` is the engine's fresh array: index 0 is its own, so this assignment reaches no setter.
          args[0] = new NativeProxy(
            callback as Fn,
            handler((cb, cbSelf, cbArgs: unknown[]) => {
              const at = now();
              const sync = inside;
              // The widget gets the token first; the report goes out after. A second argument is a
              // reason (Power Pages: "Login Required"). `cbArgs` is the engine's own array.
              const r = cbArgs.length > 1 ? cbArgs[1] : undefined;
              try {
                return apply(cb, cbSelf, cbArgs);
              } finally {
                send({
                  k: 'cb',
                  at,
                  id,
                  sync,
                  v: handed(cbArgs[0]),
                  ...(cbArgs.length > 1 && { r: typeof r == 'string' ? slice(r, 0, REASON_CHARS) : `(${typeof r})` }),
                });
              }
            }),
          );
        }
        let result: unknown;
        try {
          result = apply(target, self, args);
          // Any object: whether it is a promise is only known if it is rejected unhandled.
          if (isObject(result)) weakSet(rejectable, result, id);
          return result;
        } catch (e) {
          err = errorInfo(e);
          throw e;
        } finally {
          inside = false;
          // A context provider's answer is what it returns (read like an event detail: data properties only).
          send({ k: 'end', at: now(), id, err, ...(route == 'ctx' && !err && { v: peek(result) }) });
        }
      }),
    );
    weakSet(wrapperOf, provider, wrapper);
    weakSet(originalOf, wrapper, provider);
  }
  if (route != 'ctx') latest = wrapper;
  return wrapper;
}

// The only message on the port is the relay's "call the provider again". It is recorded like any
// invocation; the callback hands the token to nobody and nothing reaches the page: not a throw,
// not an unhandled rejection (reported here instead).
port.onmessage = () => {
  try {
    const result = latest && apply(latest, undefined, [() => {}]);
    const id = seq;
    if (isObject(result)) promiseThen(result, undefined, e => send({ k: 'rej', at: now(), id, err: errorInfo(e) }));
  } catch {
    /* recorded as the invocation's end, or not a promise */
  }
};

// Listening for unhandledrejection (rather than calling .then) leaves the page's promise exactly as
// unhandled as it would be without the extension. Only the browser's own event counts.
listen('unhandledrejection', e => {
  if (!e.isTrusted) return;
  const id = weakGet(rejectable, rejectedPromise(e)) as number | undefined;
  if (id) send({ k: 'rej', at: now(), id, err: errorInfo(rejectionReason(e)) });
});

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
