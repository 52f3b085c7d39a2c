/** Which hosts are Omnichannel's, which sites may be recorded, and which hosts a page names for its widget. */
import { describe, test, expect } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };
import {
  EVERY_SITE_PATTERNS,
  INSTALL_HOST_PATTERNS,
  isOmnichannelHost,
  isSitePattern,
  patternCovers,
  siteOf,
} from '../../src/protocol/hosts.js';
import { parsePanelRequest } from '../../src/protocol/messages.js';
import { WIDGET_REQUEST_PATTERNS, widgetRequestKind } from '../../src/protocol/network.js';
import { SessionAssembly, unseenOnWire, widgetHosts } from '../../src/analysis/index.js';
import { parseWidgetConfig } from '../../src/analysis/traffic/omnichannel.js';
import type { RecordedEvent } from '../../src/record/format.js';
import { T0 } from '../helpers/events.js';

describe('install asks for Omnichannel and the widget hosts only', () => {
  test('the source manifest lists exactly the install hosts, and no content script', () => {
    expect(manifest.host_permissions).toEqual([...INSTALL_HOST_PATTERNS]);
    expect('content_scripts' in manifest).toBe(false);
    expect(manifest.optional_host_permissions).toEqual([...EVERY_SITE_PATTERNS]);
  });

  test.each([
    ['m-1234.us.omnichannelengagementhub.com', true],
    ['m-1234.gov.omnichannelengagementhub.us', true],
    ['oc-cdn-public-ger.azureedge.net', true],
    ['oc-cdn-ocfra-fra.azureedge.net', true],
    ['ocprodocprodnamgs.blob.core.usgovcloudapi.net', true],
    ['ocprodpublicsamgs.blob.core.windows.net', true],
    // Near misses: a look-alike, a suffix trick, another blob account, a customer's own site.
    ['omnichannelengagementhub.com.evil.example', false],
    ['evil-omnichannelengagementhub.com', false],
    ['oc-cdn-public.azureedge.net.evil.example', false],
    ['contoso.blob.core.windows.net', false],
    ['help.contoso.com', false],
  ])("%s is Omnichannel's: %s", (host, expected) => {
    expect(isOmnichannelHost(host)).toBe(expected);
  });
});

describe('sites the user may record', () => {
  test('a page address becomes the pattern of its whole host, every port', () => {
    expect(siteOf('https://help.contoso.com:8443/chat?token=x#y')).toEqual({
      ok: true,
      origin: 'https://help.contoso.com:8443',
      pattern: 'https://help.contoso.com/*',
      host: 'help.contoso.com',
      omnichannel: false,
    });
    expect(siteOf('http://127.0.0.1:8080/widget')).toMatchObject({ ok: true, pattern: 'http://127.0.0.1/*' });
  });

  test.each([
    ['http://help.contoso.com/', /not https/],
    ['file:///C:/site/index.html', /file: pages cannot be recorded/],
    ['chrome://extensions/', /chrome: pages cannot be recorded/],
    ['not a url', /is not a web address/],
    ['https://user:pw@help.contoso.com/', /user name/],
  ])('%s is refused with a reason', (address, reason) => {
    const site = siteOf(address);
    expect(site.ok).toBe(false);
    expect(!site.ok && site.reason).toMatch(reason);
  });

  test('only our patterns pass the background boundary', () => {
    for (const pattern of [
      'https://help.contoso.com/*',
      'http://localhost/*',
      'http://shop.contoso.test/*',
      ...EVERY_SITE_PATTERNS,
    ])
      expect(isSitePattern(pattern), pattern).toBe(true);
    for (const pattern of [
      '<all_urls>',
      '*://*/*',
      'http://*/*',
      'http://help.contoso.com/*',
      'https://a/b',
      7,
      null,
      'https://x/*'.repeat(40),
    ])
      expect(isSitePattern(pattern), String(pattern)).toBe(false);
    expect(parsePanelRequest({ type: 'record-sites', patterns: ['https://a.example/*'] })).toEqual({
      type: 'record-sites',
      patterns: ['https://a.example/*'],
    });
    expect(parsePanelRequest({ type: 'record-sites', patterns: ['<all_urls>'] })).toBeNull();
    expect(parsePanelRequest({ type: 'record-sites', patterns: 'https://a.example/*' })).toBeNull();
    expect(parsePanelRequest({ type: 'stop-site', pattern: 'https://*/*' })).toEqual({
      type: 'stop-site',
      pattern: 'https://*/*',
    });
    expect(parsePanelRequest({ type: 'stop-site', pattern: 'file:///*' })).toBeNull();
  });

  test('a pattern covers its host (and subdomains for "*."), on its scheme only', () => {
    expect(patternCovers('https://help.contoso.com/*', 'https://help.contoso.com:444/x')).toBe(true);
    expect(patternCovers('https://help.contoso.com/*', 'http://help.contoso.com/x')).toBe(false);
    expect(patternCovers('https://help.contoso.com/*', 'https://evil.help.contoso.com.example/')).toBe(false);
    expect(patternCovers('https://*.omnichannelengagementhub.com/*', 'https://m-1.omnichannelengagementhub.com/')).toBe(
      true,
    );
    expect(patternCovers('https://*/*', 'https://anything.example/')).toBe(true);
    expect(patternCovers('https://*/*', 'http://anything.example/')).toBe(false);
  });
});

const pageOf = (events: RecordedEvent[]) => new SessionAssembly(events).page;

