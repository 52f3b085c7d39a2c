/** Page text that would spoof the panel's or the CLI's own words is shown for what it is. */
import { describe, test, expect } from 'vitest';
import { lookAlikeNote, visible } from '../../src/analysis/words/visible.js';
import { safe } from '../../src/cli/format.js';

describe('visible', () => {
  test.each([
    ['auth.\u202Egnp.exe', 'auth.<U+202E>gnp.exe'],
    ['a\u200Bb\u200Dc\uFEFF', 'a<U+200B>b<U+200D>c<U+FEFF>'],
    ['\u2066isolate\u2069', '<U+2066>isolate<U+2069>'],
    ['bell\u0007 and \u0085', 'bell<U+0007> and <U+0085>'],
    ['line\nnext\ttab', 'line\nnext\ttab'],
    ['\u3164filler', '<U+3164>filler'],
    ['plain ASCII (not found)', 'plain ASCII (not found)'],
  ])('%j', (input, shown) => {
    expect(visible(input)).toBe(shown);
  });
  test('the CLI escapes controls and writes out format characters', () => {
    expect(safe('iss\u001b[2J\u202Eevil\u2028')).toBe('iss\\u001b[2J<U+202E>evil<U+2028>');
  });
});

describe('lookAlikeNote', () => {
  test('a Cyrillic letter for a Latin one is pointed at', () => {
    expect(lookAlikeNote('87b4d06c-\u0430bc2', '87b4d06c-abc2')).toBe(
      'They may look alike: they first differ at character 10: U+0430 here, U+0061 before.',
    );
  });
  test('a zero-width character, and one value a prefix of the other', () => {
    expect(lookAlikeNote('abc\u200B', 'abc')).toMatch(/character 4: U\+200B here, the end before/);
  });
  test('plain ASCII values that differ need no note', () => {
    expect(lookAlikeNote('abc', 'abd')).toBe('');
  });
});

describe('quote: a value as a person reads it', () => {
  test('quotes inside stay quotes, never \\" escapes; invisible characters are shown', async () => {
    const { quote } = await import('../../src/analysis/words/text.js');
    expect(quote('"Bearer eyJ')).toBe(`'"Bearer eyJ'`);
    expect(quote('a\nb\tc')).toBe('"a\\nb\\tc"');
    expect(quote(`it's "x"`)).toBe('"it\'s \\"x\\""');
    expect(quote('x'.repeat(30), 24)).toBe(`"${'x'.repeat(24)}"... (30 characters)`);
  });
});
