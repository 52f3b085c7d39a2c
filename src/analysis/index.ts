/**
 * The analysis engine's one door: pure TypeScript shared by the panel, the CLI and the tests. The
 * panel and the CLI import the engine only from here (test/unit/project.test.ts checks it).
 */

// A token: decoded, its claims and contexts judged, its signature verified.
export { analyzeToken, analyzeTokenSync, DEFAULT_SKEW_SECONDS } from './token/analyze.js';
export { parseContextVariables, parseContextVariableList, ContextVariablesError } from './token/variables.js';
export type * from './token/types.js';

// The public key: its documents, and the URL that serves them.
export {
  loadPublicKeys,
  KeyDocumentError,
  type KeySet,
  type PublicKeyEntry,
  type KeyFormat,
} from './keys/key-document.js';
export { KeyFetchError, checkKeyUrl, fetchKeyDocument } from './keys/key-fetch.js';
export { keyUrlNotes, privateHostReason } from './keys/key-url.js';

// The widget's traffic: its configuration, and HAR files.
export { authenticationName, configSwitches, type WidgetConfig } from './traffic/omnichannel.js';
export { readHar, type HarReading } from './traffic/har-stream.js';
export { damagedWords } from './traffic/har.js';
export { decodeContent, harEntryEvent, isWidgetRequest, type HarEntry } from './traffic/har-entry.js';

// A page session: the record's events assembled into registrations, invocations and a timeline.
export { SessionAssembly, assembleSession, invocationLabel } from './session/session.js';
export type * from './session/session-view.js';
export { DROP_REASONS, describeHanded } from './session/timeline.js';
export { widgetHosts, unseenOnWire, type WidgetHost } from './session/widget-hosts.js';

// What is said of it: verdicts, the report and its summary.
export {
  OUTCOME_WORDS,
  outcomeWords,
  invocationBadge,
  invocationCountKey,
  reportVerdict,
  sessionVerdict,
  tokenVerdict,
  viewVerdict,
  type Verdict,
  type Tone,
} from './report/verdict.js';
export { ERROR_MEANINGS, countName, errorName, errorWords } from './findings/error-words.js';
export { clientFunctionWords, hasCallableProvider, providerStatus, widgetKindText } from './report/page-words.js';
export { buildReport, redactReport, type Report } from './report/report.js';
export { NOT_IN_HAR, reportSummary } from './report/summary.js';

// The catalog of findings.
export { levelOf, bySeverity, type Finding } from './findings/finding.js';
export {
  RULES,
  RULE_IDS,
  type RuleId,
  type RuleInfo,
  type Severity,
  type WidgetErrorCode,
  type PredictedErrorCode,
} from './findings/rules.js';
export { RULE_GROUPS } from './findings/findings-doc.js';

// Words the faces share.
export { countBy, duration, isoDate, jsonPreview, plural, utcText, valueText } from './words/text.js';
export { redactSecrets } from './words/secrets.js';
export { visible } from './words/visible.js';
