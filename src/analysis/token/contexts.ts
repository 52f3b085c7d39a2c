/** The `lwicontexts` rules: shape of the claim, limits, and comparison with the work stream. */
import { quote, describeValue, errorText } from '../words/text.js';
import type { ContextEntry, ContextsResult, ContextVariable } from './types.js';
import type { RuleId } from '../findings/rules.js';
import { type Finding, finding } from '../findings/finding.js';

const MAX_NAME = 100;
const MAX_VALUE = 4000;
const MAX_VARIABLES = 100;
/** Per-key findings of one rule beyond this are folded into the last one. */
const MAX_FINDINGS_PER_RULE = 10;
/** Keys beyond this are not compared for "did you mean" (bounds the work on hostile input). */
const MAX_SUGGESTION_KEYS = 200;
const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function checkContexts(
  claims: Record<string, unknown>,
  variables: readonly ContextVariable[] | undefined,
  findings: Finding[],
): ContextsResult | null {
  if (!Object.hasOwn(claims, 'lwicontexts')) {
    findings.push(finding('contexts.absent', 'The token has no "lwicontexts" claim.'));
    return null;
  }
  const raw = claims.lwicontexts;
  const object = readContextObject(raw, findings);
  if (object === null) return { raw, entries: null };
  return { raw, entries: checkEntries(object, variables, findings) };
}

