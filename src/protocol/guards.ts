/**
 * The type guards every trust boundary uses (relay, background, engine): one definition each, so
 * they cannot disagree about what counts as an object (never an array) or a bounded string.
 */

/** A plain-data object: not null, not an array. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number that is not NaN or infinite. */
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A string of at most `max` characters. */
export const isBoundedString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** A browser tab id. */
export const isTabId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
