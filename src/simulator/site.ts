/** What the simulator serves a test or the demo: the two origins, the tokens minted at start, the key. */

/** The contact the simulated Dynamics 365 knows (the tokens' default sub). */
export const CONTACT = '87b4d06c-abc2-e811-a9b0-000d3a10e09e';

/** HTML and script payloads put in the token's claims (they must only ever show as text). */
export const XSS = '<img src=x onerror="window.__xss=1">"><script>window.__xss=1</script>';

export interface SiteTokens {
  valid: string;
  expired: string;
  xss: string;
  kid: string;
  unknownUser: string;
  /** One token per XSS payload. */
  corpus: string[];
}

export interface Site {
  /** The host page's origin (127.0.0.1). */
  origin: string;
  /** The widget iframe's origin (localhost, same port). */
  frameOrigin: string;
  tokens: SiteTokens;
  publicKeyPem: string;
  close(): void;
}
