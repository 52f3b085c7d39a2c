/**
 * Reading page values without running page code: own data properties only, strings past their
 * bound kept as length, start and fingerprint, errors and `lcw:*` details as bounded plain data.
 */
import type { ErrorInfo } from '../protocol/hook.js';
import {
  EVENT_DETAIL_CHARS,
  EVENT_DETAIL_DEPTH,
  EVENT_DETAIL_KEYS,
  HOOK_STACK_CHARS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_NAME_CHARS,
  MAX_HANDED_OBJECT_KEYS,
  MAX_HANDED_TOKEN_CHARS,
  PEEK_NODES,
} from '../protocol/limits.js';
import {
  apply,
  describe,
  getPrototypeOf,
  ownKeys,
  hasOwn,
  NativeString,
  NativeError,
  imul,
  isArray,
  slice,
  charCode,
  nativeStack,
  PromiseProto,
  ErrorProto,
  isObject,
  bare,
  type Obj,
} from './builtins.js';

/** A property's own descriptor and where it lives (`o` or a prototype); never runs a getter. */
export function lookup(o: unknown, key: PropertyKey): [Obj, PropertyDescriptor] | undefined {
  for (let depth = 0; isObject(o) && depth < 32; depth++) {
    const d = describe(o, key);
    if (d) return [o, d];
    o = getPrototypeOf(o);
  }
  return undefined;
}
/** `o[key]` when it is a data property (own or inherited); undefined for an accessor or nothing. */
export function dataOf(o: unknown, key: PropertyKey): unknown {
  const d = lookup(o, key)?.[1];
  return d && hasOwn(d, 'value') ? d.value : undefined;
}
/** `o[key]` when it is an own data property. */
export function ownData(o: unknown, key: string): unknown {
  const d = isObject(o) ? describe(o, key) : undefined;
  return d && hasOwn(d, 'value') ? d.value : undefined;
}
export const inherits = (o: unknown, proto: object) => {
  for (let depth = 0; isObject(o) && depth < 32; depth++) if ((o = getPrototypeOf(o)) === proto) return true;
  return false;
};

// --- Reading page values without running page code -----------------------------------------------
/** A string cut to `max`; longer ones keep their length and a fingerprint so two can still be told apart. */
export function cut(s: string, max: number): unknown {
  if (s.length <= max) return s;
  // FNV-1a over at most ~64K characters spread over the whole string: costs the same for 40 MB.
  let h = 2166136261;
  const step = s.length >> 16 || 1;
  for (let i = 0; i < s.length; i += step) h = imul(h ^ charCode(s, i), 16777619);
  return { o: 'cut', n: s.length, t: slice(s, 0, max), h: h >>> 0 };
}
export const text = (s: unknown, max: number) => (typeof s == 'string' ? slice(s, 0, max) : undefined);
/** A string property for an error report: its text, "(accessor)" when a getter would have to run, else undefined. */
export function textOf(o: unknown, key: string, max: number): string | undefined {
  const d = lookup(o, key)?.[1];
  return !d ? undefined : hasOwn(d, 'value') ? text(d.value, max) : '(accessor)';
}

export function errorInfo(e: unknown): ErrorInfo {
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
export function peek(v: unknown, budget = { n: PEEK_NODES }, depth = 0): unknown {
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
export function handed(v: unknown): unknown {
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
