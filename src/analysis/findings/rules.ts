/**
 * The catalog of every finding the product can show. It is the single source of truth:
 * docs/findings.md is generated from it (`npm run docs`) and a test keeps the two in step.
 *
 * `errorCode` is the widget error a finding of this rule leads to (null: it does not block).
 *
 * Over 300 lines on purpose: one entry per rule, kept together so the catalog reads (and is
 * reviewed) as one document, in the order of docs/findings.md.
 */
export type Severity = 'error' | 'warning' | 'info';

/** The widget error a token (or an invocation) is expected to raise. 2 is only for invocations. */
export type WidgetErrorCode = 2 | 3 | 4 | 8;

/** The errors the engine predicts from findings (8, a missing client function, is a page finding). */
export type PredictedErrorCode = Exclude<WidgetErrorCode, 8>;

export interface RuleInfo {
  severity: Severity;
  errorCode: WidgetErrorCode | null;
  /** Short name for lists. */
  title: string;
  /** What it means, for docs/findings.md. */
  meaning: string;
  /** The default fix; a finding may give a more specific one. */
  fix: string;
}

const rule = (
  severity: Severity,
  errorCode: RuleInfo['errorCode'],
  title: string,
  meaning: string,
  fix: string,
): RuleInfo => ({ severity, errorCode, title, meaning, fix });

