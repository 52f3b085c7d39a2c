/** Typed access to the widget simulator site (plain JS, so `node test/fixtures/site/server.mjs` runs it too). */
// @ts-expect-error the fixture server is plain JavaScript
import * as server from '../fixtures/site/server.mjs';

export interface Site {
  origin: string;
  frameOrigin: string;
  tokens: { valid: string; expired: string; xss: string; kid: string; unknownUser: string; corpus: string[] };
  publicKeyPem: string;
  close(): void;
}

export const startSite: (options?: { port?: number }) => Promise<Site> = server.startSite;
export const SCENARIOS: string[] = server.SCENARIOS;
export const XSS: string = server.XSS;
