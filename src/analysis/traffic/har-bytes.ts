/** Byte-level helpers of the HAR scanner (har-scan.ts): whitespace, keys, encodings, searching. */

const decoder = new TextDecoder();

export const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A key as JSON means it: escapes ("\\u006cog") decoded; the raw text when they do not decode. */
export function keyText(raw: Uint8Array): string {
  const text = decoder.decode(raw);
  if (!text.includes('\\')) return text;
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

/** UTF-16: a byte order mark, or a NUL right beside the first non-space character. */
export function isUtf16(chunk: Uint8Array): boolean {
  if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) return true;
  return chunk.length >= 2 && (chunk[0] === 0 || chunk[1] === 0);
}

/** Whether `needle` occurs in `bytes` (first byte found natively, the rest compared). */
export function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  for (
    let at = bytes.indexOf(first);
    at >= 0 && at <= bytes.length - needle.length;
    at = bytes.indexOf(first, at + 1)
  ) {
    let k = 1;
    while (k < needle.length && bytes[at + k] === needle[k]) k++;
    if (k === needle.length) return true;
  }
  return false;
}
