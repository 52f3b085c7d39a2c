/**
 * Where the widget lives and which sites may be recorded. The install-time host list (the
 * manifest's `host_permissions`, checked equal by test/unit/hosts.test.ts) is Omnichannel's
 * service and the widget's own frame hosts: enough for the wire everywhere the hosted widget runs.
 * A customer's site is recorded only after the user asks (an optional host permission). Used by
 * the background (what to register), the panel (what to ask for) and the engine (whose traffic
 * counts).
 */

/** Omnichannel's service: org URLs are `https://m-<org>.<geo>.omnichannelengagementhub.<tld>`. */
export const SERVICE_HOST_PATTERNS = [
  'https://*.omnichannelengagementhub.com/*',
  'https://*.omnichannelengagementhub.us/*',
  'https://*.omnichannelengagementhub.cn/*',
] as const;

/**
 * The hosts the widget's scripts and frame load from (shared/domain.md, "Where the widget lives"):
 * the CDN, the US government cloud, and the blob-storage fallback snippets load when the CDN fails.
 * Match patterns allow a wildcard only in front of a host, so each is named.
 */
export const WIDGET_HOST_PATTERNS = [
  ...[
    'ocprod',
    'public',
    'public-eur',
    'public-sam',
    'public-gbr',
    'public-jpn',
    'public-apj',
    'public-ind',
    'public-oce',
    'public-fra',
    'public-che',
    'public-ger',
    'ocfra-fra',
    'ocuae-uae',
  ].map(name => `https://oc-cdn-${name}.azureedge.net/*`),
  ...['ocprodocprodnamgs', 'ocprodpubliceurgs', 'ocprodpublicocegs', 'ocprodocuaeuaegs'].map(
    name => `https://${name}.blob.core.windows.net/*`,
  ),
  'https://ocprodocprodnamgs.blob.core.usgovcloudapi.net/*',
] as const;

/** What install asks for: the wire to Omnichannel from the widget's frame, on every site. */
export const INSTALL_HOST_PATTERNS: readonly string[] = [...SERVICE_HOST_PATTERNS, ...WIDGET_HOST_PATTERNS];

/** "Record every site": every https site, and the loopback addresses a developer's own site runs on. */
export const EVERY_SITE_PATTERNS: readonly string[] = ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'];

/** Omnichannel's own host names, including the ones no manifest can list one by one. */
const OMNICHANNEL_HOSTS = [
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.omnichannelengagementhub\.(com|us|cn)$/,
  /^oc-cdn-[a-z0-9-]+\.azureedge\.net$/,
  /^ocprod[a-z0-9]+gs\.blob\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/,
];

export function isOmnichannelHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return OMNICHANNEL_HOSTS.some(pattern => pattern.test(name));
}

/**
 * Names that only ever reach this machine: loopback, and the names RFC 6761 reserves
 * (`.localhost`, and `.test`, which tests map to loopback). Plain http is allowed only there.
 */
export function isLocalHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return (
    name === 'localhost' ||
    name === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(name) ||
    name.endsWith('.localhost') ||
    name.endsWith('.test')
  );
}

/** A site the user may record: the match pattern that covers it, or why it cannot be. */
export type SiteAccess =
  { ok: true; origin: string; pattern: string; host: string; omnichannel: boolean } | { ok: false; reason: string };

/** The site of `address` (a page's URL or a bare origin), as a match pattern for its whole host. */
export function siteOf(address: string): SiteAccess {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, reason: `"${address.slice(0, 200)}" is not a web address` };
  }
  const host = url.hostname;
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: `${url.protocol} pages cannot be recorded: only web pages (https) can` };
  if (url.protocol === 'http:' && !isLocalHost(host))
    return { ok: false, reason: `${url.origin} is not https: only https sites (and loopback) can be recorded` };
  if (url.username || url.password) return { ok: false, reason: 'an address with a user name cannot be recorded' };
  // Match patterns cover every port of a host.
  const pattern = `${url.protocol}//${host}/*`;
  return { ok: true, origin: url.origin, pattern, host, omnichannel: isOmnichannelHost(host) };
}

/** Whether `pattern` (one of ours: scheme, host or "*.", "/*") covers `url`. */
export function patternCovers(pattern: string, url: string): boolean {
  const match = /^(https?|\*):\/\/(\*|\*\.[^/]+|[^/*]+)\/\*$/.exec(pattern);
  if (!match) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const [, scheme, host] = match as unknown as [string, string, string];
  const protocol = parsed.protocol.slice(0, -1);
  if (scheme === '*' ? protocol !== 'http' && protocol !== 'https' : protocol !== scheme) return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) return parsed.hostname === host.slice(2) || parsed.hostname.endsWith(host.slice(1));
  return parsed.hostname === host;
}

/** A pattern the extension records: one host (https, or http on a local name), or "every site". */
export function isSitePattern(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 300) return false;
  if (EVERY_SITE_PATTERNS.includes(value)) return true;
  const match = /^(https?):\/\/([a-z0-9.-]+|\[::1\])\/\*$/.exec(value);
  return match !== null && (match[1] === 'https' || isLocalHost(match[2]!));
}

/** A URL as the record keeps it: no query or fragment, which may carry tokens, codes or e-mail addresses. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? `${u.protocol}${u.pathname}` : `${u.origin}${u.pathname}`;
  } catch {
    return url.split(/[?#]/)[0]!.slice(0, 2048);
  }
}
