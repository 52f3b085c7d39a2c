/**
 * Page text shown so it cannot pass for the extension's own: characters that reorder the text
 * around them (bidi controls) or do not show at all (zero-width, other format characters,
 * controls) are written out as `<U+202E>`, and two values that only look alike are told apart.
 */

/**
 * Control (Cc) characters but newline and tab, format (Cf) characters, the line and paragraph
 * separators, and the Hangul fillers that render blank.
 */
const HIDDEN = /(?![\n\t])\p{Cc}|[\p{Cf}\u2028\u2029\u115F\u1160\u3164\uFFA0]/gu;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** `text` with every hidden character written out, e.g. "abc<U+202E>def". */
export function visible(text: string): string {
  return text.replace(HIDDEN, c => `<${codePoint(c)}>`);
}

/**
 * For two different strings that may look alike (an invisible character, a Cyrillic "а" for a
 * Latin "a"): where they first differ, e.g. "character 3: U+0430 here, U+0061 there". Empty when
 * both are plain printable ASCII, where the difference shows.
 */
export function lookAlikeNote(here: string, there: string): string {
  if (here === there || /^[\x20-\x7E]*$/.test(here + there)) return '';
  const a = [...here];
  const b = [...there];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const side = (chars: string[]) => (i < chars.length ? codePoint(chars[i]!) : 'the end');
  return `They may look alike: they first differ at character ${i + 1}: ${side(a)} here, ${side(b)} before.`;
}
