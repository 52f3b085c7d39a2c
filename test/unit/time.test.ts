/** The panel's time formatting: any number in, text out, never a throw. */
import { describe, test, expect } from 'vitest';
import { clockTime, localTime, utcTime } from '../../src/devtools/time.js';

describe('times the panel cannot show are shown as such', () => {
  test.each([1e300, -1e300, NaN, Infinity, 8.64e15 + 1])('%s', ms => {
    for (const format of [localTime, clockTime, utcTime]) expect(format(ms)).toBe(`(not a time: ${ms})`);
  });
  test('a real time is formatted', () => {
    expect(utcTime(Date.UTC(2026, 10, 24, 17, 2, 11))).toBe('2026-11-24 17:02:11 UTC');
    expect(clockTime(Date.UTC(2026, 10, 24, 17, 2, 11, 42))).toMatch(/^\d\d:02:11\.042$/);
  });
});
