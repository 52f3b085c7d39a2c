/** Times as a support engineer reads them: local, UTC, and relative to now. */
import { duration, utcText } from '../analysis/index.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whether `ms` is a time a Date can hold; anything else is shown as such, never formatted. */
const representable = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
const unrepresentable = (ms: number) => `(not a time: ${ms})`;

/** "2026-11-24 18:02:11" in the browser's time zone. */
export function localTime(ms: number): string {
  if (!representable(ms)) return unrepresentable(ms);
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "18:02:11.042", for timeline rows. */
export function clockTime(ms: number): string {
  if (!representable(ms)) return unrepresentable(ms);
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "2026-11-24 17:02:11 UTC", as the engine writes dates in its findings. */
export function utcTime(ms: number): string {
  if (!representable(ms)) return unrepresentable(ms);
  return utcText(Math.floor(ms / 1000) * 1000) ?? unrepresentable(ms);
}

/** "in 54 minutes" / "3 minutes ago" / "now". */
export function relativeTime(ms: number, nowMs: number): string {
  const seconds = (ms - nowMs) / 1000;
  if (Math.abs(seconds) < 1) return 'now';
  return seconds > 0 ? `in ${duration(seconds)}` : `${duration(seconds)} ago`;
}

/** "61 ms" below two seconds, else "3.2 s". */
export function shortDuration(ms: number): string {
  return ms < 2000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