/** Gets the key/value object out of the claim, or null after saying why it cannot. */
function readContextObject(raw: unknown, findings: Finding[]): Record<string, unknown> | null {
  if (typeof raw !== 'string') {
    if (raw !== null && typeof raw === 'object') {
      findings.push(
        finding(
          'contexts.not-string',
          `"lwicontexts" is ${describeValue(raw)} put directly in the claim, not a string.`,
          'Serialize it when building the payload: `lwicontexts: JSON.stringify(context)`.',
        ),
      );
      // Still show what it holds, so the other rules can be checked.
      return Array.isArray(raw) ? notObject(raw, findings) : (raw as Record<string, unknown>);
    }
    findings.push(finding('contexts.not-string', `"lwicontexts" is ${describeValue(raw)}, not a string holding JSON.`));
    return null;
  }
  const parsed = parseJson(raw, findings);
  if (parsed === undefined) return null;
  if (typeof parsed === 'string') {
    const inner = tryParse(parsed);
    if (inner !== undefined && inner !== null && typeof inner === 'object') {
      findings.push(
        finding(
          'contexts.double-serialized',
          `"lwicontexts" is a JSON string that holds another JSON string: ${quote(raw, 40)}.`,
          'Call `JSON.stringify` once: `lwicontexts: JSON.stringify(context)`, not ' +
            '`JSON.stringify(JSON.stringify(context))`.',
        ),
      );
      return Array.isArray(inner) ? notObject(inner, findings) : (inner as Record<string, unknown>);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return notObject(parsed, findings);
  return parsed as Record<string, unknown>;
}

function notObject(value: unknown, findings: Finding[]): null {
  findings.push(
    finding('contexts.not-object', `"lwicontexts" holds ${describeValue(value)}, not an object of key/value pairs.`),
  );
  return null;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses the claim's JSON; on failure adds a finding that points at the place and returns undefined. */
function parseJson(text: string, findings: Finding[]): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec(errorText(error))?.[1];
    const position = at === undefined ? undefined : Number(at);
    const where =
      position === undefined
        ? ''
        : ` at character ${position}, near ${quote(text.slice(Math.max(0, position - 10), position + 10))}`;
    const hint = /^\s*\{\s*'/.test(text)
      ? ' It uses single quotes; JSON needs double quotes.'
      : text.trim() === ''
        ? ' It is empty.'
        : '';
    findings.push(
      finding('contexts.invalid-json', `"lwicontexts" is not valid JSON${where}: ${errorText(error)}.${hint}`),
    );
    return undefined;
  }
}

function checkEntries(
  object: Record<string, unknown>,
  variables: readonly ContextVariable[] | undefined,
  findings: Finding[],
): ContextEntry[] {
  const configured = variables && variables.length > 0 ? variables : undefined;
  const byName = new Map(configured?.map(v => [v.name, v]));
  const byLowerName = new Map(configured?.map(v => [v.name.toLowerCase(), v]));
  const perRule = new Map<RuleId, Finding[]>();
  const add = (rule: RuleId, message: string, fix?: string) => {
    const list = perRule.get(rule) ?? [];
    list.push(finding(rule, message, fix));
    perRule.set(rule, list);
  };

  const names = Object.keys(object);
  if (names.length > MAX_VARIABLES)
    add('contexts.too-many', `"lwicontexts" sets ${names.length} variables; at most ${MAX_VARIABLES} are allowed.`);
  const entries: ContextEntry[] = [];
  const matched = new Set<string>();
  names.forEach((name, index) => {
    const entry = readEntry(name, object[name], add);
    if (name.length > MAX_NAME)
      add(
        'contexts.name-too-long',
        `The context name ${quote(name, 30)} has ${name.length} characters; at most ${MAX_NAME} are allowed.`,
      );
    if (configured) {
      const variable = byName.get(name);
      if (variable) {
        entry.known = 'yes';
        matched.add(name);
        if (variable.type === 'number' && !isNumeric(entry.value)) {
          add('contexts.not-numeric', `"${name}" is a Number variable but the token gives it ${quote(entry.value)}.`);
        }
      } else {
        entry.known = 'no';
        const sameLetters = byLowerName.get(name.toLowerCase());
        if (sameLetters) {
          matched.add(sameLetters.name);
          add(
            'contexts.case-mismatch',
            `The key ${quote(name)} differs only in letter case from the configured variable "${sameLetters.name}".`,
            `Rename the key to "${sameLetters.name}".`,
          );
        } else {
          const suggestion = index < MAX_SUGGESTION_KEYS ? closestName(name, configured) : undefined;
          add(
            'contexts.unknown-key',
            `The key ${quote(name)} is not a context variable of the work stream` +
              (suggestion ? `; did you mean "${suggestion}"?` : '.'),
            suggestion ? `Rename the key to "${suggestion}", or add "${name}" to the work stream.` : undefined,
          );
        }
      }
    }
    entries.push(entry);
  });
  if (configured) {
    const absent = configured.filter(v => !matched.has(v.name)).map(v => `"${v.name}"`);
    if (absent.length > 0) {
      add(
        'contexts.missing-variable',
        `The token does not set the configured variable${absent.length === 1 ? '' : 's'} ` +
          `${absent.slice(0, 10).join(', ')}${absent.length > 10 ? ` and ${absent.length - 10} more` : ''}.`,
      );
    }
  }
  for (const list of perRule.values()) findings.push(...foldExcess(list));
  return entries;
}

/** Reads one entry, accepting a primitive or the `{ value, isDisplayable }` form. */
function readEntry(
  name: string,
  raw: unknown,
  add: (rule: RuleId, message: string, fix?: string) => void,
): ContextEntry {
  let value = raw;
  let wrapped = false;
  let isDisplayable: boolean | undefined;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.hasOwn(raw, 'value')) {
    const form = raw as Record<string, unknown>;
    wrapped = true;
    value = form.value;
    if (typeof form.isDisplayable === 'boolean') isDisplayable = form.isDisplayable;
  }
  const valueType = value === null ? 'null' : typeof value;
  if (value !== null && typeof value === 'object') {
    add('contexts.value-type', `The value of ${quote(name, 40)} is ${describeValue(value)}, not a primitive.`);
  } else if (typeof value === 'string' && value.length > MAX_VALUE) {
    add(
      'contexts.value-too-long',
      `The value of ${quote(name, 40)} has ${value.length} characters; at most ${MAX_VALUE} are allowed.`,
    );
  }
  return {
    name,
    value,
    valueType,
    wrapped,
    ...(isDisplayable === undefined ? {} : { isDisplayable }),
    known: 'unknown',
  };
}

function isNumeric(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && NUMERIC.test(value));
}

/** Keeps the first findings of a rule and says how many more there were. */
function foldExcess(list: Finding[]): Finding[] {
  if (list.length <= MAX_FINDINGS_PER_RULE) return list;
  const kept = list.slice(0, MAX_FINDINGS_PER_RULE);
  const last = kept[kept.length - 1]!;
  kept[kept.length - 1] = {
    ...last,
    message: `${last.message} (and ${list.length - MAX_FINDINGS_PER_RULE} more like it)`,
  };
  return kept;
}

/** The configured name within a small edit of `name`, if there is one. */
function closestName(name: string, variables: readonly ContextVariable[]): string | undefined {
  if (name.length > MAX_NAME) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const variable of variables) {
    const distance = editDistance(name.toLowerCase(), variable.name.toLowerCase(), limit);
    if (distance < bestDistance) {
      best = variable.name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
