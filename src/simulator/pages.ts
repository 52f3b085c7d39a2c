/**
 * The simulator's HTML: the scenario picker and one host page per scenario, with the widget's
 * script tag as Microsoft documents it. Everything interpolated is escaped for its context.
 */
import type { Site } from './site.js';
import { XSS_PAYLOADS } from './xss-corpus.js';

export const SCENARIOS: readonly string[] = [
  'valid',
  'expired',
  'xss',
  'throws',
  'rejected',
  'empty',
  'never',
  'later',
  'twice',
  'non-function',
  'before-ready',
  'client-function',
  'client-function-missing',
  'portal',
  'portal-overlap',
  'portal-anonymous',
  'portal-misnamed',
  'sdk-late',
  'sdk-class',
  'sdk-plain',
  'sdk-stepwise',
  'sdk-whole',
  'sdk-replaced',
  'unknown-user',
  'sub-changed',
  'chat-map',
  'signin-optional',
  'oauth',
  'auth-code',
  'outlived',
  'flaky',
  'context',
  'race',
  'reconnect',
];

/** JSON inside a <script> element: "<" escaped so no payload can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const attr = (value: unknown) => String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The attacks, after their harness (attacks.js): the last one runs the attack the page names. */
const ATTACK_PARTS = ['attacks-hook.js', 'attacks-values.js', 'attacks-namespace.js']
  .map(file => `<script src="/${file}"></script>`)
  .join('');

/** What a test adds to a scenario's page: the hostile script, one attack (static/attacks.js), a client function. */
/** The widget's modes: v1 (verified), v2 (inferred: its host script is not public). */
export const MODES = ['v1', 'v2'] as const;
export type Mode = (typeof MODES)[number];

export interface PageExtras {
  /** The widget's version (default v1). */
  mode?: Mode;
  hostile?: boolean;
  attack?: string | null;
  /** The client function(s) the widget iframe asks for, comma-separated (default: the scenario's). */
  clientFunction?: string | null;
  /**
   * Another host name for the widget's frame (same port; the test maps it to loopback): a CDN host
   * the extension was never given access to.
   */
  frameHost?: string | null;
  /** An ad's frame beside the widget (another origin) with its own copy of the widget's SDK and a good token. */
  ad?: boolean;
}

