/**
 * The hook's messages validated where they cross into the extension (the relay, a HAR file, a
 * stored record): each becomes a PageEvent of the protocol's shallow, bounded form, or null.
 */
import { isBoundedString, isFiniteNumber, isRecord } from './guards.js';
import {
  EVENT_DETAIL_CHARS,
  EVENT_DETAIL_DEPTH,
  EVENT_DETAIL_KEY_CHARS,
  EVENT_DETAIL_KEYS,
  HOOK_STACK_CHARS,
  MAX_ATTRIBUTE_CHARS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_NAME_CHARS,
  MAX_ERROR_STACK_CHARS,
  MAX_FUNCTION_NAME_CHARS,
  MAX_HANDED_OBJECT_KEYS,
  MAX_HANDED_TOKEN_CHARS,
  MAX_URL_CHARS,
  PEEK_NODES,
  MAX_DELIVERY_CHARS,
  DELIVERY_KEPT_CHARS,
  MAX_NEAR_NAMES,
  PANE_TEXT_CHARS,
  PANE_TITLE_CHARS,
  REASON_CHARS,
} from './limits.js';

import { type CutString, type ErrorInfo, type HandedValue, type PageEvent, type WidgetScript } from './hook.js';

const MARKERS = ['promise', 'function', 'symbol', 'bigint', 'array'];

/** The first line of a stack that names a place (`file:line`), cut to its bound. */
export function topFrame(stack: string): string | undefined {
  return stack
    .split('\n')
    .find(l => /:\d/.test(l))
    ?.trim()
    .slice(0, MAX_ERROR_STACK_CHARS);
}

function errorInfo(v: unknown): ErrorInfo | undefined {
  const fits =
    isRecord(v) && isBoundedString(v.n, MAX_ERROR_NAME_CHARS) && isBoundedString(v.m, MAX_ERROR_MESSAGE_CHARS);
  if (!fits || !(v.s == null || isBoundedString(v.s, HOOK_STACK_CHARS))) return undefined;
  const s = typeof v.s === 'string' ? topFrame(v.s) : undefined;
  return { n: v.n as string, m: v.m as string, ...(s ? { s } : {}) };
}

/** A CutString as the hook sent it, validated (the fingerprint arrives as a number). */
function cutString(v: Record<string, unknown>, max: number): CutString | undefined {
  const { n, t, h } = v;
  return isFiniteNumber(n) && n > max && isBoundedString(t, max) && (isFiniteNumber(h) || isBoundedString(h, 8))
    ? { o: 'cut', n, t, h: typeof h === 'number' ? hex8(h) : h }
    : undefined;
}

