/** The Omnichannel stand-in: the widget's configuration per scenario and the /auth/ endpoints. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, type JWTPayload } from 'jose';
import { CONTACT, type Site } from './site.js';

/**
 * The Omnichannel service as the widget meets it: its configuration (per scenario), and the
 * /auth/ endpoints, which verify the token with the site's key and know one contact.
 */
export async function service(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  site: Site,
  publicKey: CryptoKey,
  chatToken: string,
) {
  // The hosted widget's frame says its scenario in the query; a custom widget's SDK builds its own
  // URLs, so there the widget id names it (custom-<scenario>).
  const scenario = url.searchParams.get('scenario') ?? /\/custom-([\w-]+)/.exec(url.pathname)?.[1] ?? '';
  const json = (status: number, body: unknown) => {
    res.statusCode = status;
    // The service says why in a `message` response header (what the Chat SDK reads), and in the body.
    const message = (body as { message?: string }).message;
    if (message) res.setHeader('message', message);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (url.pathname.includes('/config/')) {
    return json(200, {
      // What the Chat SDK reads before it starts (empty settings: no masking, default language).
      DataMaskingInfo: { setting: {} },
      ChatWidgetLanguage: {},
      LiveChatConfigAuthSettings: {
        msdyn_authenticationtype: scenario === 'oauth' ? 192350001 : 192350000,
        msdyn_javascriptclientfunction:
          scenario === 'portal-misnamed'
            ? 'auth.getAuthorizationToken'
            : scenario === 'client-function-missing'
              ? 'auth.missingFunction'
              : scenario.startsWith('client-function') || scenario.startsWith('portal')
                ? 'auth.getAuthenticationToken'
                : null,
        msdyn_publickeyurl: `${site.origin}/keys/public.pem`,
      },
      LiveWSAndLiveChatEngJoin: {
        msdyn_conversationmode: '192350000',
        msdyn_enablechatreconnect: 'false',
        msdyn_authenticatedsigninoptional: scenario === 'signin-optional' ? 'true' : 'false',
      },
    });
  }
  const token = req.headers['authenticatedusertoken'];
  if (url.pathname.endsWith('/validateauthchatmaprecord')) {
    return scenario === 'chat-map'
      ? json(400, { message: 'The chat map record belongs to another user.' })
      : json(200, {});
  }
  if (scenario === 'oauth' || scenario === 'auth-code') return json(200, { ChatId: 'chat-1' });
  if (scenario === 'reconnect' && url.pathname.endsWith('/reconnectablechats'))
    return json(403, { message: 'Chat reconnect is not enabled for this widget.' });
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(String(token ?? ''), publicKey, { algorithms: ['RS256'] }));
  } catch {
    res.statusCode = 401;
    return res.end('Unauthorized');
  }
  if (claims.sub !== CONTACT) return json(401, { message: 'UserId not found' });
  if (url.pathname.endsWith('/conversation')) {
    // The Chat SDK's default start: the conversation and where its messages go. That chat service
    // (ACS) is not simulated: authentication is decided here, and the SDK stops at its address.
    return json(200, { ChatId: 'chat-1', Token: chatToken, RegionGtms: '{}', ACSEndpoint: 'https://localhost:1/' });
  }
  return json(200, { ChatId: 'chat-1' });
}