export function widgetPage(
  scenario: string,
  site: Site,
  { hostile, attack, clientFunction, mode = 'v1', frameHost, ad }: PageExtras = {},
) {
  const frameOrigin =
    frameHost && /^[a-z0-9.-]+\.test$/.test(frameHost)
      ? site.frameOrigin.replace('//localhost:', `//${frameHost}:`)
      : site.frameOrigin;
  const shape =
    scenario.startsWith('sdk-') && scenario !== 'sdk-replaced' && scenario !== 'sdk-late'
      ? scenario.slice(4)
      : scenario === 'sdk-late'
        ? 'late'
        : 'class';
  const fn =
    clientFunction ??
    (scenario === 'client-function'
      ? 'auth.getAuthenticationToken'
      : scenario === 'client-function-missing'
        ? 'auth.missingFunction'
        : scenario === 'portal' || scenario === 'portal-anonymous'
          ? 'auth.getAuthenticationToken'
          : scenario === 'portal-misnamed'
            ? 'auth.getAuthorizationToken'
            : scenario === 'portal-overlap'
              ? // The widget asks twice at once (a reconnect does).
                'auth.getAuthenticationToken,auth.getAuthenticationToken'
              : '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Widget simulator: ${attr(scenario)}</title>
<script>window.__tokens = ${scriptJson(site.tokens)}; window.__payloads = ${scriptJson(XSS_PAYLOADS)};</script>
${attack ? `<script src="/attacks.js" data-attack="${attr(attack)}"></script>${ATTACK_PARTS}` : ''}
${hostile ? '<script src="/hostile.js"></script>' : ''}
<script id="Microsoft_Omnichannel_LCWidget" src="/widget-sdk.js"
  data-app-id="${APP_ID}" data-org-id="${ORG_ID}"
  data-org-url="https://contoso.crm.dynamics.com" ${mode} data-mode="${mode}"
  data-sdk-shape="${shape}" data-early="${scenario === 'before-ready'}"
  data-scenario="${attr(scenario)}"
  data-iframe-src="${attr(`${frameOrigin}${FRAME_PATHS[mode]}?${frameQuery(scenario, fn, mode)}`)}"></script>
<script src="/scenarios.js" data-scenario="${attr(scenario)}"></script>
<script src="/settled.js"></script>
</head><body><p><a href="/">All scenarios</a></p><h1>Widget simulator</h1>
<p>Scenario: <b>${attr(scenario)}</b> on the ${mode} widget${mode === 'v2' ? ' (inferred behaviour)' : ''}.
${attr(DESCRIPTIONS[scenario] ?? '')}</p>
<p><button type="button" onclick="Microsoft.Omnichannel.LiveChatWidget.SDK.startChat()">Start chat</button>
asks the provider for a token again.</p>
${ad ? `<iframe title="Advertisement" src="${attr(`${site.frameOrigin}/ad`)}"></iframe>` : ''}</body></html>`;
}

/** An ad with its own copy of the widget's SDK (another company's chat, say): none of it is the page's widget. */
export function adPage(site: Site): string {
  return `<!doctype html><meta charset="utf-8"><title>Advertisement</title>
<script>window.__adToken = ${scriptJson(site.tokens.valid)};</script>
<script src="/ad-sdk.js"></script><script src="/ad.js"></script><p>Buy now</p>`;
}

/** A frame page at a path like the widget's, whose page makes the pane reader work (/pane-attack). */
export const PANE_ATTACK_PATH = '/livechatwidget/attack/htmls/chat.html';

/** Where the widget's frame lives on Microsoft's CDN: its page (chat.html, chatv2.html) tells v1 from v2. */
export const FRAME_PATHS: Record<Mode, string> = {
  v1: '/livechatwidget/WebChatControl/htmls/chat.html',
  v2: '/livechatwidget/v2public/htmls/chatv2.html',
};

/** What the widget's iframe is told (the real one gets its settings too): scenario, org, app, client function. */
function frameQuery(scenario: string, fn: string, mode: Mode): string {
  return new URLSearchParams({
    mode,
    scenario,
    signin: String(scenario === 'signin-optional'),
    org: ORG_ID,
    app: APP_ID,
    fn,
  }).toString();
}

const ORG_ID = '0c7e5fd8-0000-4000-8000-0000000000b2';
const APP_ID = 'c6f5e8a1-0000-4000-8000-00000000a99';

/** The custom widget's scenarios (Microsoft's npm Chat SDK in the page), and what each site hands over. */
export const CUSTOM_SCENARIOS: Record<string, string> = {
  valid: 'A good token from getAuthToken (a promise): the service accepts it.',
  expired: 'getAuthToken resolves with a token that expired an hour ago: the service answers 401.',
  'unknown-user': 'A valid token for a contact Dynamics 365 does not know: 401 "UserId not found".',
  bearer: 'getAuthToken resolves with "Bearer <token>": the header carries the prefix and the service answers 401.',
  empty: 'getAuthToken resolves with an empty string: the SDK refuses to start and sends nothing.',
  context:
    'A good token, and startChat({ customContext }): the conversation call sends the context beside the token, ' +
    'whose lwicontexts the work stream reads instead (inferred from field reports).',
};

/**
 * A custom widget's page: the site's own chat built on Microsoft's npm Chat SDK, which calls
 * Omnichannel (this server) from the page itself. Opened on localhost, a host the extension may access.
 */
export function customPage(scenario: string, site: Site) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custom widget: ${attr(scenario)}</title>
<script>window.__tokens = ${scriptJson(site.tokens)};</script>
<script src="/chat-sdk-page.js" data-scenario="${attr(scenario)}" data-org-id="${ORG_ID}"></script>
</head><body><p><a href="${attr(site.origin)}/">All scenarios</a></p><h1>Custom widget (npm Chat SDK)</h1>
<p>Scenario: <b>${attr(scenario)}</b>. ${attr(CUSTOM_SCENARIOS[scenario] ?? '')}</p>
<p>Chat: <output id="status">starting</output></p></body></html>`;
}

/** What each scenario does, for the demo's scenario picker. */
export const DESCRIPTIONS: Record<string, string> = {
  valid: 'A good token, handed over synchronously: no error.',
  expired: 'The provider hands over a token that expired an hour ago: error 4.',
  xss: "HTML and script in the token's claims, kid and lwicontexts: shown as text, never run.",
  throws:
    "The provider throws: on v1 the exception reaches the page's call to setAuthTokenProvider; no error 2 is raised.",
  rejected: 'The provider is async and its promise rejects: error 3.',
  empty: 'The provider calls back with an empty string: error 3.',
  never: 'The provider never calls back: the v1 widget is handed undefined as soon as it returns (error 3).',
  later: 'The provider calls back after a fetch, asynchronously: error 3 on the v1 widget.',
  twice: 'The provider calls back twice.',
  'non-function': 'setAuthTokenProvider is given a string: the SDK throws.',
  'before-ready': 'The provider is registered before lcw:ready.',
  'client-function': 'The widget asks a client function (authClientFunction) for the token.',
  'client-function-missing': 'The configured client function does not exist: error 8.',
  portal: 'A Power Pages portal: auth.getAuthenticationToken calls back after fetching its token: fine on this route.',
  'portal-overlap':
    'A Power Pages portal asked twice at once: its one shared callback answers the second request twice.',
  'sdk-late': 'The SDK object appears late; registration still works.',
  'sdk-class': 'The SDK is a class instance.',
  'sdk-plain': 'The SDK is a plain object.',
  'sdk-stepwise': 'The namespace is built one level at a time.',
  'sdk-whole': 'The namespace is assigned whole.',
  'sdk-replaced': 'The SDK object is replaced after load.',
  'unknown-user': 'A valid token for a contact Dynamics 365 does not know: the service answers 401 "UserId not found".',
  'sub-changed': 'The second token names another user than the first.',
  'chat-map': 'The widget resumes a cached chat that belongs to another user: validateauthchatmaprecord fails.',
  'signin-optional': 'Sign-in optional: the provider hands over no token and the chat continues anonymously.',
  oauth: 'OAuth 2.0 authentication: the page hands over an authorization code, not a JWT.',
  'auth-code': 'OAuth 2.0 through setAuthCodeProvider: an authorization code, recorded but never analysed as a JWT.',
  outlived: 'The token lives 2 seconds; the chat still uses it 3 seconds later.',
  'portal-anonymous': 'A Power Pages visitor who is not signed in: the portal calls back ("", "Login Required").',
  'portal-misnamed':
    'The widget asks for auth.getAuthorizationToken (a name from blog posts); the portal defines ' +
    'auth.getAuthenticationToken.',
  flaky: 'The token service is not ready at first: the first registration throws, the retry works.',
  context: 'A context provider (setContextProvider) beside a token whose lwicontexts says something else.',
  race: 'The widget checks for a chat to reconnect before any token arrived: the call carries no token (401).',
  reconnect: 'The reconnect check is refused (403): a refresh or a second tab starts a new chat.',
};

/** The scenarios worth showing on v2, where the widget asks for the token when it needs one. */
export const V2_SCENARIOS = ['valid', 'later', 'empty', 'unknown-user', 'outlived', 'race', 'portal-anonymous'];
const V2_DESCRIPTIONS: Record<string, string> = {
  valid: 'A good token: the frame asks for it when the chat starts.',
  later: "An asynchronous callback (Microsoft's 'send the token when starting a chat' sample): fine on v2.",
  empty: 'The provider calls back with an empty string: error 3.',
  'unknown-user': 'The service answers 401 "UserId not found".',
  outlived: 'The token lives 2 seconds; v2 asks for a fresh one before closing the chat.',
  race: 'A reconnect check before the token arrived: it carries no token.',
  'portal-anonymous': 'A Power Pages visitor who is not signed in: the widget shows its AUTH SETUP ERROR pane.',
};

export function indexPage(site: Site) {
  const item = (href: string, name: string, text: string) =>
    `<li><a href="${attr(href)}">${attr(name)}</a>: ${attr(text)}</li>`;
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Widget simulator</title>
<style>body{font:14px system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 16px}li{margin:4px 0}</style>
<h1>Omnichannel widget simulator</h1>
<p>Each page below runs a simulated live chat widget whose token provider misbehaves in one way.
Open DevTools, choose the <b>LCW Auth</b> panel, then pick a scenario.</p>
<h2>v1 widget (verified behaviour)</h2>
<ul>${SCENARIOS.map(s => item(`/widget?scenario=${s}`, s, DESCRIPTIONS[s] ?? '')).join('')}</ul>
<h2>v2 widget (inferred: its host script is not public)</h2>
<ul>${V2_SCENARIOS.map(s => item(`/widget?scenario=${s}&mode=v2`, s, V2_DESCRIPTIONS[s] ?? '')).join('')}</ul>
<h2>Custom widget (Microsoft's npm Chat SDK, running in the page)</h2>
<p>Served from localhost: the extension sees a page's own calls to Omnichannel only on hosts it may access.</p>
<ul>${Object.entries(CUSTOM_SCENARIOS)
    .map(([s, text]) => item(`${site.frameOrigin}/custom?scenario=${s}`, s, text))
    .join('')}</ul>
<h2>Other pages</h2><ul>
${item('/framed?scenario=valid', 'widget inside an iframe', 'the valid scenario, one frame down.')}
${item('/plain', 'a page without the widget', 'what the panel says when there is nothing to see.')}</ul>`;
}