/** Any value reduced to the protocol's shallow form (see HandedValue). */
function handedValue(v: unknown): HandedValue {
  if (v == null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.slice(0, MAX_HANDED_TOKEN_CHARS);
  if (Array.isArray(v)) return { o: 'array' };
  if (!isRecord(v)) return { o: typeof v === 'bigint' ? 'bigint' : 'function' };
  if (MARKERS.includes(v.o as string)) return { o: v.o as 'promise' };
  if (v.o === 'cut') return cutString(v, MAX_HANDED_TOKEN_CHARS) ?? { o: 'object', p: {} };
  const p: Record<string, string | number | boolean | null> = {};
  const source = v.o === 'object' && isRecord(v.p) ? v.p : v;
  for (const key of Object.keys(source).slice(0, MAX_HANDED_OBJECT_KEYS)) {
    const x = source[key];
    if (x === null || typeof x === 'number' || typeof x === 'boolean') p[key] = x;
    else if (typeof x === 'string') p[key] = x.slice(0, MAX_HANDED_TOKEN_CHARS);
    // A long string inside the object: its kept part (the object is shown, not analysed as a token).
    else if (isRecord(x) && x.o === 'cut' && typeof x.t === 'string') p[key] = x.t.slice(0, MAX_HANDED_TOKEN_CHARS);
  }
  return { o: 'object', p };
}

/** A fingerprint as a cut string carries it: 8 hex digits. */
const hex8 = (h: number) => (h >>> 0).toString(16).padStart(8, '0');

/**
 * The fingerprint of a string cut here, as the engine compares it with a handed string of the
 * same length (FNV-1a over at most ~64K characters spread over it, as the hook computes its own;
 * the two never meet: a value past the hook's bound is cut by the hook on both sides).
 */
export function fingerprintText(s: string): string {
  let h = 2166136261;
  const step = s.length >> 16 || 1;
  for (let i = 0; i < s.length; i += step) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return hex8(h);
}

/**
 * What the widget's frame received is kept to tell which token it was, not to analyse it again
 * (the invocation holds that): past MAX_DELIVERY_CHARS only its length, start and fingerprint stay,
 * so a page handing over megabytes does not record them twice.
 */
function deliveredValue(v: unknown): HandedValue {
  if (typeof v === 'string' && v.length > MAX_DELIVERY_CHARS)
    return { o: 'cut', n: v.length, t: v.slice(0, DELIVERY_KEPT_CHARS), h: fingerprintText(v) };
  // Cut by the hook (past 1 MiB) or already here (read again by the background): its start only.
  if (isRecord(v) && v.o === 'cut' && typeof v.t === 'string')
    return cutString({ ...v, t: v.t.slice(0, DELIVERY_KEPT_CHARS) }, MAX_DELIVERY_CHARS) ?? { o: 'object', p: {} };
  return handedValue(v);
}

/**
 * Any value reduced to bounded JSON data (EVENT_DETAIL_*: depth, keys, characters; PEEK_NODES
 * objects in all). A string the hook cut reads as its kept part followed by what was cut.
 */
export function plain(v: unknown, depth = 0, budget = { n: PEEK_NODES }): unknown {
  if (v == null || typeof v === 'boolean' || isFiniteNumber(v)) return v ?? null;
  if (typeof v === 'string') return v.slice(0, EVENT_DETAIL_CHARS);
  if (typeof v !== 'object' || depth >= EVENT_DETAIL_DEPTH || --budget.n < 0) return `(${typeof v})`;
  const cut = isRecord(v) && v.o === 'cut' ? cutString(v, EVENT_DETAIL_CHARS) : undefined;
  if (cut) return `${cut.t.slice(0, EVENT_DETAIL_CHARS)}… (${cut.n} characters, cut)`;
  if (Array.isArray(v)) return v.slice(0, EVENT_DETAIL_KEYS).map(x => plain(x, depth + 1, budget));
  // fromEntries defines each key (an own "__proto__" stays a key, never a prototype).
  return Object.fromEntries(
    Object.keys(v)
      .slice(0, EVENT_DETAIL_KEYS)
      .map(key => [
        key.slice(0, EVENT_DETAIL_KEY_CHARS),
        plain((v as Record<string, unknown>)[key], depth + 1, budget),
      ]),
  );
}

const nearNames = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= MAX_NEAR_NAMES && v.every(n => isBoundedString(n, MAX_FUNCTION_NAME_CHARS));

function widgetScript(v: unknown): WidgetScript | null | undefined {
  if (v === null) return null;
  if (!isRecord(v)) return undefined;
  const fields = ['appId', 'orgId', 'orgUrl', 'version', 'src'] as const;
  return fields.every(f => isBoundedString(v[f], MAX_ATTRIBUTE_CHARS))
    ? (Object.fromEntries(fields.map(f => [f, v[f]])) as WidgetScript)
    : undefined;
}

/**
 * Validates a PageEvent at a trust boundary (relay: from the page hook; background: from the
 * relay) and returns a fresh, reduced copy holding only the protocol's fields, or null.
 */
export function parsePageEvent(m: unknown): PageEvent | null {
  if (!isRecord(m) || !isFiniteNumber(m.at)) return null;
  const { at } = m;
  const id = isFiniteNumber(m.id) ? m.id : undefined;
  const err = m.err === undefined ? undefined : errorInfo(m.err);
  if (m.err !== undefined && !err) return null;
  switch (m.k) {
    case 'reg':
      return typeof m.fn === 'boolean' &&
        isBoundedString(m.arg, 40) &&
        typeof m.ready === 'boolean' &&
        (m.route === undefined || m.route === 'sdk' || m.route === 'code' || m.route === 'ctx')
        ? { k: 'reg', at, fn: m.fn, arg: m.arg, ready: m.ready, ...(m.route ? { route: m.route } : {}), err }
        : null;
    case 'inv':
      return id !== undefined &&
        (m.route === 'sdk' || m.route === 'fn' || m.route === 'code' || m.route === 'ctx') &&
        (m.name == null || isBoundedString(m.name, MAX_FUNCTION_NAME_CHARS))
        ? { k: 'inv', at, id, route: m.route, name: m.name ?? undefined }
        : null;
    case 'cb':
      return id !== undefined &&
        typeof m.sync === 'boolean' &&
        (m.r === undefined || isBoundedString(m.r, REASON_CHARS))
        ? { k: 'cb', at, id, sync: m.sync, v: handedValue(m.v), ...(m.r === undefined ? {} : { r: m.r }) }
        : null;
    case 'end':
      return id !== undefined ? { k: 'end', at, id, err, ...(m.v === undefined ? {} : { v: plain(m.v) }) } : null;
    case 'got':
      return m.via === 'setAuthTokenProvider' || m.via === 'authTokenResponse'
        ? { k: 'got', at, via: m.via, v: deliveredValue(m.v) }
        : null;
    case 'rej':
      return id !== undefined && err ? { k: 'rej', at, id, err } : null;
    case 'timeout':
      return id !== undefined ? { k: 'timeout', at, id } : null;
    case 'evt':
      return isBoundedString(m.type, 100) && m.type.startsWith('lcw:')
        ? { k: 'evt', at, type: m.type, detail: plain(m.detail) }
        : null;
    case 'req':
      if (!isBoundedString(m.name, MAX_FUNCTION_NAME_CHARS) || typeof m.found !== 'boolean') return null;
      if (m.near !== undefined && !nearNames(m.near)) return null;
      return {
        k: 'req',
        at,
        name: m.name,
        found: m.found,
        ...(m.portal === true ? { portal: true as const } : {}),
        ...(Array.isArray(m.near) && m.near.length ? { near: [...m.near] } : {}),
      };
    case 'pane':
      return isBoundedString(m.title, PANE_TITLE_CHARS) && isBoundedString(m.text, PANE_TEXT_CHARS)
        ? { k: 'pane', at, title: m.title, text: m.text }
        : null;
    case 'drop':
      return isFiniteNumber(m.n) && m.n > 0 && (m.why === 'flood' || m.why === 'unsent')
        ? { k: 'drop', at, n: m.n, why: m.why }
        : null;
    case 'widget': {
      const script = widgetScript(m.script);
      if (script === undefined || typeof m.iframe !== 'boolean') return null;
      if (m.frameSrc !== undefined && !isBoundedString(m.frameSrc, MAX_URL_CHARS)) return null;
      if (m.custom !== undefined && typeof m.custom !== 'boolean') return null;
      return {
        k: 'widget',
        at,
        script,
        iframe: m.iframe,
        ...(m.frameSrc ? { frameSrc: m.frameSrc } : {}),
        ...(m.custom ? { custom: true } : {}),
      };
    }
    default:
      return null;
  }
}
