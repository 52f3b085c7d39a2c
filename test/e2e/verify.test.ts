/**
 * "Verify signature" in Chromium and Firefox, against the simulator's public key URLs: the two
 * documented formats, a JWKS, an expired key-list entry, a weak or wrong key, 401, an HTML page,
 * silence; and keys pasted by hand.
 */
import { describe, test, expect } from 'vitest';
import { useRig } from '../helpers/rig.js';
import { openExtensionPage, type BrowserName } from '../helpers/browsers.js';
import { verify } from '../helpers/panel.js';
import type { Site } from '../helpers/site.js';

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(name, () => {
    const rig = useRig(name, { then: rig => rig.helper.click('#tab-paste') });

    const cases: [
      title: string,
      token: (s: Site) => string,
      key: (s: Site) => { url?: string; key?: string },
      status: string | undefined,
      says: RegExp,
    ][] = [
      [
        'a PEM key URL',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/public.pem` }),
        'verified',
        /holds a PEM public key \(1 key\)/,
      ],
      [
        'the Omnichannel key list, token with its kid',
        s => s.tokens.kid,
        s => ({ url: `${s.origin}/keys/list.json` }),
        'verified',
        /^Verified with key "site-key-1"[\s\S]*an Omnichannel key list \(2 keys: site-key-1, site-key-2\)/,
      ],
      [
        'the key list, token without a kid',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/list.json` }),
        'kid-required',
        /kid/,
      ],
      [
        'the key list, a kid it does not have',
        s => s.tokens.xss,
        s => ({ url: `${s.origin}/keys/list.json` }),
        'no-matching-key',
        /site-key-1, site-key-2/,
      ],
      [
        'a key list entry that expired',
        s => s.tokens.kid,
        s => ({ url: `${s.origin}/keys/expired-list.json` }),
        'key-expired',
        /expired 24 hours ago/,
      ],
      [
        'a JWKS (not what Omnichannel reads)',
        s => s.tokens.kid,
        s => ({ url: `${s.origin}/keys/jwks.json` }),
        'verified',
        /JWKS/,
      ],
      ['another key', s => s.tokens.valid, s => ({ url: `${s.origin}/keys/other.pem` }), 'invalid', /does not match/],
      ['a 1024-bit key', s => s.tokens.valid, s => ({ url: `${s.origin}/keys/weak.pem` }), 'weak-key', /1024 bits/],
      [
        'an expired token: the signature still checks',
        s => s.tokens.expired,
        s => ({ url: `${s.origin}/keys/public.pem` }),
        'verified',
        /valid/,
      ],
      [
        'a URL answering 401',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/401` }),
        undefined,
        /answered 401 Unauthorized: it needs a sign-in, but Omnichannel fetches it anonymously/,
      ],
      [
        'a URL answering 404',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/none` }),
        undefined,
        /answered 404 Not Found: nothing is published there/,
      ],
      [
        'an endless answer: read to 1 MB, then dropped',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/endless` }),
        undefined,
        /answered more than 1048576 bytes; a key document is a few KB/,
      ],
      [
        'a redirect: the browser hides where, so it is not followed',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/redirect` }),
        undefined,
        /redirects elsewhere, and the browser does not show where, so it was not followed/,
      ],
      [
        'a URL answering a sign-in page',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/signin.html` }),
        undefined,
        /answered a sign-in page: Omnichannel fetches the key without signing in, so it gets this page\. Serve the key/,
      ],
      [
        "Power Pages without its certificate: 'Key Not Found'",
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/portal/_services/auth/publickey` }),
        undefined,
        /answered "Key Not Found": this Power Pages site has no certificate for its token endpoint[\s\S]*is a loopback address/,
      ],
      [
        'a key read here: it proves nothing about the service, and this host is loopback',
        s => s.tokens.valid,
        s => ({ url: `${s.origin}/keys/public.pem` }),
        'verified',
        /127\.0\.0\.1:\d+ is a loopback address \(this machine\): Omnichannel fetches the key from the internet[\s\S]*was read from this browser; that does not show Omnichannel can reach it/,
      ],
      [
        'a plain http URL',
        s => s.tokens.valid,
        () => ({ url: 'http://example.com/publickey' }),
        undefined,
        /is not https: Omnichannel only fetches public https URLs/,
      ],
      [
        'a pasted PEM',
        s => s.tokens.valid,
        s => ({ key: s.publicKeyPem }),
        'verified',
        /the pasted key holds a PEM public key/,
      ],
      [
        'a pasted JWT instead of a key',
        s => s.tokens.valid,
        s => ({ key: s.tokens.valid }),
        undefined,
        /This is a JWT, not a public key/,
      ],
      ['nothing given', s => s.tokens.valid, () => ({}), undefined, /Give the public key URL or paste the key/],
    ];
    for (const [title, token, key, status, says] of cases) {
      test(title, async () => {
        const result = await verify(rig.helper, token(rig.site), key(rig.site));
        expect(result.status).toBe(status);
        expect(result.lines.join(' ')).toMatch(says);
      });
    }

    test.runIf(name === 'chromium')(
      'a URL that never answers: stopped after 10 s, and said so',
      async () => {
        const result = await verify(
          rig.helper,
          rig.site.tokens.valid,
          { url: `${rig.site.origin}/keys/silent` },
          20_000,
        );
        expect(result.lines.join(' ')).toMatch(/did not answer within 10 s/);
      },
      30_000,
    );

    test('from an invocation: verified, and the URL is offered again for the site', async () => {
      const page = await rig.tb.browser.newPage();
      await page.goto(`${rig.site.origin}/widget?scenario=valid`);
      const tabs = (await rig.helper.evaluate(() =>
        (globalThis as any).chrome.runtime.sendMessage({ type: 'list-tabs' }),
      )) as { tabId: number; url: string }[];
      const tabId = tabs.find(t => t.url === `${rig.site.origin}/widget`)!.tabId;
      const view = await openExtensionPage(rig.tb, `panel.html?tabId=${tabId}`);
      try {
        await view.waitForSelector('#detail .verify-section input');
        // Before Verify: the Signature section says where to give the key, not "no key was given".
        expect(await view.$eval('#detail', n => n.textContent)).toContain(
          'Not checked yet: give the public key in Verify signature below.',
        );
        await view.type('#detail .verify-section input', `${rig.site.origin}/keys/public.pem`);
        await view.click('#detail .verify-section button');
        await view.waitForSelector('#detail .verify-line[data-status="verified"]');
        await expect
          .poll(() => rig.helper.evaluate(() => (globalThis as any).chrome.storage.local.get(null)))
          .toMatchObject({ [`keyurl:${rig.site.origin}`]: `${rig.site.origin}/keys/public.pem` });
        const again = await openExtensionPage(rig.tb, `panel.html?tabId=${tabId}`);
        await again.waitForSelector('#detail .verify-section input');
        expect(await again.$eval('#detail .verify-section input', n => n.value)).toBe(
          `${rig.site.origin}/keys/public.pem`,
        );
        // An address that answered something other than a key is not remembered, and its body is not shown.
        await again.$eval('#detail .verify-section input', n => {
          n.value = '';
        });
        await again.type('#detail .verify-section input', `${rig.site.origin}/keys/signin.html`);
        await again.click('#detail .verify-section button');
        await again.waitForSelector('#detail .verify-line.problem');
        const said = await again.$eval('#detail .verify-result', n => n.textContent);
        expect(said).toMatch(/answered a sign-in page/);
        expect(said).not.toContain('Contoso');
        const stored = await rig.helper.evaluate(() => (globalThis as any).chrome.storage.local.get(null));
        expect(stored[`keyurl:${rig.site.origin}`]).toBe(`${rig.site.origin}/keys/public.pem`);
        await again.close();
      } finally {
        await Promise.all([view.close(), page.close()]);
      }
    });
  });
}
