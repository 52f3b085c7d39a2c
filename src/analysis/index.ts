/** The analysis engine: pure TypeScript shared by the panel, the CLI and the tests. */
export { analyzeToken, analyzeTokenSync, DEFAULT_SKEW_SECONDS } from './token/analyze.js';
export { loadPublicKeys, KeyDocumentError } from './keys/key-document.js';
export { parseContextVariables, parseContextVariableList, ContextVariablesError } from './token/variables.js';
export { tokenVerdict, levelOf, type Verdict, type Tone } from './report/verdict.js';
export { RULES, RULE_IDS, type RuleId, type RuleInfo } from './findings/rules.js';
export type * from './token/types.js';
