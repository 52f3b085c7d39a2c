/**
 * `lcw-auth har FILE`: the diagnosis from a browser trace attached to a ticket. The file is read
 * as a stream (only the widget's entries are kept, so a 500 MB HAR costs little memory), turned
 * into the record's events and judged like a live page; the summary is the report's, and
 * `--report` writes the report the panel exports (signatures redacted).
 */
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import {
  analyzeToken,
  type ContextVariable,
  type KeySet,
  readHar,
  assembleSession,
  buildReport,
  reportSummary,
  reportVerdict,
  invocationLabel,
  damagedWords,
  type SessionView,
} from '../analysis/index.js';
import { InputError, cannotRead, readContextVariables, readKey } from './inputs.js';
import { reportFails } from './report.js';
import { jsonText, safe } from './format.js';

export interface HarArgs {
  file: string;
  contexts: string | undefined;
  /** The public key (file or https:// URL) to verify each token's signature with. */
  key: string | undefined;
  /** Judge as of this Unix time (seconds) instead of the trace's last request. */
  now: number | undefined;
  json: boolean;
  report: string | undefined;
}

export async function runHar(args: HarArgs): Promise<number> {
  const contextVariables: ContextVariable[] | undefined =
    args.contexts === undefined ? undefined : await readContextVariables(args.contexts);
  const key = args.key === undefined ? undefined : await readKey(args.key);
  const { scan, traffic, nothing } = await readFile(args.file);
  if (nothing) throw new InputError(nothing);
  const nowMs = args.now === undefined ? (traffic.lastAt ?? Date.now()) : args.now * 1000;
  const view = assembleSession(traffic.events, {
    nowMs,
    source: 'har',
    unreadable: scan.damagedCount,
    ...(contextVariables ? { contextVariables } : {}),
  });
  const report = buildReport(view, { url: traffic.pageUrl ?? 'about:blank', now: nowMs, source: 'har' });
  if (args.report !== undefined) {
    try {
      await writeFile(args.report, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      throw new InputError(`cannot write the report to ${args.report}: ${(error as Error).message}`);
    }
  }
  const signatures = key ? await verifySignatures(view, key) : [];
  const failing = reportFails(report) || signatures.some(s => s.status === 'invalid');
  if (args.json) {
    const result = {
      verdict: reportVerdict(report).text,
      entries: scan.entryCount,
      widgetEntries: scan.entries.length,
      invocations: report.invocations.length,
      errorCodes: report.invocations.map(i => i.errorCode),
      observed: report.invocations.map(i => i.observed?.code ?? null),
      authCalls: (report.authCalls ?? []).map(c => ({ endpoint: c.endpoint, status: c.status, message: c.message })),
      signatures: key ? signatures : undefined,
      problem: scan.problem,
      unreadable: scan.damagedCount,
      damaged: scan.damaged,
    };
    process.stdout.write(`${jsonText(result)}\n`);
  } else {
    // Only the file's name is the user's text: the line breaks are ours.
    const lead = `${safe(args.file)}: ${scan.entries.length} of ${scan.entryCount} entries are the widget's\n\n`;
    process.stdout.write(lead + reportSummary(report).split('\n').map(safe).join('\n'));
    if (key) {
      const lines = signatures.map(s => `  invocation ${invocationLabel(s.invocation)}: ${s.status}: ${s.detail}`);
      process.stdout.write(
        `\nSignatures (--key ${safe(args.key ?? '')}):\n${lines.map(safe).join('\n') || '  no token'}\n`,
      );
    }
  }
  // A cut-off or damaged file still gets what it held analysed, and says so last, where it is seen.
  if (scan.damagedCount > 0) {
    process.stderr.write(`lcw-auth: ${safe(args.file)}: ${safe(damagedWords(scan))}; judged from the rest\n`);
    return 2;
  }
  if (scan.problem) {
    process.stderr.write(`lcw-auth: ${safe(args.file)}: ${safe(scan.problem)}; analysed what came before it\n`);
    return 2;
  }
  return failing ? 1 : 0;
}

/** Each token's signature checked with the key, as of when it was sent. */
async function verifySignatures(view: SessionView, key: KeySet) {
  const out: { invocation: string; status: string; detail: string }[] = [];
  for (const invocation of view.invocations) {
    const token = invocation.analysis?.token;
    if (!token) continue;
    const analysis = await analyzeToken(token, { key, now: invocation.startedAt / 1000 });
    out.push({ invocation: invocation.key, status: analysis.signature.status, detail: analysis.signature.detail });
  }
  return out;
}

/** Streams the file through the engine's HAR reader, with a progress line on a terminal. */
async function readFile(file: string) {
  try {
    const size = (await stat(file)).size;
    const progress = process.stderr.isTTY === true && size > 20_000_000;
    const onPercent = (percent: number) => process.stderr.write(`\rreading ${file}: ${percent}%`);
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    const reading = await readHar(stream, file, progress ? { totalBytes: size, onPercent } : undefined);
    if (progress) process.stderr.write('\r\x1b[K');
    return reading;
  } catch (error) {
    throw cannotRead('HAR file', file, error);
  }
}
