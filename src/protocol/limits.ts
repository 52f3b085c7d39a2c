/**
 * Every bound the extension and the CLI apply, in one table. Named constants rather than one
 * object, so the hook and the relay (size budgets of 3 and 4 KB) bundle only those they use; and
 * plain literals, since a bundler keeps a computed constant (`256 * 1024`) even when nothing reads it.
 */

// --- Time ---------------------------------------------------------------------------------------
/** Both the SDK provider and the client function must call back within 10 s (relay times it, engine judges it). */
export const CALLBACK_LIMIT_MS = 10_000;
/** How long the panel and the CLI wait for a public key URL to answer. */
export const KEY_FETCH_TIMEOUT_MS = 10_000;

// --- What the page hands over (validated by the relay, again by the background) ------------------
/** A token handed to the provider's callback; longer strings are cut. */
export const MAX_HANDED_TOKEN_CHARS = 1_048_576; // 1 MiB
/** Properties kept of an object handed to the callback (so "you passed response, not response.token" can be said). */
export const MAX_HANDED_OBJECT_KEYS = 20;
/** A page URL, frame URL or request URL. */
export const MAX_URL_CHARS = 4096;
/** The attributes of the widget's script tag. */
export const MAX_ATTRIBUTE_CHARS = 2048;
/** Exception name, message and top stack frame. */
export const MAX_ERROR_NAME_CHARS = 200;
export const MAX_ERROR_MESSAGE_CHARS = 4000;
export const MAX_ERROR_STACK_CHARS = 1000;
/** A client function's name or a provider's name. */
export const MAX_FUNCTION_NAME_CHARS = 500;
/** `lcw:*` event details as plain data: this deep, this many keys, strings and keys this long. */
export const EVENT_DETAIL_DEPTH = 4;
export const EVENT_DETAIL_KEYS = 50;
export const EVENT_DETAIL_CHARS = 2000;
export const EVENT_DETAIL_KEY_CHARS = 200;
/** Items in one relay message, and events in one message of the DevTools page. */
export const MAX_RELAY_ITEMS = 100;

// --- The widget's traffic (devtools.network) ---------------------------------------------------
/** The configuration response body. */
export const MAX_CONFIG_BODY_CHARS = 262_144; // 256 KiB
/** An /auth/ call's response body (its message is all that matters). */
export const MAX_AUTH_BODY_CHARS = 4096;
/** The AuthenticatedUserToken header of an /auth/ call. */
export const MAX_HEADER_TOKEN_CHARS = 65_536; // 64 KiB

// --- Public key documents -----------------------------------------------------------------------
/** A key document is a few KB; anything over this is not one. */
export const MAX_KEY_DOCUMENT_BYTES = 1_048_576; // 1 MiB