describe('the hosts a page names for its widget', () => {
  const widget = (src: string, frameSrc?: string): RecordedEvent => ({
    k: 'widget',
    at: T0,
    frame: 0,
    iframe: frameSrc !== undefined,
    script: { appId: 'a', orgId: 'o', orgUrl: 'https://m-o.us.omnichannelengagementhub.com', version: '', src },
    ...(frameSrc ? { frameSrc } : {}),
  });

  test("its script tag, its frame and the configuration's snippet, once each; Omnichannel's told apart", () => {
    const snippet =
      '<script id="Microsoft_Omnichannel_LCWidget" src="https://ocprodpublicocegs.blob.core.windows.net/livechatwidget/scripts/LiveChatBootstrapper.js" ' +
      'onerror="this.src=\'https://oc-cdn-public-oce.azureedge.net/livechatwidget/scripts/LiveChatBootstrapper.js\'"></script>';
    const events: RecordedEvent[] = [
      widget(
        'https://cdn.contoso-assets.com/LiveChatBootstrapper.js',
        'https://oc-cdn-public-oce.azureedge.net/livechatwidget/WebChatControl/lib/chat.html',
      ),
      widget('https://cdn.contoso-assets.com/LiveChatBootstrapper.js'),
      {
        k: 'cfg',
        at: T0 + 1,
        frame: -1,
        url: 'https://m-o.us.omnichannelengagementhub.com/livechatconnector/config/o/a',
        status: 200,
        body: JSON.stringify({ LiveWSAndLiveChatEngJoin: { msdyn_widgetsnippet: snippet } }),
      },
    ];
    const page = pageOf(events);
    expect(widgetHosts(page).map(h => [h.host, h.omnichannel, h.namedBy])).toEqual([
      ['cdn.contoso-assets.com', false, "the widget's script tag or frame"],
      ['oc-cdn-public-oce.azureedge.net', true, "the widget's script tag or frame"],
      ['ocprodpublicocegs.blob.core.windows.net', true, "the configuration's widget snippet"],
    ]);
  });

  test('never a plain-http host (but loopback), never a non-web address', () => {
    const page = pageOf([
      widget('http://cdn.contoso-assets.com/x.js', 'javascript:alert(1)'),
      widget('http://localhost:81/x.js'),
    ]);
    expect(widgetHosts(page).map(h => h.pattern)).toEqual(['http://localhost/*']);
  });

  test('a snippet names at most 8 origins, and only web ones', () => {
    const body = JSON.stringify({
      msdyn_widgetsnippet:
        Array.from({ length: 50 }, (_, i) => `<script src="https://h${i}.example/x.js"></script>`).join('') +
        'ftp://x.example/',
    });
    const reading = parseWidgetConfig(body);
    expect(reading.ok && reading.config.snippetOrigins).toEqual(
      Array.from({ length: 8 }, (_, i) => `https://h${i}.example`),
    );
  });

  test('calls only DevTools saw are counted apart from those the wire saw', () => {
    const url = 'https://m-o.us.omnichannelengagementhub.com/livechatconnector/v2/auth/getchattoken';
    const seenByDevtools = (at: number): RecordedEvent => ({
      k: 'auth',
      at,
      frame: -1,
      url,
      method: 'GET',
      status: 200,
      body: '{}',
      token: null,
    });
    const seenOnWire = (at: number): RecordedEvent => ({
      k: 'wire',
      at,
      frame: -1,
      url,
      method: 'GET',
      status: 200,
      token: null,
      message: null,
    });
    expect(unseenOnWire(pageOf([seenByDevtools(T0), seenByDevtools(T0 + 60_000)]))).toBe(2);
    expect(unseenOnWire(pageOf([seenByDevtools(T0), seenOnWire(T0 + 5)]))).toBe(0);
  });
});

describe("the wire's filter", () => {
  /** A match pattern as the browser reads it: `*` anywhere, the path case-sensitive. */
  const matches = (pattern: string, url: string) => {
    const [, scheme, host, path] = /^([^:]+):\/\/([^/]+)(\/.*)$/.exec(pattern)!;
    const u = new URL(url);
    const glob = (s: string) => new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return (
      (scheme === '*' ? /^https?:$/.test(u.protocol) : u.protocol === `${scheme}:`) &&
      glob(host!).test(u.hostname) &&
      glob(path!).test(u.pathname + u.search)
    );
  };

  test.each([
    'https://m-1.us.omnichannelengagementhub.com/livechatconnector/config/o/a?requestId=1&channelId=lcw',
    'https://m-1.us.omnichannelengagementhub.com/livechatconnector/v2/auth/getchattoken',
    'https://m-1.us.omnichannelengagementhub.com/livechatconnector/auth/organization/o/widgetApp/a/conversation',
    'https://m-1.us.omnichannelengagementhub.com/LiveChatConnector/auth/sessionclose',
    'https://surveyprovider.example/survey/auth/token',
  ])('a URL the wire keeps is one the browser reports to it: %s', url => {
    expect(widgetRequestKind(url)).not.toBeNull();
    expect(WIDGET_REQUEST_PATTERNS.some(p => matches(p, url))).toBe(true);
  });

  test('a page with no widget wakes nothing: its requests match no pattern', () => {
    for (const url of [
      'https://help.contoso.com/',
      'https://help.contoso.com/app.js?v=1',
      'https://cdn.example/auth/login',
    ])
      expect(
        WIDGET_REQUEST_PATTERNS.some(p => matches(p, url)),
        url,
      ).toBe(false);
  });
});
