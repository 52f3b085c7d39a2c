/** Recorded page events for the engine's tests: builders stamped at T0, and tokens valid then. */
import type { RecordedEvent } from '../../src/record/format.js';
import type { RuleId } from '../../src/analysis/index.js';
import { makeKey, signToken, validClaims } from './tokens.js';

export type SessionRule = Extract<
  RuleId,
  `${'registration' | 'invocation' | 'config' | 'auth' | 'session' | 'widget'}.${string}`
>;
export const T0 = 1_764_000_000_000;
export const key = await makeKey();
// Valid at T0, the moment these events are stamped with.
export const token = await signToken(key, validClaims());
export const otherUser = await signToken(key, validClaims({ sub: '11111111-2222-3333-4444-555555555555' }));
export const expired = await signToken(
  key,
  validClaims({ iat: T0 / 1000 - 7200, nbf: T0 / 1000 - 7200, exp: T0 / 1000 - 3600 }),
);

export const frame = 0;
export const ready = (): RecordedEvent => ({ k: 'evt', at: T0, type: 'lcw:ready', detail: null, frame });
export const reg = (over: Partial<RecordedEvent & { k: 'reg' }> = {}): RecordedEvent => ({
  k: 'reg',
  at: T0 + 1,
  fn: true,
  arg: 'function',
  ready: true,
  frame,
  ...over,
});
export const timedOut = (): RecordedEvent => ({ k: 'timeout', at: T0 + 10_002, id: 1, frame });
export const inv = (id = 1, route: 'sdk' | 'fn' | 'code' = 'sdk'): RecordedEvent => ({
  k: 'inv',
  at: T0 + 2,
  id,
  route,
  frame,
});
/** The widget's frame (frame 1) received `v` from the host page. */
export const got = (v: unknown, at: number): RecordedEvent =>
  ({ k: 'got', at, via: 'setAuthTokenProvider', v, frame: 1 }) as RecordedEvent;
export const cb = (v: unknown, sync = true, id = 1, at = T0 + 3): RecordedEvent =>
  ({ k: 'cb', at, id, sync, v, frame }) as RecordedEvent;
export const end = (id = 1, err?: { n: string; m: string }): RecordedEvent => ({
  k: 'end',
  at: T0 + 4,
  id,
  frame,
  ...(err ? { err } : {}),
});
export const healthy = () => [ready(), reg(), inv(), cb(token), end()];
/** The widget's frame asked the client function auth.getAuthenticationToken (invocation `id`). */
export const ask = (id: number, at: number): RecordedEvent => ({
  k: 'inv',
  at,
  id,
  route: 'fn',
  name: 'auth.getAuthenticationToken',
  frame,
});
/** Two invocations handing over `first`, then `second`. */
export const twice = (first: string, second: string) => [
  ready(),
  reg(),
  inv(),
  cb(first),
  end(),
  inv(2),
  cb(second, true, 2),
  end(2),
];

// The widget's traffic, as the DevTools page reports it.
export const CONFIG = (auth: Record<string, unknown> = {}, join: Record<string, unknown> = {}) => ({
  LiveChatConfigAuthSettings: {
    msdyn_authenticationtype: 192350000,
    msdyn_javascriptclientfunction: null,
    msdyn_publickeyurl: 'https://contoso.example/_services/auth/publickey',
    ...auth,
  },
  LiveWSAndLiveChatEngJoin: {
    msdyn_conversationmode: '192350000',
    msdyn_enablechatreconnect: 'false',
    msdyn_authenticatedsigninoptional: 'false',
    ...join,
  },
});
export const cfg = (body: unknown, status = 200): RecordedEvent => ({
  k: 'cfg',
  at: T0 - 10,
  url: 'https://org.crm.dynamics.com/livechatconnector/config/org/app?channel=lcw',
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  frame: -1,
});
export const auth = (
  endpoint: string,
  status: number,
  body: string,
  carried: string | null,
  at = T0 + 10,
): RecordedEvent => ({
  k: 'auth',
  at,
  url: `https://org.crm.dynamics.com/livechatconnector/v2/auth/${endpoint}`,
  method: 'POST',
  status,
  body,
  token: carried,
  frame: -1,
});
export const wire = (
  endpoint: string,
  status: number,
  message: string | null,
  carried: string | null,
  at: number,
  error?: string,
): RecordedEvent => ({
  k: 'wire',
  at,
  url: `https://org.crm.dynamics.com/livechatconnector/v2/auth/${endpoint}`,
  method: 'POST',
  status,
  token: carried,
  message,
  ...(error ? { error } : {}),
  frame: -1,
});
/** What tells the widget's version: its frame's page (chat.html on v1, chatv2.html on v2). */
export const widgetFrame = (kind: 'v1' | 'v2'): RecordedEvent => ({
  k: 'widget',
  at: T0 - 20,
  frame,
  iframe: true,
  script: null,
  frameSrc: `https://oc-cdn-ocprod.azureedge.net/livechatwidget/${kind === 'v1' ? 'WebChatControl/htmls/chat' : 'v2public/htmls/chatv2'}.html`,
});
export const emptyHandOff = () => [ready(), reg(), inv(), cb(''), end()];
/** setContextProvider(fn), then the widget calling it (invocation `id`, which returned `v`). */
export const contextProvider = (v: unknown, id = 9): RecordedEvent[] => [
  { k: 'reg', at: T0 + 1, fn: true, arg: 'function', ready: true, route: 'ctx', frame },
  { k: 'inv', at: T0 + 5, id, route: 'ctx', frame },
  { k: 'end', at: T0 + 6, id, v, frame },
];
/** The portal's client function asked once, calling back with `v` and, when given, a second argument. */
export const portalAsk = (v: unknown, reason?: string, portal = true): RecordedEvent[] => [
  ready(),
  {
    k: 'req',
    at: T0 + 1,
    name: 'auth.getAuthenticationToken',
    found: true,
    frame,
    ...(portal ? { portal: true } : {}),
  },
  ask(1, T0 + 2),
  { ...cb(v, false, 1, T0 + 40), ...(reason === undefined ? {} : { r: reason }) },
  end(1),
];
export const pane = (title: string, text: string): RecordedEvent => ({ k: 'pane', at: T0 + 50, title, text, frame: 1 });
export const PERSISTENT = { msdyn_conversationmode: '192350001' };
