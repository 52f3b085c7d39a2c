/** Each page-level rule of the session fires on its case and stays quiet on its near miss. */
import { describe, test, expect } from 'vitest';
import { assembleSession } from '../../src/analysis/session/session.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { RULE_IDS } from '../../src/analysis/index.js';
import {
  CONFIG,
  PERSISTENT,
  type SessionRule,
  T0,
  ask,
  auth,
  cb,
  cfg,
  contextProvider,
  emptyHandOff,
  end,
  expired,
  frame,
  got,
  healthy,
  inv,
  otherUser,
  pane,
  portalAsk,
  ready,
  reg,
  token,
  twice,
  widgetFrame,
} from '../helpers/events.js';

const CASES: Record<SessionRule, { fires: () => RecordedEvent[]; quiet: () => RecordedEvent[] }> = {
  'registration.non-function': {
    fires: () => [
      ready(),
      reg({ fn: false, arg: 'string', err: { n: 'Error', m: 'AuthTokenProvider is not a function' } }),
    ],
    quiet: healthy,
  },
  'registration.before-ready': {
    fires: () => [reg({ ready: false }), ready(), inv(), cb(token), end()],
    quiet: healthy,
  },
  'registration.none': { fires: () => [ready()], quiet: healthy },
  'registration.context-provider': {
    fires: () => [...contextProvider({ region: 'EU' }), ...healthy()],
    // Near miss: a context provider on a chat that never handed over a token (not authenticated).
    quiet: () => [ready(), ...contextProvider({ region: 'EU' })],
  },
  'invocation.not-signed-in': {
    fires: () => portalAsk('', 'Login Required'),
    // Near miss: an empty answer with no reason is a bare "empty token".
    quiet: () => portalAsk(''),
  },
  'invocation.portal-no-token': {
    fires: () => portalAsk(null),
    // Near miss: the same null off a portal is a bare "no token".
    quiet: () => portalAsk(null, undefined, false),
  },
  'invocation.async-callback': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    // Near miss: the same provider on v2, or on a page whose widget version was not seen.
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.async-callback-v2': {
    fires: () => [widgetFrame('v2'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.async-callback-unknown': {
    fires: () => [ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(), cb(token, false, 1, T0 + 900)],
  },
  'invocation.returned-without-callback': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end()],
    // Near miss: v2 waits for the callback; a client function is answered whenever it calls back.
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end()],
  },
  'invocation.token-cut': {
    fires: () => [
      ready(),
      reg(),
      inv(),
      cb({ o: 'cut', n: 2_000_000, t: 'a'.repeat(1_048_576), h: '0badf00d' }),
      end(),
    ],
    quiet: healthy,
  },
  'invocation.widget-got-nothing': {
    // v1: the host posts what the callback stored when the provider returned: nothing yet.
    fires: () => [ready(), reg(), inv(), end(), got(undefined, T0 + 5), cb(token, false, 1, T0 + 900)],
    quiet: () => [...healthy(), got(token, T0 + 5)],
  },
  'invocation.widget-got-previous': {
    // Each registration's message follows it: the second one carries the first one's token again.
    fires: () => [
      ...healthy(),
      got(token, T0 + 5),
      inv(2),
      end(2),
      got(token, T0 + 10),
      cb(otherUser, false, 2, T0 + 400),
    ],
    quiet: () => [
      ...healthy(),
      got(token, T0 + 5),
      inv(2),
      cb(otherUser, true, 2, T0 + 3),
      end(2),
      got(otherUser, T0 + 10),
    ],
  },
  'invocation.multiple-callbacks': { fires: () => [...healthy(), cb(token, true, 1, T0 + 3)], quiet: healthy },
  'invocation.no-callback': {
    fires: () => [ready(), reg(), inv(), end(), { k: 'timeout', at: T0 + 10_002, id: 1, frame }],
    quiet: () => [ready(), reg(), inv(), end()],
  },
  'invocation.threw': {
    fires: () => [ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
    // Near miss: the v1 host does not catch it, so no error 2 (the next rule).
    quiet: () => [widgetFrame('v1'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
  },
  'invocation.threw-v1': {
    fires: () => [widgetFrame('v1'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
    quiet: () => [widgetFrame('v2'), ready(), reg(), inv(), end(1, { n: 'TypeError', m: 'fetch failed' })],
  },
  'invocation.rejected': {
    fires: () => [ready(), reg(), inv(), end(), { k: 'rej', at: T0 + 5, id: 1, err: { n: 'Error', m: '401' }, frame }],
    quiet: healthy,
  },
  'invocation.shared-callback': {
    // Two requests at once; the function answers the newest callback twice (Power Pages' one variable).
    fires: () => [
      ready(),
      ask(1, T0 + 2),
      ask(2, T0 + 3),
      cb(token, false, 2, T0 + 40),
      cb(token, false, 2, T0 + 41),
      end(1),
      end(2),
    ],
    // Near miss: one after the other, each answered once.
    quiet: () => [ready(), ask(1, T0 + 2), cb(token, false, 1, T0 + 40), ask(2, T0 + 50), cb(token, false, 2, T0 + 90)],
  },
  'invocation.client-function-missing': {
    fires: () => [ready(), { k: 'req', at: T0 + 1, name: 'auth.getToken', found: false, frame }],
    quiet: () => [
      ready(),
      { k: 'req', at: T0 + 1, name: 'auth.getToken', found: true, frame },
      inv(1, 'fn'),
      cb(token, false),
      end(),
    ],
  },
  'config.oauth': {
    fires: () => [cfg(CONFIG({ msdyn_authenticationtype: 192350001 })), ...healthy()],
    quiet: () => [cfg(CONFIG()), ...healthy()],
  },
  'config.sign-in-optional': {
    fires: () => [cfg(CONFIG({}, { msdyn_authenticatedsigninoptional: 'true' })), ...emptyHandOff()],
    quiet: () => [cfg(CONFIG()), ...emptyHandOff()],
  },
  'config.persistent-without-auth': {
    fires: () => [cfg({ LiveWSAndLiveChatEngJoin: PERSISTENT }), ...healthy()],
    quiet: () => [cfg(CONFIG({}, PERSISTENT)), ...healthy()],
  },
  'config.unreadable': {
    fires: () => [cfg('{"LiveChatConfigAuthSettings": {"msdyn_auth'), ...healthy()],
    quiet: () => [cfg(CONFIG()), ...healthy()],
  },
  'auth.user-not-found': {
    fires: () => [...healthy(), auth('getchattoken', 401, '{"message":"UserId not found"}', token)],
    quiet: () => [...healthy(), auth('getchattoken', 200, '{"ChatId":"1"}', token)],
  },
  'auth.rejected': {
    fires: () => [...healthy(), auth('getchattoken', 401, 'Unauthorized', token)],
    // Near miss: a 403 is not the service refusing the token.
    quiet: () => [...healthy(), auth('getchattoken', 403, '{}', token)],
  },
  'auth.chat-map-mismatch': {
    fires: () => [
      ...healthy(),
      auth('validateauthchatmaprecord', 400, '{"message":"Chat map record does not belong to user"}', token),
    ],
    quiet: () => [...healthy(), auth('validateauthchatmaprecord', 200, '{}', token)],
  },
  'auth.reconnect-refused': {
    fires: () => [...healthy(), auth('reconnectablechats', 403, '{"message":"Reconnect disabled"}', token)],
    quiet: () => [...healthy(), auth('reconnectablechats', 200, '[]', token)],
  },
  'auth.custom-context': {
    fires: () => [...healthy(), { ...auth('conversation', 200, '', token), customContext: '{"region":"EU"}' }],
    // Near miss: the same context on a call without a token (an unauthenticated chat's start).
    quiet: () => [ready(), { ...auth('conversation', 200, '', null), customContext: '{"region":"EU"}' }],
  },
  'auth.no-token': {
    // The widget called before the provider answered (a race at page load).
    fires: () => [ready(), auth('sessioninit', 401, '', null, T0 + 1), reg(), inv(), cb(token), end()],
    // Near miss: the browser's CORS preflight never carries the header; the real call does.
    quiet: () => [
      ...healthy(),
      { ...auth('sessioninit', 204, '', null), method: 'OPTIONS' } as RecordedEvent,
      auth('sessioninit', 200, '', token, T0 + 11),
    ],
  },
  'auth.failed': {
    fires: () => [...healthy(), auth('sessioninit', 500, '<html>error</html>', token)],
    quiet: () => [...healthy(), auth('sessioninit', 200, '', token)],
  },
  'session.sub-changed': { fires: () => twice(token, otherUser), quiet: () => twice(token, token) },
  'session.stale-token-reused': { fires: () => twice(expired, expired), quiet: () => twice(token, token) },
  'session.intermittent-provider': {
    fires: () => [
      ready(),
      reg(),
      inv(),
      end(1, { n: 'TypeError', m: 'Failed to fetch' }),
      ...twice(token, token).slice(5),
    ],
    // Near miss: every invocation handed over a token.
    quiet: () => twice(token, token),
  },
  'widget.auth-setup-error': {
    fires: () => [...emptyHandOff(), pane('Chat authentication has failed.', 'AUTH SETUP ERROR')],
    quiet: () => [...emptyHandOff(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
  },
  'widget.unauthorized': {
    fires: () => [...healthy(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
    quiet: healthy,
  },
  'widget.error-pane': {
    fires: () => [...healthy(), pane('Chat authentication has failed.', 'Please try again later')],
    quiet: () => [...healthy(), pane('Chat authentication has failed.', 'UNAUTHORIZED')],
  },
  'widget.other-frame': {
    // An ad's frame (frame 5) with its own SDK, beside the page's healthy provider.
    fires: () => [...healthy(), { ...reg(), frame: 5 }, { ...inv(7), frame: 5 }],
    // Near miss: the same events from the page's own top frame are the page's.
    quiet: () => [...healthy(), reg(), inv(7)],
  },
  'session.chat-outlived-token': {
    fires: () => [...healthy(), auth('sessionclose', 200, '', token, T0 + 2 * 3600_000)],
    quiet: () => [...healthy(), auth('sessionclose', 200, '', token)],
  },
};

/** The tab's frames: the page, the widget's frame on Omnichannel's CDN, an ad. */
const FRAMES = {
  '0': 'https://shop.example/help',
  '1': 'https://oc-cdn-ocprod.azureedge.net/livechatwidget/WebChatControl/htmls/chat.html',
  '5': 'https://ads.example/banner?campaign=1',
};

const rulesOf = (events: RecordedEvent[]) => {
  const view = assembleSession(events, { frames: FRAMES });
  return [...view.findings, ...view.invocations.flatMap(i => i.findings)].map(f => f.rule);
};

describe('every page-level rule', () => {
  test('has cases in this table', () => {
    expect(Object.keys(CASES).sort()).toEqual(
      RULE_IDS.filter(id => /^(registration|invocation|config|auth|session|widget)\./.test(id)).sort(),
    );
  });
  for (const [rule, c] of Object.entries(CASES)) {
    test(`${rule} fires`, () => expect(rulesOf(c.fires())).toContain(rule));
    test(`${rule} stays quiet`, () => expect(rulesOf(c.quiet())).not.toContain(rule));
  }
});

describe("the widget's panes in a flood", () => {
  test('7,499 panes with distinct texts: one finding per kind, quoting the first and counting the rest', () => {
    const panes = Array.from({ length: 7499 }, (_, k) => ({
      ...pane('Chat authentication has failed.', `UNAUTHORIZED ${k}`),
      at: T0 + 50 + k,
    }));
    const view = assembleSession([...healthy(), ...panes], { frames: FRAMES });
    expect(view.findings.filter(f => f.rule.startsWith('widget.')).map(f => f.message)).toEqual([
      'The widget showed "Chat authentication has failed." with "UNAUTHORIZED 0": the service refused the ' +
        'token (and 7498 other panes like it).',
    ]);
  });
});
