/** `lcw-auth check`: analyse one token and print the report or the JSON result. */
import { analyzeToken, type TokenAnalysis, type WidgetKindName } from '../analysis/index.js';
import { readToken, readContextVariables, readKey } from './inputs.js';
import { formatReport, jsonText } from './format.js';

export interface CheckArgs {
  token: string | undefined;
  contexts: string | undefined;
  key: string | undefined;
  now: number | undefined;
  skew: number | undefined;
  /** The widget that uses the token, when known (rules that hold for one version follow it). */
  widget?: WidgetKindName | undefined;
  /** The token comes from a Power Pages portal. */
  portal?: boolean;
  json: boolean;
}

export async function runCheck(args: CheckArgs): Promise<number> {
  // Inputs are read before the token is analysed, so a bad flag fails fast with status 2.
  const contextVariables = args.contexts === undefined ? undefined : await readContextVariables(args.contexts);
  const key = args.key === undefined ? undefined : await readKey(args.key);
  const token = await readToken(args.token);
  const analysis = await analyzeToken(token, {
    ...(args.now === undefined ? {} : { now: args.now }),
    ...(args.skew === undefined ? {} : { skewSeconds: args.skew }),
    ...(args.widget ? { widgetKind: args.widget } : {}),
    ...(args.portal ? { portal: true } : {}),
    ...(contextVariables ? { contextVariables } : {}),
    ...(key ? { key } : {}),
  });
  process.stdout.write(args.json ? `${toJson(analysis)}\n` : formatReport(analysis, { color: useColor() }));
  return analysis.verdict === 'error' ? 1 : 0;
}

/** The documented `--json` shape. */
export function toJson(analysis: TokenAnalysis): string {
  const result = {
    errorCode: analysis.errorCode,
    verdict: analysis.verdict,
    findings: analysis.findings.map(({ rule, severity, message, fix }) => ({ rule, severity, message, fix })),
    header: analysis.header,
    claims: analysis.claims,
    contexts: analysis.contexts?.entries
      ? Object.fromEntries(analysis.contexts.entries.map(e => [e.name, e.value]))
      : null,
    signature: analysis.signature.status,
    signatureDetail: analysis.signature.detail,
  };
  try {
    return jsonText(result);
  } catch {
    // Claims nested too deeply to serialise: keep the verdict, say what was left out.
    return JSON.stringify(
      {
        ...result,
        header: null,
        claims: null,
        contexts: null,
        omitted: 'header, claims and contexts are nested too deeply to print',
      },
      null,
      2,
    );
  }
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}
