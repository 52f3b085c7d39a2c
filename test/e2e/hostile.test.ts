/**
 * The hook and the relay against hostile pages (src/simulator/static/attacks*.js), in real Chromium
 * and Firefox: each attack page runs with the extension and without it. What the page observes
 * must be the same (the differential), the page must get hold of nothing of the extension's, and
 * the record must hold the truth: nothing forged, nothing stalled, what was dropped said.
 */
import { describe, test, expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { BrowserName, TestBrowser } from '../helpers/browsers.js';
import { useDifferentialRig } from '../helpers/rig.js';
import { tabIdOf, recordOf, current, allRules, type TabAnswer } from '../helpers/record.js';
import type { SessionView } from '../../src/analysis/session/session.js';
import { openPanel, waitForPanel } from '../helpers/panel.js';
import { MAX_URL_CHARS } from '../../src/protocol/limits.js';

interface AttackState {
  log: string[];
  stolen: string[];
  counts?: Record<string, number>;
  pushMs?: number;
  bigDoneAt?: number;
  lastAt?: number;
  framesSeen?: number;
}

interface AttackRun {
  page: Page;
  observed: string[];
  attack: AttackState;
}

/** Opens the attack page and waits for the scenario (`__done`) and the attack's last line. */
async function runAttack(tb: TestBrowser, url: string, lastLine: string | null): Promise<AttackRun> {
  const page = await tb.browser.newPage();
  try {
    await page.goto(url);
    await waitForAttack(page, lastLine);
  } catch (error) {
    const state = await page
      .evaluate(() => (window as unknown as { __attack?: AttackState }).__attack)
      .catch(() => null);
    await page.close();
    throw new Error(`${url}: ${(error as Error).message}; the attack said ${JSON.stringify(state?.log)}`, {
      cause: error,
    });
  }
  // Late reports (a rejection, an error event) have a moment to land in both runs alike, and the
  // widget frame's replies (from another process) are all in.
  await new Promise(resolve => setTimeout(resolve, 300));
  await page.evaluate(() => (window as unknown as { __settled?: () => Promise<void> }).__settled?.());
  const [observed, attack] = await page.evaluate(() => {
    const w = window as unknown as { __observed: string[]; __attack: AttackState };
    return [w.__observed, w.__attack] as const;
  });
  return { page, observed, attack };
}

async function waitForAttack(page: Page, lastLine: string | null) {
  await page.waitForFunction(
    (line: string | null) => {
      const w = window as unknown as { __done?: boolean; __attack?: AttackState };
      return w.__done === true && (line === null || w.__attack?.log.includes(line) === true);
    },
    { timeout: 30_000, polling: 100 },
    lastLine,
  );
}

/** The scenario's own invocation (its registration: starting the chat does not ask again on v1), with a good token. */
const scenarioInvocations = (view: SessionView) => view.invocations.filter(i => i.key === '0:1');
function healthy(view: SessionView) {
  expect(scenarioInvocations(view).map(i => [i.outcome, i.errorCode])).toEqual([['token', null]]);
}

interface Attack {
  path: string;
  /** The attack's last log line (null: the scenario's end is enough). */
  last: string | null;
  ready: (view: SessionView) => boolean;
  check: (view: SessionView, run: AttackRun, record: TabAnswer) => void;
  /** The page's logs have lines from cross-origin round trips, whose order against each other varies. */
  unordered?: true;
}

const scenarioDone = (view: SessionView) => scenarioInvocations(view).filter(i => i.outcome !== 'pending').length === 1;

const NAMESPACE_SHAPES = ['frozen', 'inherited', 'prototype', 'getter', 'proxy', 'revoked', 'cross-origin', 'function'];

const ATTACKS: Record<string, Attack> = {
  'a page that replaced MessagePort.prototype gets no port, forges nothing, closes nothing': {
    path: '/widget?scenario=valid&attack=port-theft',
    last: null,
    ready: scenarioDone,
    check: (view, run) => {
      expect(run.attack.stolen).toEqual([]);
      healthy(view);
      expect(view.invocations.map(i => i.key)).toEqual(['0:1']);
      expect(view.widgetErrors).toEqual([]);
    },
  },
  'a page that replaced Proxy, Reflect, WeakMap, Array, String, JSON and polluted Object.prototype reaches nothing': {
    path: '/widget?scenario=valid&attack=patched-builtins',
    last: 'reflection done',
    ready: view => scenarioDone(view) && view.invocations.length === 2,
    check: (view, run) => {
      expect(run.attack.stolen).toEqual([]);
      healthy(view);
      // What remains (docs/architecture.md): a stack taken beneath the wrapped provider names the hook's script.
      console.log(`stacks naming the extension's script, seen by the page: ${run.attack.framesSeen ?? 0}`);
    },
  },
  'a page that broke performance.timeOrigin and now() cannot misdate the record': {
    path: '/widget?scenario=valid&attack=clock',
    last: null,
    ready: scenarioDone,
    check: view => {
      healthy(view);
      expect(allRules(view).filter(r => r.startsWith('time.'))).toEqual([]);
      for (const entry of view.timeline) expect(Math.abs(entry.at - Date.now())).toBeLessThan(120_000);
    },
  },
  'synthetic messages and rejections are not taken for the widget': {
    path: '/widget?scenario=valid&attack=forged-events',
    last: 'forged',
    ready: view => view.invocations.length === 2 && view.invocations.every(i => i.outcome !== 'pending'),
    check: view => {
      expect(view.timeline.filter(t => t.kind === 'req')).toEqual([]);
      expect(view.timeline.filter(t => t.kind === 'rej')).toEqual([]);
      expect(view.invocations.map(i => i.outcome)).toEqual(['token', 'token']);
      expect(view.clientFunctionFound).toBeNull();
    },
  },
  'requests naming built-ins or read-only functions wrap nothing; only the widget frame is heard': {
    // The client-function scenario ends once the widget's frame got its token (a fixed timer raced
    // the cross-origin round trip); the other frame's request still comes at its own time.
    path: '/widget?scenario=client-function&attack=builtin-request&fn=Array.prototype.push,siteAuth.locked',
    unordered: true,
    last: "locked is still the page's: true",
    ready: view => view.timeline.filter(t => t.kind === 'req').length === 2,
    check: (view, run) => {
      expect(run.attack.log).toContain('push is the same function: true');
      expect(run.attack.log).toContain('push source unchanged: true');
      // Heard once each, from the widget's iframe: the other frame's request for push is not in the record.
      expect(view.timeline.filter(t => t.kind === 'req').map(t => t.text)).toEqual([
        'Widget asked for a token via Array.prototype.push',
        'Widget asked for a token via siteAuth.locked',
      ]);
      expect(view.invocations.filter(i => i.route === 'clientFunction')).toEqual([]);
      console.log(`20,000 pushes after the requests: ${run.attack.pushMs?.toFixed(1)} ms`);
    },
  },
  'the functions beside a missing client function: no setter, getter or trap of the page breaks anything': {
    path: '/widget?scenario=client-function-missing&attack=near-traps',
    last: 'asked again',
    ready: view => view.timeline.filter(t => t.kind === 'req').length === 2,
    check: (view, run, record) => {
      // The widget's own host script trips the throwing trap in both runs alike (the differential
      // compares every line): the extension adds no error of its own, and runs no getter.
      expect(run.attack.log.filter(l => l.startsWith('getter ran'))).toEqual([]);
      // Data properties only (the getter is not listed); nothing from the owner whose traps throw.
      const asked = record.sessions.at(-1)!.events.flatMap(e => (e.k === 'req' ? [e.near] : []));
      expect(asked).toEqual([['getAuthenticationTokn'], undefined]);
      expect(view.findings.map(f => f.rule)).toContain('invocation.client-function-missing');
    },
  },
  "a context provider's answer with a getter and a Proxy: read as data, nothing runs": {
    path: '/widget?scenario=valid&attack=context-getters',
    last: 'done',
    ready: view => view.context?.calls[0]?.returned !== undefined,
    check: (view, run) => {
      expect(run.attack.log).toContain("getContextProvider is the page's own: true");
      expect(run.attack.log.filter(l => l.startsWith('getter ran') || l.startsWith('uncaught'))).toEqual([]);
      expect(view.context?.calls.map(c => c.returned)).toEqual([
        { region: 'EU', secret: '(accessor)', nested: '(unreadable)' },
      ]);
    },
  },
  'a portal namespace behind a getter or throwing traps: nothing runs, nothing breaks, no portal claimed': {
    path: '/widget?scenario=client-function&attack=portal-traps',
    last: 'namespace restored',
    ready: view => view.invocations.length === 1 && view.invocations[0]!.outcome === 'token',
    check: (view, run) => {
      expect(run.attack.log.filter(l => l.startsWith('getter ran') || l.startsWith('uncaught'))).toEqual([]);
      expect(view.widget.portal).toBe(false);
      expect(view.invocations.map(i => [i.route, i.functionName])).toEqual([
        ['clientFunction', 'auth.getAuthenticationToken'],
      ]);
    },
  },
  'getters on thrown, handed and detail values never run; Proxy details never break the page': {
    path: '/widget?scenario=valid&attack=getters',
    last: 'done',
    ready: view => view.timeline.some(t => t.kind === 'rej'),
    check: (view, run) => {
      expect(run.attack.log.filter(l => l.startsWith('getter ran'))).toEqual(['getter ran: rejection.message']);
      expect(view.widgetErrors.map(e => [e.errorCode, e.description])).toContainEqual([4, '(accessor)']);
      const handed = view.invocations.find(i => i.outcome === 'non-string');
      // The getter is not run: its value is not there; a function shows as null.
      expect(handed?.callbacks[0]?.value).toEqual({ o: 'object', p: { toJSON: null } });
      expect(view.timeline.find(t => t.kind === 'rej')?.text).toBe("Provider #5's promise rejected: (accessor)");
    },
  },
  'twelve 1 MB tokens, a 40 MB detail and a token over 1 MiB: nothing stalls, the cut is said': {
    path: '/widget?scenario=valid&attack=big',
    last: 'big done',
    // The record keeps about 9 MB: the middle of twelve 1 MB tokens goes, the start and the newest stay.
    ready: view => view.invocations.at(-1)?.key === '0:15' && view.invocations.at(-1)?.outcome === 'token',
    check: (view, run, record) => {
      const last = view.invocations.at(-1)!;
      expect([last.outcome, last.errorCode]).toEqual(['token', null]);
      expect(view.invocations[0]?.key).toBe('0:1');
      expect(record.sessions[0]!.dropped).toBeGreaterThan(0);
      // Every registration survives the cut (their chunks went), and the loss is named, never a false "none".
      expect(view.registrations.length).toBeGreaterThanOrEqual(14);
      expect(view.findings.map(f => f.rule)).not.toContain('registration.none');
      expect(view.lostEvents.bounds).toBe(record.sessions[0]!.dropped);
      const cut = view.invocations.at(-2)!;
      expect(cut.key).toBe('0:14');
      expect(cut.callbacks[0]?.value).toMatchObject({ o: 'cut', t: expect.stringMatching(/^eyJ/) as unknown });
      expect((cut.callbacks[0]?.value as { n: number }).n).toBeGreaterThan(1.5 * 1024 * 1024);
      expect(cut.findings.map(f => f.rule)).toContain('invocation.token-cut');
    },
  },
  'after a 40 MB lcw:error detail, the next registration and its token are still recorded': {
    path: '/widget?scenario=valid&attack=big-detail',
    last: 'big done',
    ready: view => view.invocations.length >= 2 && view.invocations.at(-1)?.outcome === 'token',
    check: (view, run) => {
      // The registration made after the detail (the page notes when): recorded, with the token it handed over.
      const doneAt = run.attack.bigDoneAt!;
      expect(view.registrations.filter(r => r.at >= doneAt - 50)).toHaveLength(1);
      const last = view.invocations.at(-1)!;
      expect(last.startedAt).toBeGreaterThanOrEqual(doneAt - 50);
      expect([last.outcome, last.errorCode]).toEqual(['token', null]);
      expect(view.widgetErrors.length).toBeGreaterThanOrEqual(1);
    },
  },
  'a flood of invocations keeps the first registration and the newest, and says what it dropped': {
    path: '/widget?scenario=valid&attack=flood',
    last: 'flood done',
    // The last registration's report follows its invocation's: wait for both (the flood's all threw).
    ready: view =>
      view.timeline.some(t => t.kind === 'drop') &&
      view.invocations.at(-1)?.outcome === 'token' &&
      view.registrations.length > 2 &&
      view.registrations.at(-1)?.error === undefined,
    check: view => {
      expect(view.registrations[0]).toMatchObject({ isFunction: true });
      expect(view.registrations[0]!.error).toBeUndefined();
      expect(view.registrations[1]!.error?.m).toBe('flood');
      expect(view.invocations[0]!.key).toBe('0:1');
      expect(view.lostEvents.flood).toBeGreaterThan(1000);
      expect(view.timeline.find(t => t.kind === 'drop')?.text).toMatch(
        /events dropped: the page raised them faster than they could be recorded/,
      );
    },
  },
};
for (const shape of NAMESPACE_SHAPES) {
  ATTACKS[`a namespace that is ${shape}: the widget works, the page sees its own, registrations are recorded`] = {
    path: `/widget?scenario=valid&attack=ns-${shape}`,
    last: null,
    ready: scenarioDone,
    check: (view, run) => {
      healthy(view);
      expect(run.attack.log.filter(l => l.startsWith('uncaught'))).toEqual([]);
    },
  };
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useDifferentialRig(name);

    for (const [title, attack] of Object.entries(ATTACKS)) {
      test(
        title,
        async () => {
          const url = `${rig.site.origin}${attack.path}`;
          const runs = await Promise.allSettled([
            runAttack(rig.tb, url, attack.last),
            runAttack(rig.without, url, attack.last),
          ]);
          const [run, plain] = runs.map(r => (r.status === 'fulfilled' ? r.value : null));
          if (!run || !plain) {
            await Promise.all([run?.page.close(), plain?.page.close()]);
            throw (runs.find(r => r.status === 'rejected') as PromiseRejectedResult).reason;
          }
          try {
            // The differential: the page observes the same with and without the extension.
            const inOrder = (lines: string[]) => (attack.unordered ? [...lines].sort() : lines);
            expect(inOrder(run.observed)).toEqual(inOrder(plain.observed));
            expect(inOrder(run.attack.log)).toEqual(inOrder(plain.attack.log));
            // Puppeteer's own polling iterates arrays in the page: that count is the harness's, not the page's.
            const counts = (a: AttackRun) => ({ ...a.attack.counts, 'Array iterator': 0 });
            expect(counts(run)).toEqual(counts(plain));
            expect(run.attack.log.slice(0, 3)).toEqual([
              "'Microsoft' in window: false",
              'keys list it: false',
              'bare Microsoft threw ReferenceError',
            ]);
            const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
            const record = await recordOf(rig.helper, tabId, r => attack.ready(current(r)));
            attack.check(current(record), run, record);
          } finally {
            await Promise.all([run.page.close(), plain.page.close()]);
          }
        },
        60_000,
      );
    }

    test("a name with a bidi override cannot reverse the panel's words", async () => {
      const name = 'auth.\u202Egnp.exe';
      const page = await rig.tb.browser.newPage();
      try {
        await page.goto(`${rig.site.origin}/widget?scenario=client-function-missing&fn=${encodeURIComponent(name)}`);
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        await recordOf(rig.helper, tabId, r => current(r).timeline.some(t => t.kind === 'req'));
        const shown = await openPanel(rig.tb, tabId);
        const text = await waitForPanel(shown, t => t.verdict.includes('auth.'));
        expect(text.verdict).toBe(
          'The widget asked for a token through "auth.<U+202E>gnp.exe", which is not a function on this page.',
        );
        expect(text.rows.join('\n')).toContain('Widget asked for a token via auth.<U+202E>gnp.exe (not found)');
        expect(await shown.evaluate(() => document.body.innerText.includes('\u202E'))).toBe(false);
        await shown.close();
      } finally {
        await page.close();
      }
    });

    test("hostile bodies on the connector's /auth/ path: the background reads none past its bound, and goes on", async () => {
      /** The page's own calls, one after the other: what each answered, as the page saw it. */
      const sendAll = async (tb: TestBrowser) => {
        const page = await tb.browser.newPage();
        try {
          // localhost: a host the extension may access, so Chromium reports the page's own calls too.
          await page.goto(`${rig.site.frameOrigin}/plain`);
          const statuses = await page.evaluate(async (token: string) => {
            const url = '/livechatconnector/auth/organization/o/widgetApp/custom-valid/conversation';
            const enc = new TextEncoder();
            const bodies: BodyInit[] = [
              `{"customContextData":{"big":"${'x'.repeat(40 * 1024 * 1024)}"}}`, // 40 MB
              `{"customContextData":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, // overflows JSON.stringify
              new Uint8Array([...enc.encode('{"customContextData":{"a":"'), 0xff, 0xfe, ...enc.encode('"}}')]),
              '{"customContextData":{"ok":"yes"}}',
            ];
            const out: number[] = [];
            for (const body of bodies)
              out.push(
                await fetch(url, { method: 'POST', headers: { AuthenticatedUserToken: token }, body }).then(
                  r => r.status,
                  () => 0,
                ),
              );
            return out;
          }, rig.site.tokens.valid);
          return { page, statuses };
        } catch (error) {
          await page.close();
          throw error;
        }
      };
      const [run, plain] = await Promise.all([sendAll(rig.tb), sendAll(rig.without)]);
      try {
        expect(run.statuses).toEqual(plain.statuses);
        const tabId = await tabIdOf(rig.helper, `${rig.site.frameOrigin}/plain`);
        const view = current(await recordOf(rig.helper, tabId, r => current(r).authCalls.length === 4));
        expect(view.authCalls.map(c => c.status)).toEqual(run.statuses);
        // Past 64 KiB nothing is read; odd bytes are decoded as text.
        const contexts = view.authCalls.map(c => c.customContext);
        expect([contexts[0], ...contexts.slice(2)]).toEqual([undefined, '{"a":"\uFFFD\uFFFD"}', '{"ok":"yes"}']);
        // 30,000 levels of nesting: cut to 2,000 characters where the background's stack can stringify
        // them (Chromium), else no context (Firefox); never an exception that stops the recording.
        expect([undefined, `${'['.repeat(1999)}…`]).toContain(contexts[1]);
        expect(view.findings.find(f => f.rule === 'auth.custom-context')?.message).toMatch(
          new RegExp(
            `^POST conversation sent customContextData \\{"ok":"yes"\\} \\(${contexts.filter(c => c).length} calls sent ` +
              'custom context; the last one is shown\\)',
          ),
        );
      } finally {
        await Promise.all([run.page.close(), plain.page.close()]);
      }
    }, 60_000);

    test('a provider that threw leaves no 10 s timer behind: no "no callback" report after it', async () => {
      const page = await rig.tb.browser.newPage();
      try {
        await page.goto(`${rig.site.origin}/widget?scenario=throws`);
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}/widget`);
        await recordOf(rig.helper, tabId, r => current(r).invocations[0]?.outcome === 'threw');
        // Past the relay's 10 s callback limit: a timer left running would have reported by now.
        await new Promise(resolve => setTimeout(resolve, 10_500));
        const view = current(await recordOf(rig.helper, tabId));
        expect(view.invocations.map(i => i.outcome)).toEqual(['threw']);
        expect(view.timeline.filter(t => t.text.startsWith('No callback'))).toEqual([]);
      } finally {
        await page.close();
      }
    }, 30_000);

    test('a page path over 4,096 characters still gets its own page session', async () => {
      const path = `/widget/${'a'.repeat(5000)}`;
      const run = await runAttack(rig.tb, `${rig.site.origin}${path}?scenario=valid`, null);
      try {
        const tabId = await tabIdOf(rig.helper, `${rig.site.origin}${path}`.slice(0, MAX_URL_CHARS));
        const record = await recordOf(rig.helper, tabId, r => scenarioDone(current(r)));
        expect(record.sessions).toHaveLength(1);
        healthy(current(record));
      } finally {
        await run.page.close();
      }
    });
  });
}
