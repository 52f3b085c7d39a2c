/**
 * What the engine makes of a page session: the types of the assembled view (session.ts
 * builds it) that the panel, the report and the tests read. Pure data.
 */
import type { DeliveryMessage, DropReason, ErrorInfo, HandedValue } from '../../protocol/hook.js';
import type { RecordedEvent } from '../../record/format.js';
import type { ConfigReading } from '../traffic/omnichannel.js';
import type { ContextVariable, TokenAnalysis, WidgetKindName } from '../token/types.js';
import type { PredictedErrorCode } from '../findings/rules.js';
import type { Finding } from '../findings/finding.js';

/** Identifies an invocation within a page session: `frame:id` (ids are counted per frame). */
export const invocationKey = (event: { frame: number; id: number }): string => `${event.frame}:${event.id}`;

/** How a person reads an invocation's key (`frame:id`): "#id", as the panel numbers them. */
export const invocationLabel = (key: string): string => `#${key.slice(key.lastIndexOf(':') + 1)}`;

export interface AuthCallView {
  at: number;
  /** Without query. */
  url: string;
  /** getchattoken, sessioninit, validateauthchatmaprecord, ... */
  endpoint: string;
  method: string;
  /** 0: it never got an answer (`error` says why). */
  status: number;
  /** The service's reason: its `message` header, or the body's message. */
  message: string | null;
  /** Why no answer came (the browser's network error), when seen on the wire. */
  error?: string;
  /** Who saw it: the background on the wire (webRequest), DevTools (devtools.network, with the body), or both. */
  seenBy: CallWitness;
  /** The invocation whose token the call carried (`frame:id`). */
  invocation?: string;
  /** The custom context the call's body sent (`customContextData`, as JSON, cut): a chat's start. */
  customContext?: string;
}

export type CallWitness = 'wire' | 'devtools' | 'both';

export type InvocationOutcome = 'token' | 'threw' | 'rejected' | 'empty' | 'non-string' | 'timeout' | 'pending';

/** How the page hands the widget its credential; setAuthCodeProvider hands an OAuth 2.0 authorization code. */
export type TokenRoute = 'setAuthTokenProvider' | 'clientFunction' | 'setAuthCodeProvider' | 'wire';

/** The route of a recorded invocation or registration, by the hook's short name. */
export const ROUTES = {
  sdk: 'setAuthTokenProvider',
  fn: 'clientFunction',
  code: 'setAuthCodeProvider',
  // Not a token route: setContextProvider, recorded beside it (page.context).
  ctx: 'setContextProvider',
  // Not a page route: a token seen only on the wire, which no recorded invocation handed over.
  wire: 'wire',
} as const;

export interface InvocationView {
  /** `frame:id`, unique within a page session (see invocationKey). */
  key: string;
  frame: number;
  route: TokenRoute;
  functionName?: string;
  startedAt: number;
  /** `reason`: a second argument of the callback (Power Pages: "Login Required"), as recorded. */
  callbacks: { at: number; sync: boolean; value: HandedValue; reason?: string }[];
  /** What the widget's frame received for this invocation, when the hook saw it there. */
  received?: DeliveryView;
  callbackCount: number;
  /** Whether the first callback came after the provider returned; null without a callback. */
  callbackAsync: boolean | null;
  msToToken: number | null;
  threw?: ErrorInfo;
  rejected?: ErrorInfo;
  outcome: InvocationOutcome;
  /** The engine's analysis of the first value handed to the callback. */
  analysis: TokenAnalysis | null;
  /** Invocation findings first, then the token's. */
  findings: Finding[];
  /** Predicted widget error, or null. */
  errorCode: PredictedErrorCode | null;
  /** What was seen to go wrong after it (observed beats predicted): the widget's error, the service's refusal. */
  observed?: ObservedError;
  /** Called from the panel ("Call provider again"): what it handed over went to nobody. */
  rerun?: true;
}

/** What was seen to go wrong for an invocation, beside what is predicted from what it handed over. */
export interface ObservedError {
  /** The widget error: the one the widget raised, or the one the hosted widget shows for the service's refusal. */
  code: number | null;
  /** Who showed it: the widget (lcw:error), the service (an /auth/ call's answer), the widget's frame (no token). */
  by: 'widget' | 'service' | 'frame';
  /** What was seen, in words, quoting it. */
  seen: string;
}

/**
 * Which widget the page runs: Microsoft's hosted widget v1 or v2, or a custom widget built on the
 * npm Chat SDK. v1 is verified; what v2 does is partly inferred (shared/domain.md).
 */
export type WidgetKind = WidgetKindName;

export interface WidgetView {
  detected: boolean;
  /** What the widget's script tag asks for (`v1`/`v2` attribute, `data-lcw-version`), as written. */
  version: string | null;
  /** Which widget it is, from the strongest evidence seen; null while unknown. */
  kind: WidgetKind | null;
  /** The evidence `kind` rests on, in words ("its frame is chatv2.html"). */
  kindEvidence: string | null;
  orgId: string | null;
  appId: string | null;
  orgUrl: string | null;
  iframe: boolean;
  ready: boolean;
  /** The page is a Power Pages (Power Apps) portal: `Microsoft.Dynamic365.Portal` was there. */
  portal: boolean;
  /** Where the page says the widget comes from: its script tag's and its frame's `src`, as URLs. */
  sources: string[];
}

export interface TimelineEntry {
  at: number;
  frame: number;
  kind: RecordedEvent['k'];
  text: string;
  invocation?: string;
  /** An `lcw:error` the widget raised. */
  widgetError?: true;
}

