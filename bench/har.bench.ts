/**
 * Figures for `lcw-auth har` (issue: the customer's HAR file): a 500 MB HAR with the widget's
 * traffic in the middle (a trace recorded in Chromium against the simulator, padded with
 * unrelated entries carrying 200 KB bodies), read by the shipped CLI, side by side with
 * JSON.parse of the same file. Time and peak memory (maxRSS) of each, in its own process.
 *   goal: under 10 s and under 300 MB for lcw-auth har
 */
import { spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite } from '../src/simulator/server.js';
import { launchHarRecorder, recordHar } from '../test/helpers/har.js';
import { finish, report } from './measure.js';

const TARGET_BYTES = Number(process.env.LCW_BENCH_HAR_BYTES) || 500_000_000;
const dir = mkdtempSync(join(tmpdir(), 'lcw-har-bench-'));
const file = join(dir, 'big.har');

// A real trace: the v1 widget whose token names an unknown contact (two 401s).
const site = await startSite();
const browser = await launchHarRecorder();
const trace = await recordHar(browser, `${site.origin}/widget?scenario=unknown-user`);
await browser.close();
site.close();

// Written as a stream: the widget's entries in the middle of unrelated ones.
const filler = JSON.stringify({
  startedDateTime: trace.log.entries[0]!.startedDateTime,
  request: { method: 'GET', url: 'https://cdn.contoso.example/bundle.js', headers: [] },
  response: {
    status: 200,
    headers: [],
    content: { size: 200_000, mimeType: 'text/javascript', text: 'x'.repeat(200_000) },
  },
});
const out = openSync(file, 'w');
const { entries, ...rest } = trace.log;
writeSync(out, `{"log":${JSON.stringify(rest).slice(0, -1)},"entries":[`);
const widget = entries.map(e => JSON.stringify(e)).join(',');
const count = Math.ceil((TARGET_BYTES - widget.length) / (filler.length + 1));
for (let i = 0; i < count; i++) {
  if (i === count >> 1) writeSync(out, `${widget},`);
  writeSync(out, i === count - 1 ? filler : `${filler},`);
}
writeSync(out, ']}}');
closeSync(out);
const size = statSync(file).size;

// Each contender in its own process, which reports its peak memory as it exits.
const preload = join(dir, 'peak.mjs');
writeFileSync(
  preload,
  "process.on('exit', () => process.stderr.write(`\\nmaxrss ${process.resourceUsage().maxRSS}\\n`));\n",
);
function run(args: string[]) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', preload, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = Number(/maxrss (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss, status: child.status, stdout: child.stdout };
}
const cli = run(['bin/lcw-auth.mjs', 'har', file, '--json']);
const parse = run([
  '--max-old-space-size=8192',
  '-e',
  `const o = JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')); console.log(o.log.entries.length)`,
]);
rmSync(dir, { recursive: true, force: true });

const result = JSON.parse(cli.stdout) as { widgetEntries: number; entries: number; authCalls: unknown[] };
const ok = cli.ms < 10_000 && cli.rss < 300 && result.authCalls.length === 2;
const results = [
  report(
    `A ${(size / 1e6).toFixed(0)} MB HAR (${result.entries} entries, the widget's ${result.widgetEntries} in the middle)`,
    'lcw-auth har under 10 s and under 300 MB',
    ok,
    [
      `lcw-auth har       ${(cli.ms / 1000).toFixed(2)} s  peak ${cli.rss.toFixed(0)} MB  (exit ${cli.status}, ${result.authCalls.length} /auth/ calls found)`,
      `JSON.parse (node)  ${(parse.ms / 1000).toFixed(2)} s  peak ${parse.rss.toFixed(0)} MB  (exit ${parse.status})`,
      `ratio              ${(cli.ms / parse.ms).toFixed(2)}x the time, ${(cli.rss / parse.rss).toFixed(2)}x the memory`,
    ],
  ),
];
finish(results);
