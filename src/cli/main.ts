/**
 * lcw-auth: the analysis engine on the command line, for tokens pasted into tickets.
 * Exit status: 0 no error finding, 1 an error finding, 2 usage or input problem.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runCheck } from './check.js';
import { runReport } from './report.js';
import { runHar } from './har.js';
import { InputError } from './inputs.js';
import packageJson from '../../package.json' with { type: 'json' };

const USAGE = `Usage:
  lcw-auth check [TOKEN | -] [--contexts FILE] [--key FILE_OR_URL] [--now UNIX_SECONDS] [--skew SECONDS]
                 [--widget v1|v2|custom] [--portal] [--json]

  TOKEN           the token exactly as the provider handed it; "-" or nothing reads standard input
  --contexts FILE the work stream's context variables: ["name", ...] or [{"name": "...", "type": "text"|"number"}]
  --key FILE_OR_URL
                  the public key: a PEM block, the Omnichannel key list, a JWK or a JWKS (file or https:// URL)
  --now SECONDS   judge time claims as of this Unix time (default: now)
  --skew SECONDS  clock skew the service tolerates (default: 300)
  --widget KIND   the widget that uses the token, when the ticket says (v1, v2, custom): rules that hold for
                  one version follow it
  --portal        the token comes from a Power Pages portal (its tokens live 15 minutes by default)
  --json          print one JSON object instead of the report

  lcw-auth report FILE [--json]

  FILE            a report exported by the LCW Auth panel (lcw-auth-report-<host>-<time>.json);
                  checked against docs/report.schema.json, then summarised
  --json          print {valid, errors, verdict, ...} instead of the summary

  lcw-auth har FILE [--contexts FILE] [--key FILE_OR_URL] [--now UNIX_SECONDS] [--json] [--report OUT.json]

  FILE            a HAR file exported from the browser's DevTools (Chrome, Edge, Firefox), any size:
                  the widget's configuration, /auth/ calls and tokens are judged as of when they were sent
  --key FILE_OR_URL
                  verify each token's signature with this public key (as for check)
  --now SECONDS   judge the session as of this Unix time (default: the trace's last widget request)
  --report OUT    also write the report the panel exports (signatures redacted)
  --json          print {verdict, entries, invocations, errorCodes, authCalls} instead of the summary

  lcw-auth --version

Exit status: 0 no error, 1 the token (or report) shows an error, 2 usage or input problem.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`lcw-auth ${packageJson.version}\n`);
    return 0;
  }
  if (command !== 'check' && command !== 'report' && command !== 'har')
    throw new InputError(`unknown command "${command}" (try: lcw-auth --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'report') {
    const { values, positionals } = parseOptions({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new InputError(`report takes one file, got ${positionals.length} arguments`);
    return runReport({ file: positionals[0]!, json: values.json === true });
  }
  if (command === 'har') {
    const { values, positionals } = parseOptions({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: { ...JUDGING_OPTIONS, report: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new InputError(`har takes one file, got ${positionals.length} arguments`);
    return runHar({
      file: positionals[0]!,
      contexts: values.contexts,
      key: values.key,
      now: optionalNumber('--now', values.now),
      json: values.json === true,
      report: values.report,
    });
  }
  const { values, positionals } = parseCheckArgs(rest);
  if (positionals.length > 1)
    throw new InputError(`expected one token, got ${positionals.length} arguments (quote the token?)`);
  return runCheck({
    token: positionals[0],
    contexts: values.contexts,
    key: values.key,
    now: optionalNumber('--now', values.now),
    skew: optionalNumber('--skew', values.skew),
    widget: widgetKind(values.widget),
    portal: values.portal === true,
    json: values.json ?? false,
  });
}

/** What check and har both take: the work stream's context variables, a public key, a moment, JSON output. */
const JUDGING_OPTIONS = {
  contexts: { type: 'string' },
  key: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseCheckArgs(args: string[]) {
  return parseOptions({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...JUDGING_OPTIONS, skew: { type: 'string' }, widget: { type: 'string' }, portal: { type: 'boolean' } },
  });
}

const WIDGET_KINDS = ['v1', 'v2', 'custom'] as const;

function widgetKind(value: string | undefined): (typeof WIDGET_KINDS)[number] | undefined {
  if (value === undefined) return undefined;
  const kind = WIDGET_KINDS.find(k => k === value.trim().toLowerCase());
  if (!kind) throw new InputError(`--widget takes v1, v2 or custom, not "${value}"`);
  return kind;
}

const optionalNumber = (flag: string, value: string | undefined) =>
  value === undefined ? undefined : parseNumber(flag, value);

/** parseArgs, its errors turned into one-line input errors. */
function parseOptions<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    // parseArgs messages are specific ("Unknown option '--foo'"); keep only their first line.
    throw new InputError(
      String((error as Error).message)
        .split('\n')[0]!
        .replace(/\. To specify a positional.*$/, ''),
    );
  }
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new InputError(`${flag} takes a non-negative number of seconds, not "${text}"`);
  return value;
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof InputError ? error.message : `unexpected failure: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`lcw-auth: ${message}\n`);
    process.exitCode = 2;
  },
);
