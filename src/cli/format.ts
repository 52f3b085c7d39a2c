/** The readable `lcw-auth check` report. Everything from the token is escaped before printing. */
import {
  tokenVerdict,
  type Finding,
  type TokenAnalysis,
  duration,
  isoDate,
  valueText,
  visible,
} from '../analysis/index.js';

interface Style {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, green: 32, dim: 2, bold: 1 } as const;
type Tone = keyof typeof CODES;

const MARKS: Record<Finding['severity'], { mark: string; tone: Tone }> = {
  error: { mark: 'x', tone: 'red' },
  warning: { mark: '!', tone: 'yellow' },
  info: { mark: 'i', tone: 'cyan' },
};

export function formatReport(analysis: TokenAnalysis, style: Style): string {
  const paint = (tone: Tone, text: string) => (style.color ? `\x1b[${CODES[tone]}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  const verdict = tokenVerdict(analysis);
  const headTone: Tone = verdict.tone === 'error' ? 'red' : verdict.tone === 'warning' ? 'yellow' : 'green';
  lines.push(paint('bold', paint(headTone, safe(verdict.text))), '');

  if (analysis.header)
    lines.push(paint('bold', 'Header'), ...table(Object.entries(analysis.header).map(([k, v]) => [k, show(v)])), '');
  if (analysis.claims) {
    const rows = Object.entries(analysis.claims).map(([name, value]): [string, string] => {
      const time = analysis.times[name as 'iat' | 'nbf' | 'exp'];
      return [
        name,
        time === undefined ? show(value) : `${show(value)}  ${isoDate(time)}  (${relative(time - analysis.times.now)})`,
      ];
    });
    lines.push(paint('bold', 'Claims'), ...table(rows), '');
  }
  const entries = analysis.contexts?.entries;
  if (entries && entries.length > 0) {
    const rows = entries.map((e): [string, string] => [
      e.name,
      `${show(e.value)}  ${e.valueType}${KNOWN_WORDS[e.known]}`,
    ]);
    lines.push(paint('bold', 'lwicontexts'), ...table(rows), '');
  }
  lines.push(`${paint('bold', 'Signature')}  ${analysis.signature.status}: ${safe(analysis.signature.detail)}`, '');

  if (analysis.findings.length > 0) {
    lines.push(paint('bold', 'Findings'));
    for (const f of analysis.findings) {
      const { mark, tone } = MARKS[f.severity];
      lines.push(`  ${paint(tone, `${mark} ${f.severity.padEnd(7)}`)} ${paint('dim', f.rule)}`);
      lines.push(`    ${safe(f.message)}`);
      lines.push(`    ${paint('dim', 'fix:')} ${safe(f.fix)}`);
    }
    lines.push('');
  }
  const code = analysis.errorCode === null ? 'none' : String(analysis.errorCode);
  lines.push(`Predicted widget error: ${code}    Details of each finding: docs/findings.md`);
  return `${lines.join('\n')}\n`;
}

const KNOWN_WORDS = { unknown: '', yes: '  configured', no: '  NOT configured' } as const;

function table(rows: [string, string][]): string[] {
  const width = Math.min(24, Math.max(0, ...rows.map(([k]) => safe(k).length)));
  return rows.map(([k, v]) => `  ${safe(k).padEnd(width)}  ${v}`);
}

/** A claim value on one line, escaped for the terminal. */
const show = (value: unknown): string => safe(valueText(value, 300));

/**
 * Escapes control characters so a hostile token cannot drive the terminal, and writes out the
 * invisible and bidi ones (`<U+202E>`) so it cannot reorder or hide the CLI's own words.
 */
export function safe(text: string): string {
  return visible(text.replace(/\p{Cc}/gu, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * JSON for standard output: what JSON.stringify gives, with the characters that reorder or hide
 * text in a terminal (bidi controls, invisible marks, line separators) written as \u escapes. Still
 * the same JSON to any parser.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function relative(seconds: number): string {
  return seconds >= 0 ? `in ${duration(seconds)}` : `${duration(seconds)} ago`;
}
