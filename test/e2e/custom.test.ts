/**
 * A custom widget built on Microsoft's own npm Chat SDK (`@microsoft/omnichannel-chat-sdk`, bundled
 * by build.mjs), in real Chromium and Firefox with DevTools closed: the page has no window SDK for
 * the hook, so everything the record holds came over the wire. Every /auth/ call the SDK made must
 * be in the record, each tied to the token it carried and judged. This is the one suite that runs
 * Microsoft's client code: the simulator stubs only Omnichannel's endpoints (the chat service the
 * SDK joins after authentication is not simulated: the page says so).
 */
import { describe, test, expect } from 'vitest';
import type { HTTPRequest } from 'puppeteer-core';
import type { TestBrowser } from '../helpers/browsers.js';
import { useDifferentialRig } from '../helpers/rig.js';
import { tabIdOf, recordOf, current, allRules, type TabAnswer } from '../helpers/record.js';

interface CustomRun {
  /** What the page observed (the SDK's outcome, in its words). */
  observed: string[];
  /** The /auth/ requests the SDK made, as the browser reported them to the test: method, path, token header. */
  authRequests: { method: string; path: string; token: string | null; body: string | undefined }[];
  record: TabAnswer;
}

/** The request's body as the browser reported it to the test; Firefox's WebDriver BiDi does not report it. */
function postDataOf(request: HTTPRequest): string | undefined {
  try {
    return request.postData();
  } catch {
    return undefined;
  }
}

/** The custom context the 'context' site passes to startChat, as the SDK sends it (simulator/chat-sdk-page.ts). */
const SENT_CONTEXT = '{"region":{"value":"EU","isDisplayable":true},"cartvalue":{"value":"999"}}';

