/**
 * Wrapping the page's providers: one Proxy per provider reports each invocation, its callback and
 * its end; "Call provider again" and unhandled rejections of what a provider returned are reported here.
 */
import { type ErrorInfo, type Route } from '../protocol/hook.js';
import { REASON_CHARS } from '../protocol/limits.js';
import { apply, NativeProxy, weakGet, weakSet, slice, promiseThen, isObject, handler, type Fn } from './builtins.js';
import { errorInfo, peek, handed } from './page-values.js';

import { rejectedPromise, rejectionReason, now, listen, port, send } from './channel.js';

// --- Wrapping ------------------------------------------------------------------------------------
// Proxies keep the name, length and properties of the page's functions. `wrapperOf` keeps one
// wrapper per provider; `originalOf` lets getAuthTokenProvider() return the page's own function.
const wrapperOf = new WeakMap<object, Fn>();
export const originalOf = new WeakMap<object, unknown>();
const rejectable = new WeakMap<object, number>();
let seq = 0;
/** The provider (or client function) the widget would call next, wrapped: what "Call provider again" calls. */
let latest: Fn | undefined;

export function wrapProvider(provider: Fn, route: Route, name?: string): Fn {
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
