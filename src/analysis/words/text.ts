/** Values and times in words, for messages: quoted, described, previewed, counted, as durations and dates. */

const MAX_PREVIEW = 60;

/**
 * Quotes a value for a message: strings JSON-escaped (so control characters show) and cut to a
 * readable length; anything else described without walking deep structures.
 */
export function quote(value: unknown, max = MAX_PREVIEW): string {
  if (typeof value === 'string') {
    const cut = value.length > max ? value.slice(0, max) : value;
    // Read by a person: quotes inside stay quotes (single ones around them), only invisible characters are escaped.
    const mark = cut.includes('"') && !cut.includes("'") ? "'" : '"';
    const shown = mark === "'" ? visibleText(cut) : visibleText(cut).replace(/"/g, '\\"');
    return `${mark}${shown}${mark}` + (value.length > max ? `... (${value.length} characters)` : '');
  }
  return describeValue(value);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control and line-separator characters written as escapes, so a line break or a tab can be seen. */
function visibleText(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const invisible = code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
    out += !invisible ? c : (ESCAPES[c] ?? `\\u${code.toString(16).padStart(4, '0')}`);
  }
  return out;
}

/** A short description of any value: `number 12`, `object {a, b}`, `array of 3`. Never throws. */
export function describeValue(value: unknown): string {
  try {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'undefined':
        return 'undefined';
      case 'number':
      case 'boolean':
      case 'bigint':
        return `${typeof value} ${String(value)}`;
      case 'string':
        return `string ${quote(value)}`;
      case 'symbol':
        return 'a symbol';
      case 'function':
        return 'a function';
    }
    if (Array.isArray(value)) return `an array of ${value.length}`;
    if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise';
    const keys = Object.keys(value);
    const shown = keys
      .slice(0, 4)
      .map(k => JSON.stringify(k))
      .join(', ');
    return `an object {${shown}${keys.length > 4 ? ', ...' : ''}}`;
  } catch {
    return 'an object that cannot be inspected';
  }
}

/** A text as messages quote it: its first 300 characters, saying how long it was when cut. */
export const previewText = (text: string): string =>
  text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;

/**
 * A value on one line, as text: a string as it is, anything else as JSON (described when JSON has no
 * form for it or it is too deep); past `max` characters it is cut and says its length. Never throws.
 */
export function valueText(value: unknown, max = Infinity): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? describeValue(value));
  } catch {
    text = describeValue(value);
  }
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

/** A value as short JSON (300 characters, then its length) for a message; whatever it is, never throws. */
export const jsonPreview = (value: unknown): string =>
  previewText(typeof value === 'string' ? JSON.stringify(value) : valueText(value));

/** "1 key", "3 keys". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 minutes", "2 hours", "45 seconds": a duration in words, for messages. */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 120) return unit(s, 'second');
  if (s < 3600) return unit(Math.round(s / 60), 'minute');
  if (s < 172800) return unit(Math.round(s / 360) / 10, 'hour');
  return unit(Math.round(s / 86400), 'day');
}

/** "61 ms" below two seconds, else "3 seconds", "2 minutes". */
export function elapsed(ms: number): string {
  return ms < 2000 ? `${Math.round(ms)} ms` : duration(ms / 1000);
}

/**
 * A Unix time in seconds as every face writes a date ("2026-12-03 17:00:00 UTC", milliseconds only
 * when there are some), or the number itself when it is no date.
 */
export function isoDate(seconds: number): string {
  return utcText(seconds * 1000) ?? String(seconds);
}

/** Unix ms (or an ISO string) as "2026-12-03 17:00:00 UTC"; null when it is no date. */
export function utcText(time: number | string): string | null {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return null;
  return `${date.toISOString().replace('T', ' ').replace('.000Z', 'Z').replace(/Z$/, '')} UTC`;
}

/** A NumericDate above this (year 5138) can only be milliseconds. */
export const MILLISECONDS_THRESHOLD = 1e11;

/** What went wrong, in words: an Error's message, anything else as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How often each key occurs, in order of first occurrence. */
export function countBy(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts];
}
