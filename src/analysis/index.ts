/** The analysis engine: pure TypeScript shared by the panel, the CLI and the tests. */
export { analyzeToken, analyzeTokenSync, DEFAULT_SKEW_SECONDS } from './token/analyze.js';
export {
  loadPublicKeys,
  KeyDocumentError,
  type KeySet,
  type PublicKeyEntry,
  type KeyFormat,
} from './keys/key-document.js';
export { parseContextVariables, parseContextVariableList, ContextVariablesError } from './token/variables.js';
export { tokenVerdict, type Verdict, type Tone } from './report/verdict.js';
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
export type * from './token/types.js';