for (const name of ['chromium', 'firefox'] as const) {
  describe(`${name}: a custom widget on the npm Chat SDK`, () => {
    const rig = useDifferentialRig(name);

    /** What the page observed, in a browser with or without the extension. */
    async function observedIn(tb: TestBrowser, scenario: string): Promise<string[]> {
      const page = await tb.browser.newPage();
      try {
        await page.goto(`${rig.site.frameOrigin}/custom?scenario=${scenario}`);
        await page.waitForFunction(() => (window as any).__done === true, { timeout: 20_000, polling: 100 });
        return await page.evaluate(() => (window as any).__observed as string[]);
      } finally {
        await page.close();
      }
    }

    /** Runs a custom scenario on localhost (a host the extension may access) and reads the record once it holds `calls` /auth/ calls. */
    async function runCustom(scenario: string, calls: number): Promise<CustomRun> {
      const page = await rig.tb.browser.newPage();
      const authRequests: CustomRun['authRequests'] = [];
      page.on('request', request => {
        const url = new URL(request.url());
        if (!url.pathname.includes('/auth/')) return;
        const headers = request.headers();
        authRequests.push({
          method: request.method(),
          path: url.pathname,
          token: headers['authenticatedusertoken'] ?? null,
          body: postDataOf(request),
        });
      });
      try {
        await page.goto(`${rig.site.frameOrigin}/custom?scenario=${scenario}`);
        await page.waitForFunction(() => (window as any).__done === true, { timeout: 20_000, polling: 100 });
        const observed = await page.evaluate(() => (window as any).__observed as string[]);
        // The differential: Microsoft's SDK in this page observes the same without the extension.
        expect(observed).toEqual(await observedIn(rig.without, scenario));
        const tabId = await tabIdOf(rig.helper, `${rig.site.frameOrigin}/custom`);
        const record = await recordOf(rig.helper, tabId, r => {
          const view = current(r);
          const configured = view.timeline.some(t => t.text.startsWith('Widget configuration answered'));
          return configured && view.authCalls.length === calls && view.authCalls.every(c => c.invocation);
        });
        return { observed, authRequests, record };
      } finally {
        await page.close();
      }
    }

    test('valid: every /auth/ call the SDK made is recorded, with its token, tied to one wire invocation', async () => {
      const { observed, authRequests, record } = await runCustom('valid', 2);
      expect(observed).toContain('authenticated (the chat service is not simulated)');
      // The conversation call, then the session close after the chat service failed: both carry the token.
      expect(authRequests.map(r => [r.method, r.path.split('/').slice(2, 4).join('/')])).toEqual([
        ['POST', 'auth/organization'],
        ['POST', 'auth/sessionclose'],
      ]);
      const view = current(record);
      expect(view.authCalls).toHaveLength(authRequests.length);
      expect(view.authCalls.map(c => [c.status, c.seenBy])).toEqual([
        [200, 'wire'],
        [200, 'wire'],
      ]);
      expect(view.widget.kind).toBe('custom');
      // One token, sent twice: one stand-in invocation, judged without error, both calls tied to it.
      expect(view.invocations.map(i => [i.route, i.errorCode])).toEqual([['wire', null]]);
      expect(new Set(view.authCalls.map(c => c.invocation))).toEqual(new Set([view.invocations[0]!.key]));
      expect(authRequests.every(r => r.token === rig.site.tokens.valid)).toBe(true);
      expect(view.timeline.map(t => t.text)).toContain('Widget configuration answered 200 (seen on the wire)');
    });

    test("unknown-user: the service's 401 and its message become the invocation's finding", async () => {
      const { observed, authRequests, record } = await runCustom('unknown-user', 1);
      expect(observed).toContain('chat failed: ConversationInitializationFailure (401)');
      const view = current(record);
      expect(view.authCalls.map(c => [c.status, c.message, c.seenBy])).toEqual([[401, 'UserId not found', 'wire']]);
      expect(authRequests.map(r => r.token)).toEqual([rig.site.tokens.unknownUser]);
      expect(view.invocations).toHaveLength(1);
      expect(view.invocations[0]!.findings.map(f => f.rule)).toContain('auth.user-not-found');
    });

    test('bearer and expired: the token as sent is judged, beside the 401', async () => {
      const bearer = await runCustom('bearer', 1);
      expect(bearer.authRequests.map(r => r.token)).toEqual([`Bearer ${rig.site.tokens.valid}`]);
      expect(current(bearer.record).authCalls.map(c => c.status)).toEqual([401]);
      expect(allRules(current(bearer.record))).toContain('token.bearer-prefix');

      const expired = await runCustom('expired', 1);
      expect(expired.authRequests.map(r => r.token)).toEqual([rig.site.tokens.expired]);
      expect(current(expired.record).invocations.map(i => i.errorCode)).toEqual([4]);
      expect(allRules(current(expired.record))).toContain('time.expired');
    });

    test("context: what startChat's customContext sent is read from the call's body on the wire, beside lwicontexts", async () => {
      const { observed, authRequests, record } = await runCustom('context', 2);
      expect(observed).toContain('authenticated (the chat service is not simulated)');
      // What Microsoft's SDK put in the conversation call's body, as Chromium reports it to the test.
      const body = authRequests[0]!.body;
      if (name === 'chromium') expect(JSON.stringify(JSON.parse(body!).customContextData)).toBe(SENT_CONTEXT);
      const view = current(record);
      expect(view.authCalls.map(c => [c.endpoint, c.seenBy, c.customContext])).toEqual([
        ['conversation', 'wire', SENT_CONTEXT],
        ['sessionclose', 'wire', undefined],
      ]);
      const [context] = view.findings.filter(f => f.rule === 'auth.custom-context');
      expect(context?.message).toMatch(
        /^POST conversation sent customContextData \{"region".*the token it carried has lwicontexts \{/,
      );
      // The rest of the body (locale, channel) is not kept.
      expect(JSON.stringify(record)).not.toContain('isProactiveChat');
    });

    test('empty: the SDK refuses before sending anything, and the record holds no /auth/ call', async () => {
      const { observed, authRequests, record } = await runCustom('empty', 0);
      expect(observed).toContain('chat failed: UndefinedAuthToken');
      expect(authRequests).toEqual([]);
      const view = current(record);
      expect(view.timeline.map(t => t.text)).toEqual(['Widget configuration answered 200 (seen on the wire)']);
      expect(view.invocations).toEqual([]);
    });
  });
}
