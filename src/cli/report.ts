/**
 * `lcw-auth report FILE`: reads a report exported by the panel, checks it against the schema
 * (docs/report.schema.json) and prints its summary, so the engineer on the other end of a
 * ticket can read it without a browser.
 */
import { redactReport, reportSummary, reportVerdict, type Report } from '../analysis/index.js';
import Ajv2020 from 'ajv/dist/2020.js';
import schema from '../../docs/report.schema.json' with { type: 'json' };
import { InputError, readText } from './inputs.js';
import { jsonText, safe } from './format.js';
import { MAX_SCHEMA_ERRORS } from '../protocol/limits.js';

/** docs/report.schema.json, compiled strictly (the tests check reports with this one too). */
export const validateReport = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile<Report>(
  schema,
);
/**
 * The same schema, stopping at the first error: Ajv has no cap on the errors it collects, and a
 * report with millions of bad entries would cost gigabytes. Every error is listed only when the
 * first pass fails on a small file.
 */
const validateFirst = new Ajv2020({ allErrors: false, strict: true, validateFormats: false }).compile<Report>(schema);
/** Files up to this size get every schema error listed (up to MAX_SCHEMA_ERRORS). */
const LIST_ALL_ERRORS_BELOW = 1_048_576;

export interface ReportOptions {
  file: string;
  json: boolean;
}

/**
 * Whether a report shows an error: an observed or predicted error code, or an error finding anywhere
 * (a 401 has no code). The panel's own "Call provider again" calls are not the page's.
 */
export function reportFails(report: Report): boolean {
  const errs = (findings: readonly { severity: string }[]) => findings.some(f => f.severity === 'error');
  const own = report.invocations.filter(i => !i.rerun);
  return own.some(i => i.errorCode !== null || i.observed !== undefined || errs(i.findings)) || errs(report.findings);
}

/** Exit status: 0 nothing fails in the report, 1 it shows an error, 2 not a valid report. */
export async function runReport({ file, json }: ReportOptions): Promise<number> {
  const text = await readText(file, 'report');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`report ${file} is not JSON: ${(error as Error).message}`);
  }
  const log = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).log : undefined;
  if (log !== null && typeof log === 'object')
    throw new InputError(`${file} is a HAR file, not a report: read it with lcw-auth har ${file}`);
  if (!validateFirst(data)) {
    const listed = text.length < LIST_ALL_ERRORS_BELOW && !validateReport(data) ? validateReport : validateFirst;
    const errors = (listed.errors ?? [])
      .slice(0, MAX_SCHEMA_ERRORS)
      .map(e => `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}`);
    if (json) {
      process.stdout.write(`${jsonText({ valid: false, errors })}\n`);
      return 2;
    }
    const format = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).format : undefined;
    const hint =
      format !== 'lcw-auth-report'
        ? ' (it does not say "format": "lcw-auth-report": is it an export of the LCW Auth panel?)'
        : '';
    throw new InputError(
      `${file} is not a valid lcw-auth report (v1 to v3)${hint}:\n  ${errors.map(safe).join('\n  ')}`,
    );
  }
  // A report that says it left the tokens out is read without anything token-shaped, whatever it holds.
  const report = data.tokensIncluded ? data : redactReport(data);
  const failing = reportFails(report);
  if (json) {
    const result = {
      valid: true,
      errors: [],
      verdict: reportVerdict(report).text,
      invocations: report.invocations.length,
      errorCodes: report.invocations.map(i => i.errorCode),
      observed: report.invocations.map(i => i.observed?.code ?? null),
      widgetErrors: report.widgetErrors.map(e => e.errorCode),
    };
    process.stdout.write(`${jsonText(result)}\n`);
  } else {
    process.stdout.write(reportSummary(report).split('\n').map(safe).join('\n'));
  }
  return failing ? 1 : 0;
}