export const RULES = {
  // --- The value the provider handed over -------------------------------------------------
  'token.missing': rule(
    'error',
    3,
    'No token',
    'The provider called back with `undefined` or `null`. The widget treats this as "no token".',
    'Call the callback with the JWT string your token service returned, after it has arrived.',
  ),
  'token.not-string': rule(
    'error',
    4,
    'Token is not a string',
    'The provider called back with something other than a string (an object, a number, a Promise...). The ' +
      'widget needs the compact JWT string.',
    'Pass the JWT string itself, e.g. `callback(response.token)`, not the response object or a Promise.',
  ),
  'token.empty': rule(
    'error',
    3,
    'Empty token',
    'The provider called back with an empty or whitespace-only string. The widget treats this as "no token".',
    'Make sure the token service returned a token before calling the callback; log its response.',
  ),
  'token.bearer-prefix': rule(
    'error',
    4,
    '"Bearer " prefix',
    'The token starts with `Bearer `. The widget sends the value as-is in the `AuthenticatedUserToken` header, ' +
      'which takes the bare JWT.',
    'Strip the prefix: `callback(value.replace(/^Bearer\\s+/i, ""))`, or return the bare token from your service.',
  ),
  'token.quoted': rule(
    'error',
    4,
    'Token wrapped in quotes',
    'The token is wrapped in double quotes, usually because a JSON-encoded string (e.g. a response body read ' +
      'with `.text()`) was passed on.',
    'Parse the response as JSON (`await response.json()`) or remove the quotes before calling the callback.',
  ),
  'token.whitespace': rule(
    'warning',
    null,
    'Whitespace around the token',
    'The token starts or ends with spaces, tabs or a line break. It travels in the `AuthenticatedUserToken` ' +
      'header, and `fetch` and `XMLHttpRequest` strip exactly these from a header value, so the service ' +
      'still gets the token intact; code that compares or stores the value as given does not. Whitespace ' +
      'inside the token, or any other space character around it, is an error (see invalid characters).',
    'Trim the value: `callback(token.trim())`, and fix the service that adds the line break.',
  ),
  'token.invalid-characters': rule(
    'error',
    4,
    'Invalid characters',
    'The token contains control or non-ASCII characters, which a compact JWT never has and an HTTP header ' +
      'cannot carry.',
    'Pass the token exactly as the token service issued it; look for encoding or copy-paste damage.',
  ),
  'token.encrypted': rule(
    'error',
    4,
    'Encrypted token (JWE)',
    'The value has five segments: it is an encrypted JWT (JWE). Omnichannel needs a signed JWT (JWS) it can read.',
    'Issue a signed (RS256) JWT without encryption.',
  ),
  'token.segment-count': rule(
    'error',
    4,
    'Not a compact JWT',
    'A compact JWT has exactly three dot-separated segments: header, payload, signature.',
    'Pass the complete JWT; check that nothing truncated or concatenated it.',
  ),
  'token.base64url': rule(
    'error',
    4,
    'Bad base64url',
    'A segment contains characters outside the base64url alphabet (A-Z a-z 0-9 - _), standard base64 ' +
      'characters (+ / =), or has an impossible length.',
    'Encode each segment with base64url without padding, as every JWT library does; do not build tokens by hand.',
  ),
  'token.signature-empty': rule(
    'error',
    4,
    'Signature missing',
    'The signature segment is empty: the token is unsigned.',
    'Sign the token with your RSA private key (RS256).',
  ),
  'token.too-large': rule(
    'warning',
    null,
    'Very large token',
    'The token is large enough that proxies or servers may reject the HTTP header carrying it (limits of 8 to ' +
      '16 KB are common).',
    'Keep `lwicontexts` small and drop claims Omnichannel does not use.',
  ),
  'invocation.token-cut': rule(
    'warning',
    null,
    'Token too long to record whole',
    'The provider handed over a string longer than the 1 MiB the extension keeps of a handed value. The ' +
      'extension kept its length, its first 1 MiB and a fingerprint, and did not analyse it as a token. The ' +
      'widget got it whole; no HTTP header carries a value this long.',
    'Find out why the token service returns megabytes: a JWT for Omnichannel is a few KB.',
  ),
  // --- Header ------------------------------------------------------------------------------
  'header.not-json': rule(
    'error',
    4,
    'Header is not JSON',
    'The first segment does not decode to JSON text.',
    'Produce the token with a JWT library rather than by hand.',
  ),
  'header.not-object': rule(
    'error',
    4,
    'Header is not an object',
    'The header decodes to JSON that is not an object.',
    'Produce the token with a JWT library rather than by hand.',
  ),
  'header.alg-missing': rule(
    'error',
    4,
    'No algorithm',
    'The header has no `alg`, so the signature cannot be verified.',
    'Sign with RS256; JWT libraries set `alg` for you.',
  ),
  'header.alg-none': rule(
    'error',
    4,
    'Unsigned token (alg "none")',
    'The header says `alg: "none"`: the token is not signed and anyone could have forged it.',
    'Sign the token with your RSA private key using RS256.',
  ),
  'header.alg-hmac': rule(
    'error',
    4,
    'HMAC algorithm',
    'The token is signed with a shared secret (HS256/384/512). Omnichannel verifies tokens with the public key ' +
      'published at the public key URL, so it can only check RSA signatures.',
    'Sign with RS256 using the RSA private key whose public key is published at the public key URL.',
  ),
  'header.alg-ecdsa': rule(
    'error',
    4,
    'Elliptic-curve algorithm',
    'The token is signed with an elliptic-curve key (ES*/EdDSA). Omnichannel accepts RS256 only.',
    'Sign with RS256 using a 2048-bit (or larger) RSA key.',
  ),
  'header.alg-pss': rule(
    'error',
    4,
    'RSA-PSS algorithm',
    'The token is signed with RSA-PSS (PS*). Omnichannel expects RS256 (RSASSA-PKCS1-v1_5 with SHA-256), even ' +
      'with the same RSA key.',
    'Switch the signing algorithm to RS256; the key can stay.',
  ),
  'header.alg-unsupported': rule(
    'error',
    4,
    'Unsupported algorithm',
    'The header names an algorithm other than RS256.',
    'Sign with RS256.',
  ),
  'header.typ': rule(
    'warning',
    null,
    'Unexpected "typ"',
    'The header `typ` is not `JWT`.',
    'Set the header `typ` to `JWT` (most libraries do by default).',
  ),
  'header.typ-missing': rule(
    'info',
    null,
    'No "typ"',
    'The header has no `typ`. Microsoft\'s samples set `typ: "JWT"`.',
    'Set the header `typ` to `JWT`.',
  ),
  'header.kid-missing': rule(
    'info',
    null,
    'No "kid"',
    'The header has no `kid`. That is fine while the public key URL serves a single key; with several keys the ' +
      'service needs `kid` to pick one.',
    'Set `kid` in the header to the key id listed at the public key URL if you publish (or rotate to) several keys.',
  ),
  'header.crit': rule(
    'warning',
    null,
    '"crit" header',
    'The header has a `crit` parameter; a verifier that does not understand the listed extensions must reject ' +
      'the token.',
    'Remove `crit` from the header.',
  ),
  // --- Payload and claims -----------------------------------------------------------------
  'payload.not-json': rule(
    'error',
    4,
    'Payload is not JSON',
    'The second segment does not decode to JSON text.',
    'Produce the token with a JWT library rather than by hand.',
  ),
  'payload.not-object': rule(
    'error',
    4,
    'Payload is not an object',
    'The payload decodes to JSON that is not an object, so it has no claims.',
    'Put the claims (`iss`, `iat`, `exp`, `sub`, ...) in a JSON object.',
  ),
  'claims.missing': rule(
    'error',
    4,
    'Required claim missing',
    'Omnichannel requires the claims `iss`, `iat`, `exp` and `sub`.',
    'Add the missing claim when issuing the token.',
  ),
  'claims.type': rule(
    'error',
    4,
    'Claim of the wrong type',
    '`iss` and `sub` must be strings; `iat`, `exp` and `nbf` must be NumericDate numbers (seconds since 1970), ' +
      'not strings.',
    'Issue the claim with the right JSON type, e.g. `"exp": 1542625672` rather than `"exp": "1542625672"`.',
  ),
  'claims.sub-empty': rule(
    'error',
    4,
    'Empty "sub"',
    '`sub` is empty, so no contact can be matched.',
    'Set `sub` to the Dataverse contact (or account) id of the signed-in customer.',
  ),
  'claims.sub-not-guid': rule(
    'info',
    null,
    '"sub" is not a GUID',
    "`sub` should be the GUID of the signed-in customer's Dataverse contact (or account). Another " +
      'value will not match a record, and the customer is not identified (the chat still starts).',
    "Put the contact's id (e.g. `87b4d06c-abc2-e811-a9b0-000d3a10e09e`) in `sub`.",
  ),
  'claims.aud-present': rule(
    'info',
    null,
    '"aud" is ignored',
    'Omnichannel does not use `aud`; it is harmless.',
    'Nothing to do.',
  ),
  // --- Time ---------------------------------------------------------------------------------
  'time.expired': rule(
    'error',
    4,
    'Token expired',
    '`exp` is in the past by more than the allowed clock skew: the service rejects the token.',
    'Fetch a fresh token every time the provider is called instead of caching one.',
  ),
  'time.expired-within-skew': rule(
    'warning',
    null,
    'Token just expired',
    '`exp` is in the past, but within the clock skew a server usually tolerates. The v2 widget checks `exp` ' +
      'with no skew and will ask the page for a new token.',
    'Fetch a fresh token every time the provider is called.',
  ),
  'time.not-yet-valid': rule(
    'error',
    4,
    'Token not yet valid',
    '`nbf` is in the future by more than the allowed clock skew: the service rejects the token until then.',
    "Check the token server's clock; set `nbf` to the issue time (or omit it).",
  ),
  'time.issued-in-future': rule(
    'warning',
    null,
    'Issued in the future',
    '`iat` is in the future by more than the allowed clock skew, which points at a wrong clock on the token server.',
    "Synchronise the token server's clock (NTP) and set `iat` to the current time in seconds.",
  ),
  'time.exp-before-iat': rule(
    'error',
    4,
    'Expires before it was issued',
    '`exp` is not later than `iat`: the token was never valid.',
    'Set `exp` to `iat` plus the intended lifetime in seconds.',
  ),
  'time.milliseconds': rule(
    'error',
    4,
    'Timestamp in milliseconds',
    'A NumericDate has 13 digits: it holds milliseconds (JavaScript `Date.now()`), not seconds. The service ' +
      'reads it as a date thousands of years away.',
    'Divide by 1000: `Math.floor(Date.now() / 1000)`.',
  ),
  'time.milliseconds-v2': rule(
    'warning',
    null,
    'Timestamp in milliseconds (v2 widget)',
    'A NumericDate has 13 digits (milliseconds), on the v2 widget. The v2 widget reads a 13-digit `exp` as ' +
      'milliseconds and converts it when it decides whether to ask for a new token (shared facts); whether ' +
      'the service accepts such a token is not known: it may read it as a date thousands of years away. ' +
      'Inferred, not verified: the service answer on the wire (a 401 or not) settles it.',
    'Issue NumericDates in seconds: `Math.floor(Date.now() / 1000)`; every JWT library does.',
  ),
  'time.long-lifetime': rule(
    'warning',
    null,
    'Unusually long lifetime',
    'The token is valid for more than 24 hours; a leaked token stays usable for that long.',
    'Issue short-lived tokens (an hour or two) and let the provider fetch a fresh one each time.',
  ),
  'time.expires-soon': rule(
    'warning',
    null,
    'Expires soon',
    'The token expires within 30 minutes. The v2 widget asks the page for a token again later in the chat (end ' +
      'of chat, survey, transcript); a provider that returns this same token then causes 401 errors.',
    'Make the provider fetch a fresh token on every call, or issue tokens that outlive a long chat.',
  ),
  'time.portal-lifetime': rule(
    'info',
    null,
    'Short-lived Power Pages token (expected)',
    "The token expires within 30 minutes, on a Power Pages portal. The portal's tokens live 15 minutes by " +
      'default (60 at most), and its `auth.getAuthenticationToken` asks `/_services/auth/token` for a new ' +
      'one every time the widget asks, so a short lifetime is normal there.',
    'Nothing to do. If chats fail near the 15-minute mark, check that nothing caches the token between ' +
      "requests, or raise the portal's token lifetime (its implicit grant flow token expiration setting, at most " +
      '60 minutes).',
  ),
  // --- lwicontexts ---------------------------------------------------------------------------
  'contexts.absent': rule(
    'info',
    null,
    'No custom context',
    'The token has no `lwicontexts` claim, so no context variables are set from it. That is fine if the work ' +
      'stream does not rely on them.',
    'Add `lwicontexts` (a JSON string) if routing or the agent needs context variables.',
  ),
  'contexts.not-string': rule(
    'error',
    4,
    '"lwicontexts" is not a string',
    '`lwicontexts` must be a string holding serialized JSON. An object or array put directly in the claim is not read.',
    'Serialize it: `lwicontexts: JSON.stringify({ ... })`.',
  ),
  'contexts.invalid-json': rule(
    'error',
    4,
    '"lwicontexts" is not valid JSON',
    'The `lwicontexts` string does not parse as JSON.',
    'Build the string with `JSON.stringify` rather than by concatenation.',
  ),
  'contexts.double-serialized': rule(
    'error',
    4,
    '"lwicontexts" serialized twice',
    'The `lwicontexts` string parses to another string that holds the JSON: it was serialized twice.',
    'Call `JSON.stringify` once on the context object.',
  ),
  'contexts.not-object': rule(
    'error',
    4,
    '"lwicontexts" is not an object',
    'The `lwicontexts` JSON is not an object of key/value pairs.',
    'Serialize an object: `JSON.stringify({ "msdyn_cartvalue": "10000" })`.',
  ),
  'contexts.value-type': rule(
    'error',
    4,
    'Context value is not a primitive',
    'Each context value must be a primitive (string, number, boolean) or the `{ "value": ..., "isDisplayable": ' +
      '... }` form.',
    'Flatten nested objects or arrays into separate keys, or serialize them into a string.',
  ),
  'contexts.name-too-long': rule(
    'error',
    4,
    'Context name too long',
    'A context variable name is longer than 100 characters.',
    "Use names of at most 100 characters, matching the work stream's variables.",
  ),
  'contexts.value-too-long': rule(
    'error',
    4,
    'Context value too long',
    'A context value is longer than 4,000 characters.',
    'Keep values under 4,000 characters; send large data by another route.',
  ),
  'contexts.too-many': rule(
    'error',
    4,
    'Too many context variables',
    'More than 100 context variables are set; at most 100 are allowed per session.',
    'Send only the variables the work stream uses.',
  ),
  'contexts.unknown-key': rule(
    'warning',
    null,
    'Unknown context variable',
    "A key is not among the work stream's context variables. Keys must match exactly " +
      '(case-sensitive); an unknown key is created at run time as a text variable and routing rules do ' +
      'not see it.',
    "Rename the key to the variable's exact name, or add the variable to the work stream.",
  ),
  'contexts.case-mismatch': rule(
    'warning',
    null,
    'Context variable case mismatch',
    'A key matches a configured variable except for letter case. Names are case-sensitive, so the configured ' +
      'variable stays empty.',
    'Use the exact spelling of the configured variable.',
  ),
  'contexts.not-numeric': rule(
    'warning',
    null,
    'Number variable with a non-numeric value',
    'A variable of type Number received a value that is not a number, so routing rules comparing it fail.',
    'Send a number, or a string of digits such as `"10000"`.',
  ),
  'contexts.missing-variable': rule(
    'info',
    null,
    'Configured variable not sent',
    'A context variable configured on the work stream is not in the token, so it stays empty for this chat.',
    'Add it to `lwicontexts` if routing or the agent relies on it.',
  ),
  // --- Key and signature ---------------------------------------------------------------------
  'signature.verified': rule(
    'info',
    null,
    'Signature verified',
    'The signature checks out with the public key given.',
    'Nothing to do: make sure the same key is the one at the public key URL configured in Omnichannel.',
  ),
  'signature.invalid': rule(
    'error',
    4,
    'Signature invalid',
    'The signature does not match the public key given: the token was signed with another key, or altered ' +
      'after signing.',
    'Sign with the private key that belongs to the public key published at the public key URL.',
  ),
  'signature.no-matching-key': rule(
    'error',
    4,
    'No key for this "kid"',
    "The key document has no key with the token's `kid`.",
    'Publish the key with that `kid`, or sign with a key that is published.',
  ),
  'signature.kid-required': rule(
    'error',
    4,
    'Several keys but no "kid"',
    'The key document lists several keys and the token has no `kid`, so the service cannot tell which one to use.',
    'Set `kid` in the token header to the id of the signing key.',
  ),
  'signature.key-expired': rule(
    'error',
    4,
    'Key entry expired',
    'The matching entry of the Omnichannel key list has an `expiry` in the past.',
    'Publish the key with a future `expiry`, or sign with a current key.',
  ),
  'signature.weak-key': rule(
    'error',
    4,
    'RSA key too small',
    'The RSA key is shorter than 2048 bits; RS256 verifiers refuse such keys.',
    'Generate a 2048-bit (or larger) RSA key pair and publish its public key.',
  ),
  'signature.not-checked': rule(
    'info',
    null,
    'Signature not checked',
    'The signature was not checked, because the token cannot be verified as RS256 or because the key cannot be used.',
    'Fix the other findings first, then verify again.',
  ),
  'key.unusable': rule(
    'error',
    null,
    'Not a usable public key',
    'What was given as the public key is not one of the accepted forms: a PEM `PUBLIC KEY` block, the ' +
      'Omnichannel key list, a JWK or a JWKS.',
    'Give the content of the public key URL configured in Omnichannel; it must serve a PEM `-----BEGIN PUBLIC ' +
      'KEY-----` block or the key list.',
  ),
  'key.certificate': rule(
    'warning',
    null,
    'Certificate instead of public key',
    'The key was given as an X.509 certificate. It can be verified against, but the public key URL is expected ' +
      'to serve a `PUBLIC KEY` block.',
    'Publish the public key itself: `openssl x509 -in cert.pem -pubkey -noout`.',
  ),
  'key.private': rule(
    'error',
    null,
    'Private key published',
    'The key document contains private key material. Anyone who can read it can sign tokens as your site.',
    'Remove the private parts at once, publish only the public key, and rotate the key pair.',
  ),
  'key.jwks': rule(
    'info',
    null,
    'JWKS document',
    "The key was given as a JWK or JWKS. Omnichannel's public key URL does not read JWKS: it expects " +
      'a PEM `PUBLIC KEY` block or the Omnichannel key list.',
    'Serve the public key as PEM at the public key URL (export it with `jose.exportSPKI` or `openssl`).',
  ),
  'key.url-private-host': rule(
    'warning',
    null,
    'Public key URL on a private host',
    'The public key URL names a loopback, private-network or intranet-looking host. Omnichannel fetches the key ' +
      'from its own servers on the internet, so it cannot reach such a host, even if this browser can.',
    'Publish the key at a public https URL (on the portal: `<portal>/_services/auth/publickey`) and put that ' +
      'URL in the chat authentication settings.',
  ),
  'key.url-sign-in': rule(
    'error',
    null,
    'Public key URL leads to a sign-in page',
    'The public key URL answered with a sign-in page, or redirected to one. Omnichannel fetches the key ' +
      'anonymously: it gets the sign-in page, not a key.',
    'Serve the key without authentication (no sign-in, no cookies needed) at a URL that answers it directly.',
  ),
  'key.url-not-a-key': rule(
    'error',
    null,
    'Public key URL answers a web page',
    'The public key URL answered an HTML page (an error page, a portal page, a default document) instead of ' +
      'a PEM public key or the Omnichannel key list.',
    'Make the URL answer the key itself: a `-----BEGIN PUBLIC KEY-----` block (or the key list), as text.',
  ),
  'key.url-portal-no-key': rule(
    'error',
    null,
    'Power Pages has no key to publish',
    'The portal\'s public key endpoint (`/_services/auth/publickey`) answered "Key Not Found": the site ' +
      'has no certificate for its token endpoint, so there is no key to check its tokens with.',
    'Add the certificate the portal signs its tokens with (Power Pages implicit grant flow; a custom ' +
      'certificate in the Power Platform admin center), then open the URL again: it must show a PUBLIC KEY block.',
  ),
  'key.url-read-here': rule(
    'info',
    null,
    'Key read from this browser',
    'The key was read from this browser. That proves what the URL serves, not that Omnichannel can reach it: ' +
      'the service fetches it from the internet, without this network, VPN, cookies or sign-in.',
    'Open the URL from a machine outside your network (or an online HTTP checker) to be sure the service sees ' +
      'the same key.',
  ),
  // --- Registration and invocations (seen by the page hook) --------------------------------
  'registration.non-function': rule(
    'error',
    3,
    'Provider is not a function',
    '`setAuthTokenProvider` was called with something other than a function; the SDK threw and no provider is ' +
      'registered, so the widget gets no token.',
    'Pass a function that takes a callback: `setAuthTokenProvider(function (callback) { callback(token); })`.',
  ),
  'registration.before-ready': rule(
    'warning',
    null,
    'Registered before lcw:ready',
    '`setAuthTokenProvider` was called before the widget fired `lcw:ready`. SDK methods are meant to be called ' +
      'after it; depending on timing the call may reach an SDK that is not set up.',
    'Register inside `window.addEventListener("lcw:ready", ...)`.',
  ),
  'registration.none': rule(
    'warning',
    3,
    'No token provider',
    'The widget is ready but the page never called `setAuthTokenProvider`, and the widget did not ask for a ' +
      'token through a client function. An authenticated chat then gets no token.',
    'Call `Microsoft.Omnichannel.LiveChatWidget.SDK.setAuthTokenProvider(provider)` after `lcw:ready`, or ' +
      'check that authentication is meant to be on for this widget.',
  ),
  'registration.context-provider': rule(
    'warning',
    null,
    'Context provider on an authenticated chat',
    'The page set a context provider (`setContextProvider`) and the chat is authenticated. For an ' +
      "authenticated chat the work stream takes its context from the token's `lwicontexts` claim; field " +
      "reports (Microsoft's widget and SDK repositories) show context set through the SDK being ignored or " +
      'the combination rejected, and context changed mid-chat is read only when a chat starts. This rests on ' +
      'those reports: inferred, not verified.',
    "Put the context variables in the token's `lwicontexts` claim (a JSON string) when you issue it, and " +
      'compare it with what the context provider returns (shown side by side).',
  ),
  'invocation.async-callback': rule(
    'error',
    3,
    'Callback ran asynchronously (v1 widget)',
    'The provider called back after it had returned, on the v1 widget. Its host script posts the token to ' +
      "the widget's frame right after calling the provider (verified), so the widget got nothing, or the token " +
      'an earlier registration stored.',
    'Fetch the token first and register a provider that calls back synchronously: `getToken().then(t ' +
      "=> SDK.setAuthTokenProvider(cb => cb(t)))`, as Microsoft's setAuthTokenProvider reference does.",
  ),
  'invocation.async-callback-v2': rule(
    'info',
    null,
    'Callback ran asynchronously (fine on v2)',
    'The provider called back after it had returned. The v2 widget waits for the callback (inferred from its ' +
      'host script, which is not public: its frame asks the page for a token and takes the answer whenever it ' +
      'comes), so this works here, as Microsoft\'s "send the token when starting a chat" sample does. The same ' +
      'provider fails on the v1 widget with error 3.',
    'Nothing to do on v2. To work on v1 as well, fetch the token first and call back synchronously.',
  ),
  'invocation.async-callback-unknown': rule(
    'warning',
    null,
    'Callback ran asynchronously (widget version not seen)',
    'The provider called back after it had returned, and which widget the page runs was not seen: on the ' +
      'v1 widget that is error 3 (the token is posted when the provider returns), on v2 it works (the widget ' +
      'waits for the callback; inferred).',
    "Check the widget's version (its frame is chat.html on v1, chatv2.html on v2). Calling back synchronously " +
      'with a token fetched beforehand works on both.',
  ),
  'invocation.returned-without-callback': rule(
    'error',
    3,
    'Provider returned without calling back (v1 widget)',
    'The provider returned before calling the callback, on the v1 widget: its host script posts what the ' +
      "callback stored when the provider returned (verified), so the widget's frame was handed `undefined` at " +
      'once, whatever the provider does later (a late callback, a rejected promise).',
    'Fetch the token first, then register a provider that calls back before it returns.',
  ),
  'invocation.widget-got-nothing': rule(
    'error',
    3,
    'The widget received no token (observed)',
    "Seen in the widget's own frame: the message that hands it the token carried nothing (`undefined`, " +
      '`null` or an empty string). On the v1 widget that is what an asynchronous callback leads to: the host ' +
      'posts whatever the callback had stored when the provider returned.',
    'Fetch the token first, then register a provider that calls back at once: `getToken().then(t => ' +
      'SDK.setAuthTokenProvider(cb => cb(t)))`.',
  ),
  'invocation.widget-got-previous': rule(
    'warning',
    null,
    'The widget received an earlier token (observed)',
    "Seen in the widget's own frame: it received the token an earlier invocation handed over, not this " +
      "one's. The v1 host keeps one shared token field and posts it right after the provider returns, so a " +
      "provider that calls back later hands over the previous token: expired, or another user's.",
    'Call back before the provider returns (fetch the token first), so each registration hands over its own token.',
  ),
  'invocation.shared-callback': rule(
    'error',
    null,
    'Client function keeps one callback (overlapping requests)',
    'The widget asked the client function twice before the first request was answered, and the function ' +
      'called the second request back twice and the first never: it stores the callback in one variable ' +
      "shared by all requests, as Power Pages' `auth.getAuthenticationToken` does, so a second request " +
      "replaces the first one's callback. The first request then waits in vain (error 3 after 10 s).",
    "Keep each request's callback with its request (a closure per call) instead of one module-level " +
      'variable; on Power Pages, avoid what makes the widget ask twice at once (reconnect, a second ' +
      'startChat while the first is pending).',
  ),
  'invocation.multiple-callbacks': rule(
    'warning',
    null,
    'Callback ran more than once',
    'The provider called the callback several times for one invocation; only one token is used and the others ' +
      'are ignored or race.',
    'Call the callback exactly once per invocation.',
  ),
  'invocation.no-callback': rule(
    'error',
    3,
    'No callback within 10 s',
    "The provider did not call the callback within 10 seconds, the widget's limit.",
    'Make sure every path of the provider (including errors from the token service) calls the callback, and ' +
      'that the token service answers quickly.',
  ),
  'invocation.threw': rule(
    'error',
    2,
    'Provider threw',
    'The provider threw an exception, which the widget reports as error 2 (documented). On the v1 widget it ' +
      'does not: see the next finding.',
    'Catch errors inside the provider; log them and decide what to hand over.',
  ),
  'invocation.threw-v1': rule(
    'error',
    null,
    'Provider threw (v1 widget)',
    'The provider threw, on the v1 widget. Its host script does not catch the exception (verified): on the ' +
      "setAuthTokenProvider route it reaches the page's own call of setAuthTokenProvider, which throws it, " +
      'nothing is handed to the widget and no `lcw:error` 2 is raised; on the client-function route the host ' +
      'raises `lcw:error` with the exception itself as its detail. Either way the widget has no token to start ' +
      'a chat with.',
    'Catch errors inside the provider; log them and decide what to hand over. A try/catch around ' +
      'setAuthTokenProvider shows the exception in the meantime.',
  ),
  'invocation.rejected': rule(
    'error',
    3,
    'Provider returned a rejected promise',
    'The provider is async (returns a promise) and the promise was rejected. The widget ignores the promise, ' +
      'so it only sees that no token came.',
    'Catch the error inside the async provider (try/catch around the token request) and handle it.',
  ),
  'invocation.client-function-missing': rule(
    'error',
    8,
    'Client function not found',
    'The widget asked the page for a token through the JavaScript client function named in its authentication ' +
      'settings, and no function of that name exists on `window`.',
    'Define the function at that exact dotted path (e.g. `window.auth.getAuthenticationToken`) before the ' +
      'widget loads, or fix the name in the authentication settings.',
  ),
  'invocation.not-signed-in': rule(
    'error',
    3,
    'Visitor not signed in',
    "The client function called back with no token and a reason, as Power Pages' " +
      '`auth.getAuthenticationToken` does for an anonymous visitor: `callback("", "Login Required")`. ' +
      'The widget gets no token (error 3) because nobody is signed in, not because the site is broken.',
    'Show the authenticated chat only to signed-in visitors (or send them to sign in first), or configure ' +
      'the widget with "sign-in optional" if anonymous chats are wanted.',
  ),
  'invocation.portal-no-token': rule(
    'error',
    3,
    'Power Pages handed over no token',
    "Power Pages' `auth.getAuthenticationToken` called back with `null` and no reason: its own request " +
      'for the token (`GET /_services/auth/token`) failed, a network error or an error page.',
    'Open `/_services/auth/token` on the portal while signed in: it must answer a JWT. Look at its status ' +
      'in the Network tab; a sign-in redirect there means the session expired.',
  ),
  // --- The widget's configuration (its own traffic, while DevTools is open) -----------------
  'config.oauth': rule(
    'info',
    null,
    'OAuth 2.0 authentication',
    'The chat authentication settings use the OAuth 2.0 authorization-code flow: the page hands over an ' +
      'authorization code, not a JWT, so none of the token checks apply.',
    'Judge the hand-off by the OAuth settings (client id, redirect URI, token URL), not by JWT claims.',
  ),
  'config.sign-in-optional': rule(
    'info',
    null,
    'Sign-in optional',
    'The widget is configured with "sign-in optional": an empty token means "continue anonymously", not error 3.',
    'Nothing to fix if anonymous chats are intended; otherwise turn "sign-in optional" off in the chat settings.',
  ),
  'config.unreadable': rule(
    'warning',
    null,
    'Configuration not readable',
    "The widget's configuration response could not be read (not JSON, cut off, or an error page), so " +
      'the authentication settings are unknown.',
    'Reload the page with DevTools open; if it persists, check the org URL and widget id in the script tag.',
  ),
  'config.persistent-without-auth': rule(
    'error',
    null,
    'Persistent chat without authentication settings',
    'The widget runs persistent chat, which is always authenticated, but its configuration has no chat ' +
      'authentication settings (no `LiveChatConfigAuthSettings`): there is no public key URL to check tokens with.',
    'Add chat authentication settings (public key URL, JavaScript client function) to the widget, as persistent ' +
      'chat requires.',
  ),
  // --- The service's answers to /auth/ calls ---------------------------------------------------
  'auth.user-not-found': rule(
    'error',
    null,
    'No contact for "sub"',
    'An `/auth/` call was answered 401 "UserId not found": the token was accepted, but no active contact in ' +
      'Dynamics 365 has the id in `sub`.',
    'Put the contact id (a GUID of an active contact) in `sub`, or create/activate the contact.',
  ),
  'auth.rejected': rule(
    'error',
    null,
    'Token rejected by the service',
    'The service answered 401 to an `/auth/` call carrying this token (`getchattoken` for the hosted widget, ' +
      '`conversation` or `sessioninit` for the Chat SDK): it refused the token (bad signature, a key other than ' +
      'the one at the public key URL, expired, or claims it does not accept).',
    'Verify the signature against the public key URL (Verify signature) and check the time claims; the other ' +
      'findings of this invocation usually say which.',
  ),
  'auth.chat-map-mismatch': rule(
    'error',
    null,
    'Cached chat belongs to another user',
    '`validateauthchatmaprecord` failed: the chat the widget tried to resume was started by another `sub`.',
    "Clear the widget's cached chat on sign-out (or sign-in of another user), or start a new chat.",
  ),
  'auth.reconnect-refused': rule(
    'error',
    null,
    'Reconnect refused',
    'A call of the reconnect path (`reconnectablechats`) failed: the widget cannot find or resume the ' +
      'earlier chat, so a refresh, a second tab or a pop-out starts a new chat instead of reconnecting.',
    'A 401 there means the token was refused (see its other findings); a 403 or 404 that reconnect is off for ' +
      'this widget or the chat is closed. Check "reconnect" in the chat settings and that the token\'s `sub` ' +
      'is the user who started the chat.',
  ),
  'auth.no-token': rule(
    'error',
    null,
    'Authenticated call without a token',
    'A call to an `/auth/` endpoint went out with no `AuthenticatedUserToken` header, or an empty one. The ' +
      'service cannot identify the user: it refuses the call. Typical causes: the widget asked before the ' +
      'provider answered (a race at page load, a second tab, a pop-out window or a reconnect with no provider ' +
      'on that page), or the provider handed over nothing.',
    'Register the provider (or define the client function) on every page that shows the widget, pop-out ' +
      'included, before the chat starts, and make it hand over a token on every call.',
  ),
  'auth.custom-context': rule(
    'warning',
    null,
    'Custom context sent with an authenticated chat',
    "A chat's start call (`conversation` or `sessioninit`) carried the token and, in its body, custom context " +
      "(`customContextData`: what the npm Chat SDK's `startChat({ customContext })` sends, seen by running it). " +
      "For an authenticated chat the work stream takes its context from the token's " +
      "`lwicontexts` claim; field reports (Microsoft's widget and SDK repositories) show context sent this way " +
      'being ignored or the combination rejected. This rests on those reports: inferred, not verified.',
    "Put the context variables in the token's `lwicontexts` claim (a JSON string) when you issue it; the " +
      'finding shows what the call sent beside what the token holds.',
  ),
  'auth.failed': rule(
    'warning',
    null,
    'An /auth/ call failed',
    'A call of the widget to an `/auth/` endpoint failed with the status shown.',
    'Look at the status and message; a 401 means the service did not accept the token it carried.',
  ),
  // --- Across the invocations of a page -----------------------------------------------------------
  'session.sub-changed': rule(
    'warning',
    null,
    '"sub" changed',
    "This token names another user (`sub`) than the previous invocation's: a chat started for one " +
      'contact continues for another.',
    'Make sure the provider returns the token of the user signed in now, and end the chat when the user changes.',
  ),
  'session.stale-token-reused': rule(
    'error',
    null,
    'Expired token handed over again',
    'The widget asked for a token again and the provider handed over the same token as before, which has ' +
      'expired: it is caching the token.',
    'Fetch a fresh token from your token service on every call of the provider.',
  ),
  'session.chat-outlived-token': rule(
    'warning',
    null,
    'Chat outlived its token',
    'A call of the chat carried a token that had already expired: long chats need a fresh token when the ' +
      'widget asks again.',
    'Let the provider fetch a new token every time it is called, and give tokens a lifetime that covers a chat.',
  ),
  'session.intermittent-provider': rule(
    'warning',
    null,
    'Provider fails only sometimes',
    'Some invocations of the same provider failed (it threw, handed over nothing, or never called back) and ' +
      'others handed over a token. A provider that fails only sometimes usually races with something: the ' +
      'token service at page load, a sign-in that has not finished, a reconnect or second tab asking at once.',
    'Compare a failing invocation with a working one (their times and what each handed over); make the ' +
      'provider wait for what it needs (or retry) before it calls back, and never call back with nothing.',
  ),
  // --- The widget's own words (its error panes, read in its frame) ---------------------------------
  'widget.auth-setup-error': rule(
    'error',
    null,
    'Widget said: authentication setup error',
    'The widget showed its pane "Chat authentication has failed." with "AUTH SETUP ERROR": it could not get ' +
      'a usable token from the page: no provider or client function, one that threw or never answered, or a ' +
      'value it could not read as a JWT. The v2 widget logs the detail in the Console, starting ' +
      '"Authentication Setup Error:".',
    'Read the invocation findings beside it; in the Console, look for "Authentication Setup Error:" and ' +
      '"Unexpected error while getting token" (the extension does not read the Console).',
  ),
  'widget.unauthorized': rule(
    'error',
    null,
    'Widget said: unauthorized',
    'The widget showed its pane "Chat authentication has failed." with "UNAUTHORIZED": the service refused ' +
      'the token (a 401): a signature that does not match the public key URL, an expired token, or a `sub` with ' +
      'no contact.',
    'Look at the /auth/ calls and their 401 messages beside it; verify the signature against the public key URL.',
  ),
  'widget.error-pane': rule(
    'warning',
    null,
    'Widget showed an authentication error',
    'The widget showed its pane "Chat authentication has failed." with a text the extension has no specific ' +
      'reading for (neither "AUTH SETUP ERROR" nor "UNAUTHORIZED"); its text is quoted.',
    "Read its text beside the invocation findings; the Console of the widget's frame has the detail.",
  ),
  'widget.other-frame': rule(
    'info',
    null,
    "Another frame's own widget SDK",
    "A frame that is neither the page nor the widget's own frame (an ad, an embedded survey, another " +
      "site's chat) used its own copy of the widget's SDK. What it registered, invoked and raised is on the " +
      "timeline, marked as that frame's, and counts nowhere: the verdict is about the page's widget.",
    "Nothing, if that frame is not yours. If your widget really runs in that frame, record that frame's " +
      'site, or open its page on its own to debug it.',
  ),
  // --- The engine itself --------------------------------------------------------------------
  'analysis.internal-error': rule(
    'error',
    null,
    'Analysis failed',
    'The analysis itself failed on this input. This is a bug in lcw-auth, not a fact about the token.',
    "Report it with the token's header and claims (not its signature).",
  ),
} satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** The widget error findings lead to: 2 before 3 before 4 (8 is a page finding, not a prediction). */
export function predictedErrorCode(findings: readonly { rule: RuleId }[]): PredictedErrorCode | null {
  const codes = new Set(findings.map(f => RULES[f.rule].errorCode));
  return codes.has(2) ? 2 : codes.has(3) ? 3 : codes.has(4) ? 4 : null;
}
