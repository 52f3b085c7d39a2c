/** The widget's error codes in words (shared/domain.md's table): every headline, count and list names them so. */

/** What each widget error means (shared/domain.md), as every headline and count names it. */
export const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  1: 'the context provider failed',
  2: 'the token provider threw',
  3: 'no token was provided',
  4: 'the token is invalid',
  7: "the widget's scripts failed to load",
  8: 'the auth function cannot be found on the page',
};

/** "error 8: the auth function cannot be found on the page". */
export const errorWords = (code: number): string =>
  ERROR_MEANINGS[code] ? `error ${code}: ${ERROR_MEANINGS[code]}` : `error ${code}`;

/** "error 8 (the auth function cannot be found on the page)", for lists and counts. */
export const errorName = (code: number): string =>
  ERROR_MEANINGS[code] ? `error ${code} (${ERROR_MEANINGS[code]})` : `error ${code}`;

/** A count's key as a person reads it: "error 4" becomes "error 4 (the token is invalid)". */
export const countName = (key: string): string => {
  const code = /^error (\d+)$/.exec(key)?.[1];
  return code === undefined ? key : errorName(Number(code));
};
