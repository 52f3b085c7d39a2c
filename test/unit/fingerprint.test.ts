/** The hook and the engine fingerprint a long string the same way, so a cut token is still told apart. */
import { test, expect } from 'vitest';
import fc from 'fast-check';
import { cut } from '../../src/hook/page-values.js';
import { fingerprintText } from '../../src/protocol/page-events.js';

const hookFingerprint = (s: string): string => {
  const kept = cut(s, 8) as { o: string; h: number };
  expect(kept.o).toBe('cut');
  return kept.h.toString(16).padStart(8, '0');
};

test("the hook's fingerprint of a cut string equals fingerprintText's, short and long, ASCII and not", () => {
  const samples = ['a'.repeat(9), 'eyJhbGciOi'.repeat(10), 'ü€😀'.repeat(100), 'x'.repeat(70_000), 'é'.repeat(300_001)];
  for (const s of samples) expect(hookFingerprint(s), `${s.length} characters`).toBe(fingerprintText(s));
  // Strings past 64K characters are sampled: two that differ at a sampled place still differ.
  const long = 'a'.repeat(200_000);
  expect(fingerprintText(`b${long.slice(1)}`)).not.toBe(fingerprintText(long));
});

test('on any string past the bound the two fingerprints agree', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 9, maxLength: 400, unit: 'binary' }), s => {
      expect(hookFingerprint(s)).toBe(fingerprintText(s));
    }),
  );
});
