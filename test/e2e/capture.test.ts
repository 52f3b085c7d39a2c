/**
 * The capture path and the panel in real Chromium and Firefox: every simulator scenario is run
 * with the extension (its record checked through the background, then the panel opened on its
 * tab and its report exported) and without it (what the page observed must be identical: the
 * hook is invisible).
 */
import { describe, test, expect } from 'vitest';
import { askBackground, type BrowserName, type TestBrowser } from '../helpers/browsers.js';
import { XSS } from '../helpers/site.js';
import { useDifferentialRig } from '../helpers/rig.js';
import {
  newestTabId,
  storedKeysOf,
  runScenario,
  tabIdOf,
  recordOf,
  readTab,
  quietRecordOf,
  current,
  allRules,
  type ScenarioRun,
  type TabAnswer,
} from '../helpers/record.js';
import { openPanel, waitForPanel, exportFromPanel, copyFromPanel, injectedMarkup } from '../helpers/panel.js';
import { sessionVerdict } from '../../src/analysis/report/verdict.js';
import { SessionAssembly } from '../../src/analysis/session/session.js';
import type { Report } from '../../src/analysis/report/report.js';
import { validateReport } from '../helpers/report-schema.js';
import type { SessionView } from '../../src/analysis/session/session.js';

interface Scenario {
  path: string;
  /** The record holds everything the scenario produces. */
  ready: (view: SessionView) => boolean;
  check: (view: SessionView, run: ScenarioRun) => void;
  /** What the panel's status line must say. */
  verdict: RegExp;
  /** Facts the status must show, beyond the generic ones. */
  facts?: Record<string, string | RegExp>;
}

const invocations = (n: number) => (view: SessionView) =>
  view.invocations.length === n && view.invocations.every(i => i.outcome !== 'pending');
const widgetError = (view: SessionView) => view.widgetErrors.map(e => e.errorCode);

/** One invocation (the registration: starting the chat does not ask again on v1), handing over a good token. */
const healthy = (view: SessionView) => {
  expect(view.route).toBe('setAuthTokenProvider');
  expect(view.invocations.map(i => [i.outcome, i.errorCode, i.callbackCount, i.callbackAsync])).toEqual([
    ['token', null, 1, false],
  ]);
  expect(view.registrations).toMatchObject([{ isFunction: true, beforeReady: false }]);
  expect(allRules(view).filter(r => !r.startsWith('header.kid'))).toEqual([]);
};

