/**
 * What the page hook tells the content relay, over the private MessagePort (see
 * docs/architecture.md). Kept terse because the hook's bundle has a size budget (test/unit/build.test.ts).
 * The relay validates every message with `parsePageEvent` (page-events.ts) before it goes any further.
 */

/** The event names of the port hand-off. Only used before any page script has run. */
export const HOOK_HELLO = 'lcw-auth:hook-hello';
export const RELAY_READY = 'lcw-auth:relay-ready';

/**
 * Background -> relay (tabs.sendMessage) -> hook (over the private port): "call the provider
 * again" from the panel. The hook calls the provider the widget would call next, records it like
 * any invocation, and hands what it gives to nobody.
 */
export const RERUN_COMMAND = 'lcw-auth:call-provider-again';

/** An exception as the hook saw it: name, message, top stack frame. */
export interface ErrorInfo {
  n: string;
  m: string;
  s?: string;
}

/**
 * A value handed to the callback: primitives as they are; anything else as a marker with, for
 * plain objects, a shallow copy of its primitive properties (so "you passed response, not
 * response.token" can be said).
 */
export type HandedValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | { o: 'promise' | 'function' | 'symbol' | 'bigint' | 'array' }
  | { o: 'object'; p: Record<string, string | number | boolean | null> }
  | CutString;

/**
 * A string longer than the protocol keeps (a token over 1 MiB, a detail over 2,000 characters):
 * its length, the first part the hook kept, and a fingerprint of the whole (FNV-1a over at most
 * 64K characters spread over it), so two long values can still be told apart.
 */
export interface CutString {
  o: 'cut';
  /** Its length. */
  n: number;
  /** The part kept. */
  t: string;
  /** Fingerprint, 8 hex digits. */
  h: string;
}

/**
 * How the provider reached the widget: setAuthTokenProvider, a client function, setAuthCodeProvider
 * (OAuth 2.0); `ctx`: a context provider (setContextProvider), recorded beside the token's route.
 */
export type Route = 'sdk' | 'fn' | 'code' | 'ctx';

/** The messages that carry a token from the host page to the widget's frame (v1, verified). */
export type DeliveryMessage = 'setAuthTokenProvider' | 'authTokenResponse';

/** Why the relay lost events: a flood (over RELAY_QUEUE_ITEMS waiting), or the background never took them. */
export type DropReason = 'flood' | 'unsent';

export type WidgetScript = { appId: string; orgId: string; orgUrl: string; version: string; src: string };

/**
 * One fact about the page, as the hook reports it (`v` and `detail` raw) and, after
 * `parsePageEvent`, as the relay and background pass it on (reduced to plain bounded data).
 */
export type PageEvent =
  /** setAuthTokenProvider (`route` 'code': setAuthCodeProvider) was called; `fn` false when given a non-function. */
  | { k: 'reg'; at: number; fn: boolean; arg: string; ready: boolean; route?: 'sdk' | 'code' | 'ctx'; err?: ErrorInfo }
  /** A provider (SDK route) or the client function (fn route) was invoked. */
  | { k: 'inv'; at: number; id: number; route: Route; name?: string }
  /**
   * The callback ran; `sync` when still inside the provider call. `r`: a second argument (Power Pages
   * calls back `("", "Login Required")`), a string as given, else its type in parentheses.
   */
  | { k: 'cb'; at: number; id: number; sync: boolean; v: HandedValue; r?: string }
  /** The provider returned (or threw `err`); a context provider's returned value is `v`, as plain data. */
  | { k: 'end'; at: number; id: number; err?: ErrorInfo; v?: unknown }
  /** A promise the provider returned was rejected and nobody handled it. */
  | { k: 'rej'; at: number; id: number; err: ErrorInfo }
  /** A `lcw:*` event on window. */
  | { k: 'evt'; at: number; type: string; detail: unknown }
  /**
   * The widget's frame asked for a token by function name; `portal` when the page is a Power Pages
   * portal; `near`: when it is missing, the functions its would-be owner has (for "did you mean").
   */
  | { k: 'req'; at: number; name: string; found: boolean; portal?: true; near?: string[] }
  /** (relay, in the widget's frame) The widget showed an error pane: its title and text, as it appeared. */
  | { k: 'pane'; at: number; title: string; text: string }
  /**
   * (a frame the host posts tokens to: the widget's) It received a token from its parent, by the
   * v1 message `setAuthTokenProvider` (field `jwtToken`) or `authTokenResponse` (field `authToken`).
   */
  | { k: 'got'; at: number; via: DeliveryMessage; v: HandedValue }
  /** (relay) No callback within 10 s of invocation `id`. */
  | { k: 'timeout'; at: number; id: number }
  /** (relay) `n` events were lost: the page raised too many, or they could not be delivered. */
  | { k: 'drop'; at: number; n: number; why: DropReason }
  /**
   * (relay) The widget's script tag and chat iframe (its `src`), and a custom widget's script
   * (`oc-lcw-script`), as found in this frame's DOM.
   */
  | { k: 'widget'; at: number; script: WidgetScript | null; iframe: boolean; frameSrc?: string; custom?: boolean };

/** What the hook posts: a PageEvent before reduction. */
export type HookMessage =
  | Exclude<PageEvent, { k: 'cb' } | { k: 'evt' } | { k: 'got' } | { k: 'pane' }>
  | { k: 'cb'; at: number; id: number; sync: boolean; v: unknown; r?: unknown }
  | { k: 'got'; at: number; via: string; v: unknown }
  | { k: 'evt'; at: number; type: string; detail: unknown };

/** A handed value that is a long string kept as length, start and fingerprint. */
export const isCutString = (v: HandedValue | undefined): v is CutString =>
  typeof v === 'object' && v !== null && v.o === 'cut';
