/** A recorded page and its report, shared by the report's unit tests and the shipped CLI's. */
import type { RecordedEvent } from '../../src/record/format.js';
import { assembleSession, buildReport } from '../../src/analysis/index.js';
import { makeKey, signToken, validClaims } from './tokens.js';
export const T0 = 1_764_000_000_000;
export const token = await signToken(await makeKey(), validClaims());
const frame = 0;
/** A v2 widget whose provider handed over a token with " Bearer " around it, then threw (error 2). */
export const events: RecordedEvent[] = [
  {
    k: 'widget',
    at: T0,
    frame,
    iframe: true,
    script: { appId: 'app', orgId: 'org', orgUrl: 'https://org.crm.dynamics.com', version: 'v2', src: 'x' },
  },
  { k: 'evt', at: T0 + 1, frame, type: 'lcw:ready', detail: null },
  { k: 'reg', at: T0 + 2, frame, fn: true, arg: 'function', ready: true },
  { k: 'inv', at: T0 + 3, frame, id: 1, route: 'sdk' },
  { k: 'cb', at: T0 + 4, frame, id: 1, sync: true, v: ` Bearer ${token}` },
  { k: 'end', at: T0 + 5, frame, id: 1 },
  { k: 'inv', at: T0 + 6, frame, id: 2, route: 'sdk' },
  { k: 'end', at: T0 + 7, frame, id: 2, err: { n: 'Error', m: 'down' } },
  {
    k: 'evt',
    at: T0 + 8,
    frame,
    type: 'lcw:error',
    detail: { errorCode: 2, errorDescription: 'Auth token provider method execution failed' },
  },
];

/** That page's report, as the panel exports it. */
export const report = (includeTokens?: boolean) =>
  buildReport(assembleSession(events), {
    url: 'https://shop.contoso.com/help?code=secret#frag',
    now: T0 + 10,
    ...(includeTokens ? { includeTokens } : {}),
  });

/** The fixture's first invocation, then a widget error 3 whose description is `description` (page text). */
export const reportWithErrorText = (description: string) =>
  buildReport(
    assembleSession([
      ...events.slice(0, 3),
      { k: 'evt', at: T0 + 9, frame, type: 'lcw:error', detail: { errorCode: 3, errorDescription: description } },
    ]),
    { url: 'https://shop.contoso.com/', now: T0 },
  );
