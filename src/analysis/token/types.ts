/** The token engine's types: what it takes, what it answers, the keys it verifies with. Pure data. */
import type { PredictedErrorCode } from '../findings/rules.js';
import type { Finding } from '../findings/finding.js';
import type { KeySet } from '../keys/key-document.js';

/** What a token alone can lead to: only a provider that throws leads to error 2. */
export type TokenErrorCode = Exclude<PredictedErrorCode, 2>;

export type ContextVariableType = 'text' | 'number';

/** A context variable configured on the work stream. */
export interface ContextVariable {
  name: string;
  type: ContextVariableType;
}

export interface AnalyzeOptions {
  /** The moment to judge time claims at, in Unix seconds. Default: the clock. */
  now?: number;
  /** Clock skew the service is assumed to tolerate, in seconds. Default 300. */
  skewSeconds?: number;
  /** The work stream's context variables; absent means "not configured, do not compare". */
  contextVariables?: readonly ContextVariable[];
  /** A public key to verify the signature with (only `analyzeToken`, which is async). */
  key?: KeySet;
  /** Which widget will use the token, when known: a rule that holds for one version follows it. */
  widgetKind?: WidgetKindName | null;
  /** The token comes from a Power Pages portal (15-minute tokens by default). */
  portal?: boolean;
}

/** The widget kinds (see WidgetKind in session-view.ts). */
export type WidgetKindName = 'v1' | 'v2' | 'custom';

export type SignatureStatus =
  'verified' | 'invalid' | 'no-matching-key' | 'kid-required' | 'key-expired' | 'weak-key' | 'not-checked';

export interface SignatureResult {
  status: SignatureStatus;
  /** The `kid` of the key that was used or looked for, when there is one. */
  kid?: string;
  /** One sentence a person can read. */
  detail: string;
}

/** One entry of parsed `lwicontexts`. */
export interface ContextEntry {
  name: string;
  /** The primitive value (unwrapped from the `{value, isDisplayable}` form when used). */
  value: unknown;
  /** `typeof value`, or 'null'. */
  valueType: string;
  /** True when the entry used the `{ value, isDisplayable }` form. */
  wrapped: boolean;
  isDisplayable?: boolean;
  /** Compared with the configured variables: 'yes', 'no', or 'unknown' when none are configured. */
  known: 'yes' | 'no' | 'unknown';
}

export interface ContextsResult {
  /** The claim as found in the payload. */
  raw: unknown;
  /** Parsed entries, or null when the claim could not be read as an object. */
  entries: ContextEntry[] | null;
}

/** Time claims as numbers of seconds, when they are usable. */
export interface TokenTimes {
  iat?: number;
  nbf?: number;
  exp?: number;
  /** The moment the token was judged at (Unix seconds). */
  now: number;
}

export interface TokenAnalysis {
  /** What the provider handed over: its JS type and, for strings, its length. */
  input: { type: string; length?: number };
  /** The compact JWT that was decoded, after stripping any wrapping found by the hygiene rules. */
  token: string | null;
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  contexts: ContextsResult | null;
  times: TokenTimes;
  findings: Finding[];
  signature: SignatureResult;
  /** The widget error this token is expected to cause: 3, 4 or null (accepted). */
  errorCode: TokenErrorCode | null;
  verdict: 'ok' | 'warning' | 'error';
}
