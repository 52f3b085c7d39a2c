/** The work stream's context variables, as an engineer writes them down: names, or {name, type}. */
import type { ContextVariable } from './types.js';

export class ContextVariablesError extends Error {
  override name = 'ContextVariablesError';
}

/** Accepts `["a", "b"]` or `[{"name": "a", "type": "number"}]` (type defaults to text). */
export function parseContextVariables(json: unknown): ContextVariable[] {
  if (!Array.isArray(json))
    throw new ContextVariablesError(
      'The context variables must be a JSON array of names or of {"name", "type"} objects.',
    );
  const seen = new Set<string>();
  return json.map((item, index) => {
    const where = `Context variable ${index + 1}`;
    const variable = readVariable(item, where);
    if (seen.has(variable.name)) throw new ContextVariablesError(`${where}: "${variable.name}" is listed twice.`);
    seen.add(variable.name);
    return variable;
  });
}

function readVariable(item: unknown, where: string): ContextVariable {
  if (typeof item === 'string') return { name: nonEmpty(item, where), type: 'text' };
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new ContextVariablesError(
      `${where} is ${item === null ? 'null' : typeof item}; expected a name or {"name", "type"}.`,
    );
  }
  const { name, type } = item as Record<string, unknown>;
  if (typeof name !== 'string') throw new ContextVariablesError(`${where} has no "name" string.`);
  const kind = type === undefined ? 'text' : typeof type === 'string' ? type.toLowerCase() : type;
  if (kind !== 'text' && kind !== 'number') {
    throw new ContextVariablesError(`${where} ("${name}") has type ${JSON.stringify(type)}; use "text" or "number".`);
  }
  return { name: nonEmpty(name, where), type: kind };
}

function nonEmpty(name: string, where: string): string {
  if (name.trim() === '') throw new ContextVariablesError(`${where} has an empty name.`);
  return name;
}

/**
 * A list as an engineer pastes it: the JSON forms above, or one variable per line, `name` or
 * `name` and `Text`/`Number` separated by a tab, comma, colon or spaces (as copied from the
 * work stream's table; a "Name / Type" heading line is skipped).
 */
export function parseContextVariableList(text: string): ContextVariable[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new ContextVariablesError(`The list starts with "[" but is not valid JSON: ${(error as Error).message}`);
    }
    return parseContextVariables(json);
  }
  const items: { name: string; type: string }[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || (items.length === 0 && /^name\s*[\t,:;]?\s*(data\s*)?type$/i.test(line))) continue;
    const match = /^(.*?)(?:\s*[\t,:;]\s*|\s+)(text|number|string|int|integer|decimal|float)$/i.exec(line);
    const name = (match ? match[1]! : line).replace(/^["']|["']$/g, '');
    if (/[\t,;]/.test(name)) {
      throw new ContextVariablesError(`Line ${index + 1} ("${line.slice(0, 60)}"): the type must be Text or Number.`);
    }
    const type = !match ? 'text' : /^(number|int|integer|decimal|float)$/i.test(match[2]!) ? 'number' : 'text';
    items.push({ name, type });
  }
  return parseContextVariables(items);
}
