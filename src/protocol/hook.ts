/**
 * What the page hook tells the content relay, over the private MessagePort (see
 * docs/architecture.md). Kept terse because the hook must stay under 3 KB. The relay validates
 * every message with `parseHookMessage` before it goes any further.
 */

/** The event names of the port hand-off. Only used before any page script has run. */
export const HOOK_HELLO = 'lcw-auth:hook-hello';
export const RELAY_READY = 'lcw-auth:relay-ready';

/**
 * Background -> relay (tabs.sendMessage) -> hook (over the private port): "call the provider
 * again" from the panel. The hook calls the provider the widget would call next, records it like
 * any invocation, and hands what it gives to nobody.
 */
export const RERUN_COMMAND = 'lcw-auth:call-provider-again';

/** Both the SDK provider and the client function must call back within 10 s (relay times it, session judges it). */
export const CALLBACK_LIMIT_MS = 10_000;

/** An exception as the hook saw it: name, message, top stack frame. */
export interface ErrorInfo { n: string; m: string; s?: string }

/**
 * A value handed to the callback: primitives as they are; anything else as a marker with, for
 * plain objects, a shallow copy of its primitive properties (so "you passed response, not
 * response.token" can be said).
 */
export type HandedValue = string | number | boolean | null | undefined
  | { o: 'promise' | 'function' | 'symbol' | 'bigint' | 'array' }
  | { o: 'object'; p: Record<string, string | number | boolean | null> };

export type Route = 'sdk' | 'fn';

export type WidgetScript = { appId: string; orgId: string; orgUrl: string; version: string; src: string };

/**
 * One fact about the page, as the hook reports it (`v` and `detail` raw) and, after
 * `parsePageEvent`, as the relay and background pass it on (reduced to plain bounded data).
 */
export type PageEvent =
  /** setAuthTokenProvider was called; `fn` false when its argument was not a function. */
  | { k: 'reg'; at: number; fn: boolean; arg: string; ready: boolean; err?: ErrorInfo }
  /** A provider (SDK route) or the client function (fn route) was invoked. */
  | { k: 'inv'; at: number; id: number; route: Route; name?: string }
  /** The callback ran; `sync` when still inside the provider call. */
  | { k: 'cb'; at: number; id: number; sync: boolean; v: HandedValue }
  /** The provider returned (or threw `err`). */
  | { k: 'end'; at: number; id: number; err?: ErrorInfo }
  /** A promise the provider returned was rejected and nobody handled it. */
  | { k: 'rej'; at: number; id: number; err: ErrorInfo }
  /** A `lcw:*` event on window. */
  | { k: 'evt'; at: number; type: string; detail: unknown }
  /** The widget asked for a token through the client function named `name`. */
  | { k: 'req'; at: number; name: string; found: boolean }
  /** (relay) No callback within 10 s of invocation `id`. */
  | { k: 'timeout'; at: number; id: number }
  /** (relay) The widget's script tag and chat iframe, as found in this frame's DOM. */
  | { k: 'widget'; at: number; script: WidgetScript | null; iframe: boolean };

/** What the hook posts: a PageEvent before reduction. */
export type HookMessage = Exclude<PageEvent, { k: 'cb' } | { k: 'evt' }>
  | { k: 'cb'; at: number; id: number; sync: boolean; v: unknown }
  | { k: 'evt'; at: number; type: string; detail: unknown };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown, max = 2048): v is string => typeof v === 'string' && v.length <= max;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TOKEN = 1 << 20;
const MARKERS = ['promise', 'function', 'symbol', 'bigint', 'array'];

function errorInfo(v: unknown): ErrorInfo | undefined {
  return isObj(v) && isStr(v.n, 200) && isStr(v.m, 4000) && (v.s == null || isStr(v.s, 1000))
    ? { n: v.n, m: v.m, s: v.s ?? undefined } : undefined;
}

