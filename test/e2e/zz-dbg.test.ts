import { test } from 'vitest';
import { launch, openExtensionPage } from '../helpers/browsers.js';
import { startSite } from '../helpers/site.js';
import { tabIdOf, recordOf, current, runScenario } from '../helpers/record.js';
test('dbg', async () => {
  const site = await startSite();
  const tb = await launch('chromium');
  const helper = await openExtensionPage(tb, 'panel.html?tabId=0');
  const run = await runScenario(tb, site.origin, '/widget?scenario=valid');
  const tabId = await tabIdOf(helper, `${site.origin}/widget`);
  const r = await recordOf(helper, tabId, r => current(r).deliveries.length === 2);
  const v = current(r);
  const t0 = v.timeline[0]!.at;
  console.log(
    'DBG',
    JSON.stringify(v.timeline.map(t => [Math.round((t.at - t0) * 100) / 100, t.kind, t.frame, t.text.slice(0, 40)])),
  );
  console.log('DBG2', JSON.stringify(v.deliveries.map(d => [d.invocation, d.tokenOf, d.at - t0])));
  await run.page.close();
  await tb.close();
  site.close();
}, 60000);
