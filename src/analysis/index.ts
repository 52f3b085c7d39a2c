/** The analysis engine: pure TypeScript shared by the panel, the CLI and the tests. */
export { analyzeToken, analyzeTokenSync, DEFAULT_SKEW_SECONDS } from './analyze.js';
export { loadPublicKeys, KeyDocumentError } from './keys.js';
export { parseContextVariables, parseContextVariableList, ContextVariablesError } from './variables.js';
export { tokenVerdict, levelOf, type Verdict, type Tone } from './verdict.js';
export { RULES, RULE_IDS, type RuleId, type RuleInfo } from './rules.js';
export type * from './types.js';
