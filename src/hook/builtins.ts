/**
 * The built-ins the hook calls at run time, captured when this module runs: at document_start,
 * before any page script could replace them (docs/architecture.md, "The hook in a hostile page").
 * No DOM here, so the value readers built on it run in Node too (the fingerprint test).
 */
export type Fn = (...args: unknown[]) => unknown;
export type Obj = Record<PropertyKey, unknown>;

// --- Built-ins, captured before any page script can replace them ---------------------------------
export const { apply, defineProperty, getOwnPropertyDescriptor: describe, getPrototypeOf, ownKeys } = Reflect;
export const { create, hasOwn } = Object;
export const NativeProxy = Proxy;
export const NativeString = String;
export const NativeError = Error;
export const imul = Math.imul;
export const isArray = Array.isArray;
const bind: unknown = describe(Function.prototype, 'bind')!.value;
const call: unknown = describe(Function.prototype, 'call')!.value;
/**
 * `proto[name]` (its value, or its getter) as a function taking `this` first: a bound `call`, so
 * no later patch of the prototype, of `call` or of `bind` reaches it.
 */
export const uncurry = <F>(proto: object, name: string, part: 'value' | 'get' = 'value') =>
  apply(bind as Fn, call, [describe(proto, name)![part]]) as F;

export const weakGet = uncurry<(map: WeakMap<object, unknown>, key: unknown) => unknown>(WeakMap.prototype, 'get');
export const weakSet = uncurry<(map: WeakMap<object, unknown>, key: object, v: unknown) => void>(
  WeakMap.prototype,
  'set',
);
export const sourceText = uncurry<(f: unknown) => string>(Function.prototype, 'toString');
export const indexOf = uncurry<(s: string, part: string, from?: number) => number>(String.prototype, 'indexOf');
export const slice = uncurry<(s: string, start: number, end?: number) => string>(String.prototype, 'slice');
export const charCode = uncurry<(s: string, i: number) => number>(String.prototype, 'charCodeAt');
export const promiseThen = uncurry<(p: unknown, ok: undefined, fail: (e: unknown) => void) => unknown>(
  Promise.prototype,
  'then',
);
/** The engine's own `stack` accessor (V8: on each error; Gecko: on Error.prototype). */
export const nativeStack = (describe(new NativeError(), 'stack') ?? describe(NativeError.prototype, 'stack'))?.get;
export const ObjectProto = Object.prototype;
export const PromiseProto = Promise.prototype;
export const ErrorProto = NativeError.prototype;

export const isObject = (v: unknown): v is Obj => (typeof v == 'object' || typeof v == 'function') && v !== null;
/** A fresh object with no prototype: nothing a page puts on Object.prototype reaches it. */
export const bare = <T extends object>(): T => create(null) as T;
export const handler = (trap: ProxyHandler<Fn>['apply']): ProxyHandler<Fn> => {
  const h = bare<ProxyHandler<Fn>>();
  h.apply = trap;
  return h;
};
