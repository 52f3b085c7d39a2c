/**
 * Figures for hostile input, measured side by side in one run:
 *  - peak memory (max RSS) of `lcw-auth check --key URL` against a 1 GiB and an endless key URL,
 *    beside the same command against a good key URL                  (goal: within 1.5x of it)
 *  - the panel's Verify against the same URLs: the panel page's JS heap after verifying, beside
 *    after verifying a good key URL                                   (goal: within 1.5x of it)
 *  - the relay after a 40 MB lcw:error detail and twelve 1 MB tokens: the time from the page's
 *    last registration to its invocation being in the record        (goal: under 1 s)
 */
import { createServer, type ServerResponse } from 'node:http';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openExtensionPage } from '../test/helpers/browsers.js';
import { startSite } from '../test/helpers/site.js';
import { current, readTab, tabIdOf } from '../test/helpers/record.js';
import { verify } from '../test/helpers/panel.js';
import { finish, report } from './measure.js';

const site = await startSite();
const chunk = Buffer.alloc(64 * 1024, 'k');
const routes: Record<string, (res: ServerResponse) => void> = {
  '/key.pem': res => res.end(site.publicKeyPem),
  '/gigabyte': res => {
    // 1 GiB really sent (no length announced): only a reader that stops early is spared it.
    let sent = 0;
    const more = () => {
      while (sent < 2 ** 30 && res.write(chunk)) sent += chunk.length;
      if (sent >= 2 ** 30) res.end();
    };
    res.on('drain', more);
    more();
  },
  '/endless': res => {
    const more = () => {
      while (res.write(chunk));
    };
    res.on('drain', more);
    more();
  },
};
const server = createServer((req, res) => {
  res.setHeader('access-control-allow-origin', '*');
  (routes[req.url ?? ''] ?? (r => r.end()))(res);
});
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const results: boolean[] = [];

try {
  {
    // The CLI, with a preload that prints its peak RSS on exit.
    const dir = mkdtempSync(join(tmpdir(), 'lcw-bench-'));
    const preload = join(dir, 'maxrss.mjs');
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write(`\\nMAXRSS ${process.resourceUsage().maxRSS}\\n`));\n",
    );
    const peak = (path: string) => {
      const run = spawnSync(
        process.execPath,
        ['--import', preload, 'bin/lcw-auth.mjs', 'check', site.tokens.valid, '--key', `${base}${path}`],
        {
          encoding: 'utf8',
        },
      );
      return Number(/MAXRSS (\d+)/.exec(run.stderr)?.[1]) / 1024;
    };
    const good = peak('/key.pem');
    const gigabyte = peak('/gigabyte');
    const endless = peak('/endless');
    const worst = Math.max(gigabyte, endless) / good;
    results.push(
      report('lcw-auth check --key URL: peak memory', 'within 1.5x of a good key URL', worst <= 1.5, [
        `good key URL     ${good.toFixed(1)} MB`,
        `1 GiB body       ${gigabyte.toFixed(1)} MB (${(gigabyte / good).toFixed(2)}x)`,
        `endless body     ${endless.toFixed(1)} MB (${(endless / good).toFixed(2)}x)`,
      ]),
    );
  }
  const tb = await launch('chromium');
  try {
    {
      // The panel's Verify, driven as a person would (the verify e2e test's steps); the panel
      // page's JS heap after each, garbage collected.
      const heapAfter = async (path: string) => {
        const panel = await openExtensionPage(tb, 'panel.html?tabId=0');
        await panel.click('#tab-paste');
        const client = await panel.createCDPSession();
        const result = await verify(panel, site.tokens.valid, { url: `${base}${path}` }, 60_000);
        await client.send('HeapProfiler.collectGarbage');
        const { usedSize } = (await client.send('Runtime.getHeapUsage')) as { usedSize: number };
        await panel.close();
        return { heap: usedSize / 1024 / 1024, message: (result.lines[0] ?? '').slice(0, 70) };
      };
      const good = await heapAfter('/key.pem');
      const gigabyte = await heapAfter('/gigabyte');
      const endless = await heapAfter('/endless');
      const worst = Math.max(gigabyte.heap, endless.heap) / good.heap;
      results.push(
        report('panel Verify: JS heap of the panel page after', 'within 1.5x of a good key URL', worst <= 1.5, [
          `good key URL     ${good.heap.toFixed(1)} MB  ${good.message}`,
          `1 GiB body       ${gigabyte.heap.toFixed(1)} MB  ${gigabyte.message}`,
          `endless body     ${endless.heap.toFixed(1)} MB  ${endless.message}`,
        ]),
      );
    }
    {
      // From the page's last registration to its invocation in the record, after each load.
      const panel = await openExtensionPage(tb, 'panel.html?tabId=0');
      // The registration after the big values hands over the valid token: its invocation starts once
      // the page says it is done (the page and the hook read the same wall clock, to a few ms).
      const recovery = async (attack: string) => {
        const page = await tb.browser.newPage();
        await page.goto(`${site.origin}/widget?scenario=valid&attack=${attack}`);
        const doneAt = (await (
          await page.waitForFunction(
            () => (window as unknown as { __attack: { bigDoneAt?: number } }).__attack.bigDoneAt,
            {
              timeout: 30_000,
            },
          )
        ).jsonValue()) as number;
        const tabId = await tabIdOf(panel, `${site.origin}/widget`);
        let recordedAt = 0;
        for (let i = 0; i < 1500 && !recordedAt; i++) {
          const record = await readTab(panel, tabId);
          const last = record.sessions.length > 0 ? current(record).invocations.at(-1) : undefined;
          if (
            last &&
            last.startedAt >= doneAt - 50 &&
            last.outcome === 'token' &&
            last.analysis?.token === site.tokens.valid
          )
            recordedAt = Date.now();
          else await new Promise(resolve => setTimeout(resolve, 20));
        }
        if (!recordedAt) {
          // Say what the record holds instead, so a figure that cannot be measured says why.
          const record = await readTab(panel, tabId);
          const s = record.sessions.at(-1);
          const last = s?.view.invocations.at(-1);
          console.log(
            `  (${attack}: not recorded; the record: ${record.sessions.length} sessions, ${s?.eventCount} events, ` +
              `${s?.dropped} dropped, lost ${JSON.stringify(s?.view.lostEvents)}, newest invocation ` +
              `${last ? `${last.key} ${last.outcome} at ${last.startedAt - doneAt} ms` : 'none'})`,
          );
        }
        await page.close();
        return recordedAt ? recordedAt - doneAt : Infinity;
      };
      const detail = await recovery('big-detail');
      const tokens = await recovery('big');
      results.push(
        report('relay after a 40 MB lcw:error detail', 'the next registration recorded within 1 s', detail < 1000, [
          `recorded ${detail} ms after the page registered`,
        ]),
      );
      console.log(
        `\n  for comparison: after twelve 1 MB tokens and a 1.5 MiB one (13 MB to store, 9 MB kept), ${tokens} ms`,
      );
    }
  } finally {
    await tb.close();
  }
} finally {
  server.closeAllConnections();
  server.close();
  site.close();
}
finish(results);