/** Any value reduced to the protocol's shallow form (see HandedValue). */
function handedValue(v: unknown): HandedValue {
  if (v == null || typeof v === 'number' || typeof v === 'boolean') return v as HandedValue;
  if (typeof v === 'string') return v.slice(0, MAX_TOKEN);
  if (Array.isArray(v)) return { o: 'array' };
  if (!isObj(v)) return { o: typeof v === 'bigint' ? 'bigint' : 'function' };
  if (MARKERS.includes(v.o as string)) return { o: v.o as 'promise' };
  const p: Record<string, string | number | boolean | null> = {};
  const source = v.o === 'object' && isObj(v.p) ? v.p : v;
  for (const key of Object.keys(source).slice(0, 20)) {
    const x = source[key];
    if (x === null || typeof x === 'number' || typeof x === 'boolean') p[key] = x;
    else if (typeof x === 'string') p[key] = x.slice(0, MAX_TOKEN);
  }
  return { o: 'object', p };
}

/** Any value reduced to bounded JSON data: depth 4, 50 keys, 2,000 characters a string. */
export function plain(v: unknown, depth = 0): unknown {
  if (v == null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v ?? null;
  if (typeof v === 'string') return v.slice(0, 2000);
  if (typeof v !== 'object' || depth > 3) return `(${typeof v})`;
  if (Array.isArray(v)) return v.slice(0, 50).map(x => plain(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).slice(0, 50)) out[key.slice(0, 200)] = plain((v as Record<string, unknown>)[key], depth + 1);
  return out;
}

function widgetScript(v: unknown): WidgetScript | null | undefined {
  if (v === null) return null;
  if (!isObj(v)) return undefined;
  const fields = ['appId', 'orgId', 'orgUrl', 'version', 'src'] as const;
  return fields.every(f => isStr(v[f], 2048)) ? Object.fromEntries(fields.map(f => [f, v[f]])) as WidgetScript : undefined;
}

/**
 * Validates a PageEvent at a trust boundary (relay: from the page hook; background: from the
 * relay) and returns a fresh, reduced copy holding only the protocol's fields, or null.
 */
export function parsePageEvent(m: unknown): PageEvent | null {
  if (!isObj(m) || !isNum(m.at)) return null;
  const { at } = m;
  const id = isNum(m.id) ? m.id : undefined;
  const err = m.err === undefined ? undefined : errorInfo(m.err);
  if (m.err !== undefined && !err) return null;
  switch (m.k) {
    case 'reg':
      return typeof m.fn === 'boolean' && isStr(m.arg, 40) && typeof m.ready === 'boolean'
        ? { k: 'reg', at, fn: m.fn, arg: m.arg, ready: m.ready, err } : null;
    case 'inv':
      return id !== undefined && (m.route === 'sdk' || m.route === 'fn') && (m.name == null || isStr(m.name, 500))
        ? { k: 'inv', at, id, route: m.route, name: m.name ?? undefined } : null;
    case 'cb':
      return id !== undefined && typeof m.sync === 'boolean' ? { k: 'cb', at, id, sync: m.sync, v: handedValue(m.v) } : null;
    case 'end':
      return id !== undefined ? { k: 'end', at, id, err } : null;
    case 'rej':
      return id !== undefined && err ? { k: 'rej', at, id, err } : null;
    case 'timeout':
      return id !== undefined ? { k: 'timeout', at, id } : null;
    case 'evt':
      return isStr(m.type, 100) && m.type.startsWith('lcw:') ? { k: 'evt', at, type: m.type, detail: plain(m.detail) } : null;
    case 'req':
      return isStr(m.name, 500) && typeof m.found === 'boolean' ? { k: 'req', at, name: m.name, found: m.found } : null;
    case 'widget': {
      const script = widgetScript(m.script);
      return script !== undefined && typeof m.iframe === 'boolean' ? { k: 'widget', at, script, iframe: m.iframe } : null;
    }
    default:
      return null;
  }
}