export interface RegistrationView {
  at: number;
  frame: number;
  /** The SDK method called. */
  method: 'setAuthTokenProvider' | 'setAuthCodeProvider';
  isFunction: boolean;
  argumentType: string;
  beforeReady: boolean;
  error?: ErrorInfo;
}

/** A token the widget's frame received from the host page (observed there, not predicted). */
export interface DeliveryView {
  at: number;
  /** The widget frame that received it. */
  frame: number;
  via: DeliveryMessage;
  value: HandedValue;
  /** The invocation it answered (the one that was to hand it over), once tied. */
  invocation?: string;
  /** When it is a token an invocation handed over: which one (this one, or an earlier one). */
  tokenOf?: string;
}

/** setContextProvider on the page: its registrations and what each call of the provider returned. */
export interface ContextProviderView {
  registrations: { at: number; frame: number; isFunction: boolean; argumentType: string }[];
  /** `returned`: the value as plain data (undefined when it threw or has not returned). */
  calls: { at: number; frame: number; id: number; returned?: unknown; threw?: ErrorInfo }[];
}

/** An error pane the widget showed in its frame ("Chat authentication has failed."), read as text. */
export interface WidgetPaneView {
  at: number;
  frame: number;
  title: string;
  text: string;
}

export interface WidgetErrorView {
  at: number;
  frame: number;
  errorCode: number | null;
  description: string;
}

export interface SessionView {
  widget: WidgetView;
  route: TokenRoute | null;
  registrations: RegistrationView[];
  invocations: InvocationView[];
  widgetErrors: WidgetErrorView[];
  /** Whether the client function the widget asked for exists on the page; null when it never asked. */
  clientFunctionFound: boolean | null;
  /** The client functions the widget asked the page for, by name (at most 20), and whether each was there. */
  askedFunctions: { name: string; found: boolean }[];
  /** Findings about the page as a whole (registration, client function, configuration). */
  findings: Finding[];
  timeline: TimelineEntry[];
  /** The widget's configuration, when DevTools saw it load. */
  config: { at: number; url: string; reading: ConfigReading } | null;
  /** The widget's calls to `/auth/` endpoints, when DevTools saw them. */
  authCalls: AuthCallView[];
  /**
   * Events the record does not hold, by reason: the relay's (DropReason), the record's bounds, the
   * browser's storage quota. Findings drawn from an absence say they were drawn from what was kept.
   */
  lostEvents: Record<LossReason, number>;
  /** What the widget's frame received, in order. */
  deliveries: DeliveryView[];
  /** setContextProvider, when the page used it. */
  context: ContextProviderView | null;
  /** The widget's own error panes, as they appeared in its frame. */
  panes: WidgetPaneView[];
  /** Other frames with their own copy of the widget's SDK: reported apart, never judged as the widget. */
  otherFrames: OtherFrameView[];
}

/** A frame that is neither the page's widget host nor the widget's frame, and used the widget's SDK. */
export interface OtherFrameView {
  frame: number;
  /** Its origin only (or "frame N" when its address is unknown). */
  origin: string;
  registrations: number;
  invocations: number;
  widgetErrors: number;
}

/** Why events are missing from a record: the relay's reasons, the record's bounds, the storage quota. */
export type LossReason = DropReason | 'bounds' | 'quota' | 'unreadable';

/** Everything about a page session but its invocations. */
/** The name the v2 widget asks for when it means "the provider set with setAuthTokenProvider" (inferred). */
export const SDK_PROVIDER_SENTINEL = 'authSDKClientFunction';

export type PageView = Omit<SessionView, 'invocations'>;

export interface AssembleOptions {
  /** Which widget the page runs, when known: rules that hold for one version only follow it. */
  widgetKind?: WidgetKind | null;
  contextVariables?: readonly ContextVariable[];
  /** Unix ms: invocations younger than 10 s without a callback are still pending. */
  nowMs?: number;
  /** The page is a Power Pages portal (its tokens live 15 minutes by default). */
  portal?: boolean;
  /**
   * "har": the events come from a HAR file, which holds the wire and nothing of the page: nothing is
   * concluded from what the page did not do (no provider seen, no hosted widget seen).
   */
  source?: 'har';
  /** Entries of the HAR file that could not be read (damaged, or too large): what is judged is the rest. */
  unreadable?: number;
  /**
   * The page session's frames (frame id -> address, as the record keeps them): what a frame received
   * or showed counts as the widget's only from the widget's own frame. Unknown: every frame counts.
   */
  frames?: Readonly<Record<string, string>>;
  /** What the store dropped of this session (record/format.ts SessionMeta): to its bounds, to the quota. */
  stored?: { dropped: number; quotaDropped?: number };
}

/** A page before any event is read: nothing detected, nothing registered. */
export const emptyPage = (): PageView => ({
  widget: {
    detected: false,
    version: null,
    kind: null,
    kindEvidence: null,
    orgId: null,
    appId: null,
    orgUrl: null,
    iframe: false,
    ready: false,
    portal: false,
    sources: [],
  },
  route: null,
  registrations: [],
  widgetErrors: [],
  clientFunctionFound: null,
  askedFunctions: [],
  findings: [],
  timeline: [],
  config: null,
  authCalls: [],
  lostEvents: { flood: 0, unsent: 0, bounds: 0, quota: 0, unreadable: 0 },
  deliveries: [],
  context: null,
  otherFrames: [],
  panes: [],
});
