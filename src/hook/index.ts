/**
 * The page hook: runs in the page's own JS world at document_start, before any page script.
 * It wraps `Microsoft.Omnichannel.LiveChatWidget.SDK.setAuthTokenProvider` (and the client
 * function the widget asks for by name) so every provider invocation is seen, and reports over a
 * private MessagePort (docs/architecture.md). Rules: never change what the page observes (return
 * values, exceptions, `this`, callback timing); on pages without the widget cost a few property
 * traps and listeners, nothing more. It stays under 3 KB minified: interpretation happens in the
 * extension, not here.
 */
import { HOOK_HELLO, RELAY_READY, type ErrorInfo, type HookMessage, type Route } from '../protocol/hook.js';

type Fn = (...args: unknown[]) => unknown;
type Obj = Record<PropertyKey, unknown>;

// Captured before the page can replace them.
const { apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Reflect;
const NativePromise = Promise;
const perf = performance;
const perfNow = perf.now.bind(perf);
const now = () => perf.timeOrigin + perfNow();
const win = window;
const listen = addEventListener.bind(win);
const isObject = (v: unknown): v is Obj => (typeof v === 'object' || typeof v === 'function') && v !== null;
/** Follows a property path from `from`, reading only what is there. */
const dig = (path: string[], from: unknown = win) =>
  path.reduce<unknown>((o, key) => (isObject(o) ? o[key] : undefined), from);

const channel = new MessageChannel();
const send = (m: HookMessage) => {
  try {
    channel.port1.postMessage(m);
  } catch {
    // A handed value or event detail that cannot be cloned (a function, a proxy, a DOM node): say
    // what type it was. The relay reduces whatever arrives to the shallow form the protocol allows.
    const x = m as { v?: unknown; detail?: unknown };
    x.v = x.detail = { o: typeof (x.v ?? x.detail) };
    channel.port1.postMessage(m);
  }
};

// --- Hand the port to the relay, before any page script runs -----------------------------------
// The relay takes it by cancelling the event. Whichever of the two scripts runs first, the hand-off
// completes synchronously at document_start; after it nobody listens for these events.
const offer = () => !dispatchEvent(new MessageEvent(HOOK_HELLO, { ports: [channel.port2], cancelable: true }));
if (!offer()) {
  const onReady = () => {
    if (offer()) removeEventListener(RELAY_READY, onReady);
  };
  listen(RELAY_READY, onReady);
}

function errorInfo(e: unknown): ErrorInfo {
  try {
    const error = e instanceof Error;
    return {
      n: String(error ? e.name : typeof e),
      m: String(error ? e.message : e),
      s: error
        ? e.stack
            ?.split('\n')
            .find(l => /:\d/.test(l))
            ?.trim()
        : undefined,
    };
  } catch {
    return { n: typeof e, m: '?' };
  }
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
let watchingRejections = false;

function wrapProvider(provider: Fn, route: Route, name?: string): Fn {
  let wrapper = wrapperOf.get(provider);
  if (!wrapper) {
    wrapper = new Proxy(provider, {
      apply(target, self, args: unknown[]) {
        const id = ++seq;
        let inside = true;
        let err: ErrorInfo | undefined;
        send({ k: 'inv', at: now(), id, route, name });
        if (typeof args[0] == 'function') {
          args = [
            new Proxy(args[0] as Fn, {
              apply(cb, cbSelf, cbArgs: unknown[]) {
                const at = now();
                const sync = inside;
                // The widget gets the token first; the report goes out after.
                try {
                  return apply(cb, cbSelf, cbArgs);
                } finally {
                  send({ k: 'cb', at, id, sync, v: cbArgs[0] instanceof NativePromise ? { o: 'promise' } : cbArgs[0] });
                }
              },
            }),
            ...args.slice(1),
          ];
        }
        try {
          const result = apply(target, self, args);
          if (result instanceof NativePromise) watchRejection(result, id);
          return result;
        } catch (e) {
          err = errorInfo(e);
          throw e;
        } finally {
          inside = false;
          send({ k: 'end', at: now(), id, err });
        }
      },
    });
    wrapperOf.set(provider, wrapper);
    originalOf.set(wrapper, provider);
  }
  return (latest = wrapper);
}

// The only message on the port is the relay's "call the provider again". It is recorded like any
// invocation; the callback hands the token to nobody and nothing reaches the page: not a throw,
// not an unhandled rejection (reported here instead).
channel.port1.onmessage = () => {
  try {
    const result = latest?.(() => {});
    const id = seq;
    if (result instanceof NativePromise)
      result.then(undefined, e => send({ k: 'rej', at: now(), id, err: errorInfo(e) }));
  } catch {
    /* recorded as the invocation's end */
  }
};

// Listening for unhandledrejection (rather than calling .then) leaves the page's promise exactly as
// unhandled as it would be without the extension.
function watchRejection(promise: object, id: number) {
  rejectable.set(promise, id);
  if (!watchingRejections) {
    watchingRejections = true;
    listen('unhandledrejection', e => {
      const rejected = rejectable.get(e.promise);
      if (rejected) send({ k: 'rej', at: now(), id: rejected, err: errorInfo(e.reason) });
    });
  }
}

/** Proxy handlers for the SDK methods the hook wraps. */
const SDK_METHODS: Record<string, ProxyHandler<Fn>> = {
  setAuthTokenProvider: {
    apply(target, self, args: unknown[]) {
      const provider = args[0];
      const fn = typeof provider == 'function';
      const reg = { k: 'reg', at: now(), fn, arg: provider === null ? 'null' : typeof provider, ready } as const;
      try {
        const result = apply(target, self, fn ? [wrapProvider(provider as Fn, 'sdk'), ...args.slice(1)] : args);
        send(reg);
        return result;
      } catch (e) {
        send({ ...reg, err: errorInfo(e) });
        throw e;
      }
    },
  },
  getAuthTokenProvider: {
    apply(target, self, args) {
      const result = apply(target, self, args) as object;
      return originalOf.get(result) ?? result;
    },
  },
};

/** An SDK method wrapped, once; anything else unchanged. */
function wrapMethod(name: string, value: unknown): unknown {
  if (typeof value != 'function' || originalOf.has(value)) return value;
  const proxy = new Proxy(value as Fn, SDK_METHODS[name]!);
  originalOf.set(proxy, value);
  return proxy;
}

/** Replaces the value of an existing own property through `change`; false when there is none. */
function replaceOwn(obj: Obj, prop: string, change: (value: unknown) => unknown): boolean {
  const d = getOwnPropertyDescriptor(obj, prop);
  if (d && 'value' in d) {
    const value = change(d.value);
    if (value !== d.value) defineProperty(obj, prop, { ...d, value });
  }
  return !!d;
}

/** Wraps the SDK methods where they live (own property or prototype), or traps them until they appear. */
function hookSdk(sdk: Obj) {
  for (const name in SDK_METHODS) {
    const change = (value: unknown) => wrapMethod(name, value);
    let owner: Obj | null = sdk;
    while (owner && owner !== Object.prototype && !replaceOwn(owner, name, change))
      owner = getPrototypeOf(owner) as Obj | null;
    if (!owner || owner === Object.prototype) trap(sdk, name, change);
  }
}

/**
 * Makes `obj[prop]` an accessor that sees every assignment: how the namespace
 * `Microsoft.Omnichannel.LiveChatWidget.SDK` is found however the widget builds or replaces it.
 * `onSet` may substitute the stored value (the SDK methods).
 */
function trap(obj: Obj, prop: string, onSet: (value: unknown) => unknown) {
  if (replaceOwn(obj, prop, onSet)) return;
  let stored: unknown;
  try {
    defineProperty(obj, prop, {
      configurable: true,
      enumerable: true,
      get: () => stored,
      set: value => {
        stored = onSet(value);
      },
    });
  } catch {
    /* a frozen object: the lcw:ready check still looks */
  }
}

const PATH = ['Microsoft', 'Omnichannel', 'LiveChatWidget', 'SDK'];
function watchLevel(obj: Obj, level: number) {
  trap(obj, PATH[level]!, value => {
    if (isObject(value)) {
      if (level < 3) watchLevel(value, level + 1);
      else hookSdk(value);
    }
    return value;
  });
}
watchLevel(win as unknown as Obj, 0);

// --- Widget events: registered now, so they run before the page's own listeners -----------------
// The events that matter to authentication (the others would only add noise to the timeline).
for (const type of 'ready error startChat closeChat chatRetrieved'.split(' ')) {
  listen(
    `lcw:${type}`,
    e => {
      if (type == 'ready') {
        ready = true;
        // A widget that set the namespace up in a way the traps missed is caught here.
        const sdk = dig(PATH);
        if (isObject(sdk)) hookSdk(sdk);
      }
      const detail: unknown = (e as CustomEvent).detail;
      send({ k: 'evt', at: now(), type: e.type, detail: detail instanceof Error ? errorInfo(detail) : detail });
    },
    true,
  );
}

// --- The client-function route -----------------------------------------------------------------
// The widget iframe asks the host page for a token by function name; the function is wrapped here,
// before the widget's host script (whose listener came later) resolves and calls it.
listen('message', e => {
  const data: unknown = e.data;
  if (
    e.source === win ||
    !isObject(data) ||
    data.messageName !== 'authTokenRequest' ||
    typeof data.functionFullName != 'string'
  )
    return;
  const name = data.functionFullName;
  const path = name.split('.');
  const last = path.pop()!;
  const owner = dig(path);
  const fn = isObject(owner) ? owner[last] : undefined;
  send({ k: 'req', at: now(), name: name.slice(0, 500), found: typeof fn == 'function' });
  if (typeof fn == 'function' && !originalOf.has(fn)) (owner as Obj)[last] = wrapProvider(fn as Fn, 'fn', name);
});