const SCENARIOS: Record<string, Scenario> = {
  valid: {
    verdict: /^Token accepted$/,
    facts: {
      Widget: 'found · v1 (its frame is chat.html) · in an iframe',
      'Org id': '0c7e5fd8-0000-4000-8000-0000000000b2',
      'Org URL': 'https://contoso.crm.dynamics.com',
      'Token route': 'setAuthTokenProvider',
      Provider: 'registered after lcw:ready',
      Invocations: '1 · no error: 1',
    },
    path: '/widget?scenario=valid',
    ready: invocations(1),
    check: view => {
      healthy(view);
      expect(view.widget).toEqual({
        detected: true,
        version: 'v1',
        kind: 'v1',
        kindEvidence: 'its frame is chat.html',
        orgId: '0c7e5fd8-0000-4000-8000-0000000000b2',
        appId: 'c6f5e8a1-0000-4000-8000-00000000a99',
        orgUrl: 'https://contoso.crm.dynamics.com',
        iframe: true,
        ready: true,
        portal: false,
        // Where the widget comes from: the hosts "Record this site" asks for with the site.
        // (the script's src as written: relative, so on the page's own host)
        sources: [
          '/widget-sdk.js',
          expect.stringMatching(/^http:\/\/localhost:\d+\/livechatwidget\/WebChatControl\/htmls\/chat\.html$/),
        ],
      });
      expect(view.invocations[0]!.analysis?.claims?.sub).toBe('87b4d06c-abc2-e811-a9b0-000d3a10e09e');
      // Seen in the widget's frame: the invocation's own token reached it.
      expect(view.invocations.map(i => [i.received?.via, i.received?.tokenOf])).toEqual([
        ['setAuthTokenProvider', '0:1'],
      ]);
      // The chat started with that token (a second call), without asking the provider again.
      expect(view.authCalls.map(c => [c.status, c.invocation])).toEqual([
        [200, '0:1'],
        [200, '0:1'],
      ]);
      expect(view.invocations[0]!.msToToken).toBeGreaterThanOrEqual(0);
    },
  },
  // The service's 401 is seen on the wire: the error is observed, the expiry is why.
  expired: {
    verdict:
      /^Error 4 \(the token is invalid\) observed: The widget raised lcw:error 4 \("[^"]+"\) \d+ ms after the provider was called\. getchattoken answered 401: the service refused this token \(2 calls\)\. Likely why: The token expired 1 hour ago/,
    facts: {
      Invocations: '1 · error 4 (the token is invalid): 1',
      'Widget errors': 'error 4 (the token is invalid) ×2',
    },
    path: '/widget?scenario=expired',
    ready: view => invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 2,
    check: view => {
      expect(view.invocations.map(i => i.errorCode)).toEqual([4]);
      expect(allRules(view)).toEqual(expect.arrayContaining(['time.expired', 'auth.rejected']));
    },
  },
  // An ad's frame with its own SDK hands over a good token after the page's expired one: not the widget's.
  'an ad with its own SDK beside an expired token': {
    verdict: /^Error 4 \(the token is invalid\) observed: The widget raised lcw:error 4/,
    facts: { Invocations: '1 · error 4 (the token is invalid): 1' },
    path: '/widget?scenario=expired&ad=1',
    ready: view =>
      invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 2 && view.otherFrames.length === 1,
    check: view => {
      expect(view.otherFrames).toEqual([
        expect.objectContaining({ origin: expect.stringMatching(/^http:\/\/localhost:\d+$/), registrations: 1 }),
      ]);
      expect(view.otherFrames[0]!.invocations).toBe(1);
      expect(view.findings.map(f => f.rule)).toContain('widget.other-frame');
    },
  },
  // v1 (verified): the exception goes to the page's call; no lcw:error 2; the chat then starts without a token.
  throws: {
    verdict:
      /^Error 3 \(no token was provided\) observed: The widget raised lcw:error 3 .*Likely why: The provider threw Error: "token service unavailable".*: it went to the page's call/,
    facts: { 'Widget errors': 'error 3 (no token was provided)' },
    path: '/widget?scenario=throws',
    ready: view => invocations(1)(view) && view.widgetErrors.length === 1,
    check: (view, run) => {
      expect(view.invocations.map(i => [i.outcome, i.errorCode, i.threw?.m])).toEqual([
        ['threw', null, 'token service unavailable'],
      ]);
      expect(allRules(view)).toContain('invocation.threw-v1');
      expect(run.observed).toContain('setAuthTokenProvider threw token service unavailable');
      expect(widgetError(view)).toEqual([3]);
    },
  },
  rejected: {
    verdict:
      /^Error 3 \(no token was provided\) observed: The widget raised lcw:error 3 .* Likely why: The provider's promise was rejected/,
    path: '/widget?scenario=rejected',
    ready: view => invocations(1)(view) && view.invocations.every(i => i.rejected),
    check: (view, run) => {
      expect(view.invocations.map(i => [i.outcome, i.errorCode, i.rejected?.m])).toEqual([
        ['rejected', 3, '401 from token service'],
      ]);
      expect(allRules(view)).toContain('invocation.rejected');
      // Watching the promise must not have handled it: the page still saw it go unhandled.
      expect(run.observed).toContain('unhandledrejection 401 from token service');
    },
  },
  empty: {
    verdict:
      /^Error 3 \(no token was provided\) observed: The widget raised lcw:error 3 .* Likely why: The provider called back with an empty string\.$/,
    facts: { 'Widget errors': 'error 3 (no token was provided) ×2' },
    path: '/widget?scenario=empty',
    ready: view => invocations(1)(view) && view.widgetErrors.length === 2,
    check: view => {
      // Raised when the token came, and again when the chat started with it.
      expect(view.invocations.map(i => [i.outcome, i.errorCode])).toEqual([['empty', 3]]);
      expect(widgetError(view)).toEqual([3, 3]);
    },
  },
  never: {
    verdict:
      /^Error 3 \(no token was provided\) observed: The widget raised lcw:error 3 .* Likely why: The provider returned without calling back/,
    path: '/widget?scenario=never',
    ready: invocations(1),
    check: view => {
      // v1 (its frame is chat.html): nothing was handed over when the provider returned; no 10 s wait.
      expect(view.invocations.map(i => [i.outcome, i.errorCode])).toEqual([['empty', 3]]);
      expect(allRules(view)).toContain('invocation.returned-without-callback');
      expect(allRules(view)).not.toContain('invocation.no-callback');
    },
  },
  later: {
    verdict:
      /^Error 3 \(no token was provided\) observed: The widget raised lcw:error 3 .* Likely why: The callback ran \d+ ms after the provider was called, after the provider had returned\.$/,
    path: '/widget?scenario=later',
    ready: view =>
      invocations(1)(view) && view.invocations.every(i => i.callbackCount === 1) && view.widgetErrors.length === 2,
    check: view => {
      expect(view.invocations.map(i => [i.outcome, i.callbackAsync, i.errorCode])).toEqual([['token', true, 3]]);
      expect(view.invocations[0]!.msToToken).toBeGreaterThanOrEqual(40);
      expect(allRules(view)).toContain('invocation.async-callback');
      expect(widgetError(view)).toEqual([3, 3]);
    },
  },
  twice: {
    verdict: /The callback ran 2 times for this invocation/,
    path: '/widget?scenario=twice',
    ready: invocations(1),
    check: view => {
      expect(view.invocations.map(i => i.callbackCount)).toEqual([2]);
      expect(allRules(view)).toContain('invocation.multiple-callbacks');
    },
  },
  'non-function': {
    verdict: /^setAuthTokenProvider was called with a value of type string/,
    facts: { Provider: 'set to a string, not a function', Invocations: '0' },
    path: '/widget?scenario=non-function',
    ready: view => view.registrations.length === 1,
    check: view => {
      expect(view.registrations).toMatchObject([
        { isFunction: false, argumentType: 'string', error: { m: 'customerFunction is not a function' } },
      ]);
      expect(view.invocations).toEqual([]);
      expect(allRules(view)).toContain('registration.non-function');
    },
  },
  'before-ready': {
    verdict: /^Token accepted$/,
    facts: { Provider: 'registered before lcw:ready' },
    path: '/widget?scenario=before-ready',
    ready: view => invocations(1)(view) && view.widget.ready,
    check: view => {
      expect(view.registrations).toMatchObject([{ isFunction: true, beforeReady: true }]);
      expect(allRules(view)).toContain('registration.before-ready');
    },
  },
  'client-function': {
    verdict: /^Token accepted$/,
    facts: { 'Token route': 'clientFunction', Provider: 'client function (widget asks the page)' },
    path: '/widget?scenario=client-function',
    ready: view => view.invocations.length === 1 && view.invocations[0]!.outcome === 'token',
    check: view => {
      expect(view.route).toBe('clientFunction');
      expect(view.invocations[0]).toMatchObject({
        route: 'clientFunction',
        functionName: 'auth.getAuthenticationToken',
        outcome: 'token',
        callbackAsync: true,
        errorCode: null,
      });
      expect(allRules(view)).not.toContain('invocation.async-callback');
    },
  },
  'client-function-missing': {
    verdict: /auth\.missingFunction/,
    // v1 (verified): the host raises lcw:error with the raw TypeError, not {errorCode: 8}.
    facts: { 'Widget errors': 'no code' },
    path: '/widget?scenario=client-function-missing',
    ready: view => view.findings.length > 0 && view.widgetErrors.length > 0,
    check: view => {
      expect(allRules(view)).toContain('invocation.client-function-missing');
      expect(view.widgetErrors.map(e => [e.errorCode, e.description])).toEqual([
        [null, expect.stringMatching(/TypeError: authFunc is not a function/)],
      ]);
    },
  },
  // Power Pages: the portal's client function calls back after a fetch, which this route allows.
  portal: {
    verdict: /^Token accepted$/,
    facts: {
      Widget: 'found · v1 (its frame is chat.html) · on a Power Pages portal · in an iframe',
      'Token route': 'clientFunction',
    },
    path: '/widget?scenario=portal',
    ready: view => view.invocations.length === 1 && view.invocations[0]!.outcome === 'token',
    check: view => {
      expect(view.widget.portal).toBe(true);
      expect(view.invocations[0]).toMatchObject({
        route: 'clientFunction',
        functionName: 'auth.getAuthenticationToken',
        callbackAsync: true,
        errorCode: null,
      });
    },
  },
  // Asked twice at once, the portal's one shared callback answers the second request twice.
  'portal-overlap': {
    verdict: /^Problem: Invocation #1 got no answer and this one got 2: "auth\.getAuthenticationToken" keeps one/,
    path: '/widget?scenario=portal-overlap',
    ready: view => view.invocations.length === 2 && view.invocations[1]!.callbackCount === 2,
    check: view => {
      expect(view.invocations.map(i => i.callbackCount)).toEqual([0, 2]);
      expect(view.invocations[1]!.findings.map(f => f.rule)).toEqual(
        expect.arrayContaining(['invocation.shared-callback', 'invocation.multiple-callbacks']),
      );
    },
  },
  'sdk-late': { verdict: /^Token accepted$/, path: '/widget?scenario=sdk-late', ready: invocations(1), check: healthy },
  'sdk-class': {
    verdict: /^Token accepted$/,
    path: '/widget?scenario=sdk-class',
    ready: invocations(1),
    check: healthy,
  },
  'sdk-plain': {
    verdict: /^Token accepted$/,
    path: '/widget?scenario=sdk-plain',
    ready: invocations(1),
    check: healthy,
  },
  'sdk-stepwise': {
    verdict: /^Token accepted$/,
    path: '/widget?scenario=sdk-stepwise',
    ready: invocations(1),
    check: healthy,
  },
  'sdk-whole': {
    verdict: /^Token accepted$/,
    path: '/widget?scenario=sdk-whole',
    ready: invocations(1),
    check: healthy,
  },
  'sdk-replaced': {
    verdict: /^Token accepted$/,
    path: '/widget?scenario=sdk-replaced',
    ready: invocations(1),
    check: healthy,
  },
  // DevTools closed: the service's answer is seen on the wire (the background's webRequest).
  'unknown-user': {
    verdict:
      /^Error 4 \(the token is invalid\) observed: The widget raised lcw:error 4 .* getchattoken answered 401: "UserId not found": no active contact has the id "00000000-dead/,
    path: '/widget?scenario=unknown-user',
    ready: view => invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 2,
    check: view => {
      expect(view.invocations[0]!.analysis?.claims?.sub).toBe('00000000-dead-beef-0000-000000000000');
      expect(view.authCalls.map(c => [c.status, c.message, c.seenBy])).toEqual([
        [401, 'UserId not found', 'wire'],
        [401, 'UserId not found', 'wire'],
      ]);
    },
  },
  'sub-changed': {
    // Registered twice; the second token's contact is unknown to the service: its 401, seen on the wire, comes first.
    verdict:
      /^Error 4 \(the token is invalid\) observed: The widget raised lcw:error 4 .* getchattoken answered 401: "UserId not found"/,
    path: '/widget?scenario=sub-changed',
    ready: view => invocations(2)(view) && view.authCalls.filter(c => c.invocation).length === 3,
    check: view => {
      expect(view.invocations.map(i => i.findings.some(f => f.rule === 'session.sub-changed'))).toEqual([false, true]);
      // The chat starts with the newest token the widget has.
      expect(view.authCalls.map(c => [c.status, c.invocation])).toEqual([
        [200, '0:1'],
        [401, '0:2'],
        [401, '0:2'],
      ]);
    },
  },
  'chat-map': {
    verdict: /^Problem: validateauthchatmaprecord answered 400/,
    path: '/widget?scenario=chat-map',
    ready: view => invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 4,
    check: view => {
      // Registration and start chat: the same answer twice, said once.
      const mismatch = view.invocations[0]!.findings.filter(f => f.rule === 'auth.chat-map-mismatch');
      expect(mismatch.map(f => f.message)).toEqual([expect.stringMatching(/\(2 calls\)\.$/)]);
    },
  },
  'signin-optional': {
    // Without DevTools the configuration (sign-in optional) is not seen: judged as any empty token.
    verdict:
      /^Error 3 \(no token was provided\) observed in the widget's frame: The widget received an empty string \(the setAuthTokenProvider message\)\. Likely why: The provider called back with an empty string\.$/,
    facts: { 'Widget errors': 'none' },
    path: '/widget?scenario=signin-optional',
    ready: invocations(1),
    check: view => expect(view.widgetErrors).toEqual([]),
  },
  oauth: {
    verdict: /^Error 4 \(the token is invalid\) expected/,
    path: '/widget?scenario=oauth',
    ready: invocations(1),
    check: view => expect(view.invocations.map(i => i.outcome)).toEqual(['token']),
  },
  'auth-code': {
    verdict: /^Provider handed over a token$/,
    facts: { 'Token route': 'setAuthCodeProvider' },
    path: '/widget?scenario=auth-code',
    ready: invocations(1),
    check: view => {
      expect(view.route).toBe('setAuthCodeProvider');
      expect(view.registrations).toMatchObject([{ method: 'setAuthCodeProvider', isFunction: true }]);
      // An authorization code: recorded, never analysed as a JWT, no error predicted.
      expect(view.invocations.map(i => [i.route, i.outcome, i.errorCode, i.analysis])).toEqual([
        ['setAuthCodeProvider', 'token', null, null],
      ]);
    },
  },
  // The chat closes with the token 3 s later, after it expired: the service refuses it then.
  outlived: {
    verdict:
      /^Error 4 \(the token is invalid\) observed: The widget raised lcw:error 4 .* sessionclose answered 401: the service refused this token \(2 calls\)\.$/,
    path: '/widget?scenario=outlived',
    ready: view => invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 4,
    check: view => {
      expect(view.invocations.map(i => i.outcome)).toEqual(['token']);
      expect(allRules(view)).toContain('session.chat-outlived-token');
    },
  },
  // v2 (inferred): the frame asks for the provider's token when the chat starts and waits for it.
  'v2: an asynchronous provider works': {
    verdict: /^Token accepted/,
    facts: { Widget: 'found · v2 (its frame is chatv2.html) · in an iframe' },
    path: '/widget?scenario=later&mode=v2',
    ready: view =>
      invocations(1)(view) && view.invocations[0]!.received !== undefined && view.authCalls.some(c => c.invocation),
    check: view => {
      expect([view.widget.kind, view.widget.kindEvidence]).toEqual(['v2', 'its frame is chatv2.html']);
      const only = view.invocations[0]!;
      expect([only.outcome, only.callbackAsync, only.errorCode]).toEqual(['token', true, null]);
      expect(only.findings.map(f => f.rule)).toContain('invocation.async-callback-v2');
      expect([only.received?.via, only.received?.tokenOf]).toEqual(['authTokenResponse', only.key]);
      expect(view.authCalls.map(c => [c.status, c.invocation])).toEqual([[200, only.key]]);
      expect(view.widgetErrors).toEqual([]);
      expect(view.clientFunctionFound).toBeNull();
    },
  },
  'v2: the token is asked for again once it expired': {
    verdict: /.+/,
    path: '/widget?scenario=outlived&mode=v2',
    // The v2 widget shows its UNAUTHORIZED pane for the refused sessionclose: in the record before it is judged.
    ready: view =>
      invocations(2)(view) && view.authCalls.filter(c => c.invocation).length === 2 && view.panes.length === 1,
    check: view => {
      expect(view.invocations.map(i => i.received?.via)).toEqual(['authTokenResponse', 'authTokenResponse']);
      expect(view.authCalls.map(c => c.endpoint)).toEqual(['getchattoken', 'sessionclose']);
      // The provider handed over the same short-lived token again: the chat outlived it.
      expect(allRules(view)).toContain('session.chat-outlived-token');
    },
  },
  // --- What field reports describe (issue 13) ---------------------------------------------------
  flaky: {
    verdict: /^Token accepted/,
    path: '/widget?scenario=flaky',
    ready: invocations(2),
    check: view => {
      expect(view.invocations.map(i => i.outcome)).toEqual(['threw', 'token']);
      expect(view.findings.filter(f => f.rule === 'session.intermittent-provider').map(f => f.message)).toEqual([
        '1 invocation failed (#1 threw Error) and 1 handed over a token (#2): the provider fails only sometimes.',
      ]);
    },
  },
  context: {
    verdict: /^Token accepted/,
    path: '/widget?scenario=context',
    ready: view => invocations(1)(view) && view.context?.calls[0]?.returned !== undefined,
    check: (view, run) => {
      expect(run.observed).toContain("getContextProvider is the page's own: true");
      expect(view.context).toMatchObject({
        registrations: [{ isFunction: true, argumentType: 'function' }],
        calls: [{ returned: { region: 'EU', msdyn_cartvalue: '999' } }],
      });
      // The context provider's call is not a token invocation.
      expect(view.invocations.map(i => i.route)).toEqual(['setAuthTokenProvider']);
      expect(view.findings.find(f => f.rule === 'registration.context-provider')?.message).toMatch(
        /^setContextProvider's provider returned \{"region":"EU","msdyn_cartvalue":"999"\} \(call #\d+\); the token the chat uses has (no )?lwicontexts/,
      );
    },
  },
  'race: a reconnect check before the token': {
    verdict: /^Token accepted\. On the page: POST reconnectablechats went out with no AuthenticatedUserToken/,
    path: '/widget?scenario=race',
    ready: view => invocations(1)(view) && view.authCalls.some(c => c.endpoint === 'reconnectablechats'),
    check: view => {
      expect(view.findings.filter(f => f.rule === 'auth.no-token').map(f => f.message)).toEqual([
        expect.stringMatching(
          /^POST reconnectablechats went out with no AuthenticatedUserToken header \(answered 401\); \d+ (ms|seconds) before the provider's first token: the widget asked before the token arrived\.$/,
        ),
      ]);
    },
  },
  'reconnect refused': {
    verdict: /^Problem: reconnectablechats answered 403: "Chat reconnect is not enabled for this widget\."/,
    path: '/widget?scenario=reconnect',
    // The v1 frame uses its token twice: when it is handed over, and when the chat starts.
    ready: view => invocations(1)(view) && view.authCalls.filter(c => c.invocation).length === 4,
    check: view => {
      expect(allRules(view)).toContain('auth.reconnect-refused');
    },
  },
  'Power Pages: a visitor who is not signed in': {
    verdict: /the visitor is not signed in/,
    path: '/widget?scenario=portal-anonymous',
    ready: view => invocations(1)(view) && view.invocations[0]!.callbacks.length === 1,
    check: view => {
      const only = view.invocations[0]!;
      expect([only.outcome, only.errorCode, only.callbacks[0]!.reason]).toEqual(['empty', 3, 'Login Required']);
      expect(only.findings.map(f => f.rule)).toEqual(['invocation.not-signed-in']);
    },
  },
  'Power Pages: the widget asks for auth.getAuthorizationToken': {
    verdict: /did you mean "auth\.getAuthenticationToken" \(Power Pages' own\)\?$/,
    path: '/widget?scenario=portal-misnamed',
    ready: view => view.findings.length > 0 && view.widgetErrors.length > 0,
    check: view => {
      expect(view.widget.portal).toBe(true);
      expect(view.findings.map(f => f.rule)).toContain('invocation.client-function-missing');
    },
  },
  'v2: the widget says AUTH SETUP ERROR': {
    verdict: /the visitor is not signed in/,
    path: '/widget?scenario=portal-anonymous&mode=v2',
    ready: view => invocations(1)(view) && view.panes.length === 1,
    check: view => {
      expect(view.panes.map(p => [p.title, p.text])).toEqual([['Chat authentication has failed.', 'AUTH SETUP ERROR']]);
      expect(view.findings.map(f => f.rule)).toContain('widget.auth-setup-error');
      // Read in the widget's frame, not the page's.
      expect(view.panes[0]!.frame).not.toBe(view.invocations[0]!.frame);
    },
  },
  'v2: the widget says UNAUTHORIZED': {
    verdict: /UserId not found/,
    path: '/widget?scenario=unknown-user&mode=v2',
    ready: view => invocations(1)(view) && view.panes.length === 1 && view.authCalls.some(c => c.invocation),
    check: view => {
      expect(view.panes.map(p => p.text)).toEqual(['UNAUTHORIZED']);
      expect(allRules(view)).toEqual(expect.arrayContaining(['widget.unauthorized', 'auth.user-not-found']));
    },
  },
  'v2: a reconnect check before the token': {
    verdict: /^Token accepted\. On the page: POST reconnectablechats went out with no AuthenticatedUserToken/,
    path: '/widget?scenario=race&mode=v2',
    ready: view => invocations(1)(view) && view.authCalls.some(c => c.endpoint === 'reconnectablechats'),
    check: view => {
      expect(view.findings.map(f => f.rule)).toContain('auth.no-token');
    },
  },
  'widget in an iframe': {
    verdict: /^Token accepted$/,
    facts: { Widget: /in an iframe/ },
    path: '/framed?scenario=valid',
    ready: invocations(1),
    check: view => {
      healthy(view);
      expect(view.invocations.every(i => i.frame !== 0)).toBe(true);
    },
  },
  'HTML and script in the token': {
    verdict: /.+/,
    path: '/widget?scenario=xss',
    ready: invocations(1),
    check: (view, run) => {
      expect(run.xss).toBeUndefined();
      expect(view.invocations[0]!.analysis?.claims?.iss).toBe(XSS);
      expect(view.invocations[0]!.analysis?.header?.kid).toBe(XSS);
    },
  },
};

/**
 * The panel on the scenario's tab: its status line, facts and timeline agree with the engine's
 * judgement of the record; nothing from the page became markup; the exported report is valid
 * and holds the same invocations; the copied summary says the same verdict.
 */
async function checkPanel(tb: TestBrowser, tabId: number, record: TabAnswer, scenario: Scenario) {
  const session = record.sessions.at(-1)!;
  const view = session.view;
  // The panel judges every invocation before its headline says what failed before the newest.
  const assembly = new SessionAssembly(session.events, { nowMs: Date.now(), frames: session.frames });
  assembly.invocations();
  const expected = sessionVerdict(assembly);
  const page = await openPanel(tb, tabId);
  try {
    const shown = await waitForPanel(
      page,
      text => text.verdict === expected.text && !text.facts.Invocations?.includes('judging'),
    );
    expect(shown.verdict).toMatch(scenario.verdict);
    expect(shown.facts).toMatchObject({ 'Token route': view.route ?? 'none seen', ...scenario.facts });
    expect(shown.facts.Invocations).toMatch(new RegExp(`^${view.invocations.length}\\b`));
    // The panel shows at most the record's timeline; it may have read a later event than `record` held.
    const latest = current(await readTab(page, tabId));
    expect(shown.rows.length).toBeLessThanOrEqual(Math.max(view.timeline.length, latest.timeline.length));
    expect(shown.rows[0]).toContain(view.timeline[0]!.text);
    if (view.invocations.length > 0)
      expect(shown.detail).toContain(`Invocation #${view.invocations.at(-1)!.key.split(':')[1]}`);
    expect(await injectedMarkup(page)).toEqual([]);

    const { name, text } = await exportFromPanel(page);
    expect(name).toMatch(/^lcw-auth-report-127\.0\.0\.1_\d+-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    const report = JSON.parse(text) as Report;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.invocations.map(i => [i.id, i.outcome, i.errorCode])).toEqual(
      view.invocations.map(i => [i.key, i.outcome, i.errorCode]),
    );
    // The page's findings travel with the report, the new ones of each scenario included.
    expect(report.findings.map(f => [f.rule, f.message])).toEqual(view.findings.map(f => [f.rule, f.message]));
    expect(report.tokensIncluded).toBe(false);
    for (const invocation of view.invocations) {
      const signature = invocation.analysis?.token?.split('.')[2];
      if (signature) expect(text).not.toContain(signature);
    }
    const summary = await copyFromPanel(page);
    expect(summary.text).toContain(`| Invocations | ${view.invocations.length}`);
    // The summary and the panel share one verdict function: they say the same.
    expect(summary.text.replace(/\\/g, '')).toContain(shown.verdict);
  } finally {
    await page.close();
  }
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useDifferentialRig(name);
    let runs = 0;

    for (const [title, scenario] of Object.entries(SCENARIOS)) {
      test(title, async () => {
        // Both runs name one run, so a token the simulator mints on request is the same in both.
        const path = `${scenario.path}${scenario.path.includes('?') ? '&' : '?'}run=${name}-${++runs}`;
        const [run, plain] = await Promise.all([
          runScenario(rig.tb, rig.site.origin, path),
          runScenario(rig.without, rig.site.origin, path),
        ]);
        try {
          // The differential: the page observes exactly the same with and without the extension.
          expect(run.observed).toEqual(plain.observed);
          const tabId = await tabIdOf(rig.helper, `${rig.site.origin}${scenario.path.split('?')[0]}`);
          const record = await quietRecordOf(rig.helper, tabId, r => scenario.ready(current(r)));
          scenario.check(current(record), run);
          await checkPanel(rig.tb, tabId, record, scenario);
        } finally {
          await Promise.all([run.page.close(), plain.page.close()]);
        }
      });
    }

    test('a hostile page cannot read, forge or replay into the record', async () => {
      const run = await runScenario(rig.tb, rig.site.origin, '/widget?scenario=valid&hostile');
      try {
        const view = current(
          await recordOf(rig.helper, await tabIdOf(rig.helper, `${rig.site.origin}/widget`), r =>
            invocations(1)(current(r)),
          ),
        );
        healthy(view);
        expect(
          await run.page.evaluate(() => (window as unknown as { __stolePort?: boolean }).__stolePort),
        ).toBeUndefined();
        expect(
          await run.page.evaluate(() => (window as unknown as { __resent: number }).__resent),
        ).toBeGreaterThanOrEqual(20);
        // Exactly the real events: nothing forged (id 999), no request the widget did not make.
        expect(view.timeline.filter(t => t.kind === 'inv').map(t => t.invocation)).toEqual(['0:1']);
        expect(view.timeline.filter(t => t.kind === 'req')).toEqual([]);
        expect(view.timeline.filter(t => t.kind === 'cb')).toHaveLength(1);
      } finally {
        await run.page.close();
      }
    });

    test('a page without the widget costs the background nothing: no message, nothing stored', async () => {
      const page = await rig.tb.browser.newPage();
      try {
        await page.goto(`${rig.site.origin}/plain`);
        const tabId = await newestTabId(rig.helper);
        // Time for a message that should not come (the relay would send at once).
        await new Promise(resolve => setTimeout(resolve, 500));
        expect(await storedKeysOf(rig.helper, tabId)).toEqual([]);
        expect((await askBackground(rig.helper, { type: 'list-tabs' })).map(t => t.tabId)).not.toContain(tabId);
        // The same tab then shows the widget: recorded from its first event on.
        await page.goto(`${rig.site.origin}/widget?scenario=valid`);
        const record = await recordOf(rig.helper, tabId, r => current(r).invocations.length === 1);
        expect(record.sessions.map(s => s.url)).toEqual([`${rig.site.origin}/widget`]);
      } finally {
        await page.close();
      }
    });
  });
}
