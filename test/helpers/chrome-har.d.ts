/** chrome-har ships no types: the one function the HAR tests use. */
declare module 'chrome-har' {
  export function harFromMessages(
    messages: { method: string; params: unknown }[],
    options?: { includeTextFromResponseBody?: boolean },
  ): unknown;
}
