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
/** A token the widget's frame received, kept whole up to this; longer: length, start and fingerprint. */
export const MAX_DELIVERY_CHARS = 65_536;
export const DELIVERY_KEPT_CHARS = 1024;
/** A page URL, frame URL or request URL. */
export const MAX_URL_CHARS = 4096;
/** The attributes of the widget's script tag. */
export const MAX_ATTRIBUTE_CHARS = 2048;
/** Exception name, message and top stack frame. */
export const MAX_ERROR_NAME_CHARS = 200;
export const MAX_ERROR_MESSAGE_CHARS = 4000;
export const MAX_ERROR_STACK_CHARS = 1000;
/** The stack the hook passes on (the relay keeps only its top frame). */
export const HOOK_STACK_CHARS = 4000;
/** Objects the hook reads of one page value (an lcw:error detail), however its parts are shared. */
export const PEEK_NODES = 300;
/** A client function's name or a provider's name. */
export const MAX_FUNCTION_NAME_CHARS = 500;
/** The functions named beside a missing client function (for "did you mean"). */
export const MAX_NEAR_NAMES = 20;
/** A second argument handed to the callback (Power Pages' "Login Required"). */
export const REASON_CHARS = 200;
/** An error pane of the widget, as read in its frame: its title and its text. */
export const PANE_TITLE_CHARS = 200;
export const PANE_TEXT_CHARS = 1000;
/** `lcw:*` event details as plain data: this deep, this many keys, strings and keys this long. */
export const EVENT_DETAIL_DEPTH = 4;
export const EVENT_DETAIL_KEYS = 50;
export const EVENT_DETAIL_CHARS = 2000;
export const EVENT_DETAIL_KEY_CHARS = 200;
/** Items in one relay message, and events in one message of the DevTools page. */
export const MAX_RELAY_ITEMS = 100;
/** The JSON of one relay message, beyond its first item (a token of 1 MiB goes alone). */
export const RELAY_BATCH_CHARS = 2_097_152; // 2 MiB
/**
 * Events a frame's relay holds while the background catches up; past half again as many the oldest
 * waiting go (counted). A widget raises a handful; 800 start chats in a row (2,400 events) fit.
 */
export const RELAY_QUEUE_ITEMS = 5000;

// --- The widget's traffic (devtools.network) ---------------------------------------------------
/** The configuration response body. */
export const MAX_CONFIG_BODY_CHARS = 262_144; // 256 KiB
/** An /auth/ call's response body (its message is all that matters). */
export const MAX_AUTH_BODY_CHARS = 4096;
/** A chat start's request body read for its custom context, and the context's JSON kept of it. */
export const MAX_REQUEST_BODY_CHARS = 65_536; // 64 KiB
export const MAX_SENT_CONTEXT_CHARS = 2000;
/** The AuthenticatedUserToken header of an /auth/ call. */
export const MAX_HEADER_TOKEN_CHARS = 65_536; // 64 KiB
/** The service's `message` response header, and a network error's text (webRequest). */
export const MAX_WIRE_MESSAGE_CHARS = 1000;
/** Requests the background follows at once between their headers and their answer (a flood costs no memory). */
export const MAX_WIRE_PENDING = 500;

// --- What the CLI reads ------------------------------------------------------------------------
/** A token on standard input or as an argument: the handed-token bound plus room for a newline. */
export const MAX_TOKEN_INPUT_BYTES = 1_048_580;
/** A report, a contexts file or a key file. A panel export with 40,000 events is about 20 MB. */
export const MAX_INPUT_FILE_BYTES = 67_108_864; // 64 MiB
/** Schema errors listed for an invalid report (collecting all of millions costs gigabytes). */
export const MAX_SCHEMA_ERRORS = 20;

// --- Public key documents -----------------------------------------------------------------------
/** A key document is a few KB; anything over this is not one. */
export const MAX_KEY_DOCUMENT_BYTES = 1_048_576; // 1 MiB
