/**
 * What a public key URL's address says before anything is fetched: a host only a private network
 * can reach (Omnichannel fetches the key from the internet), and what reading it from here proves.
 */
import { type Finding, finding } from '../findings/finding.js';

/** Hosts only a private network can reach: loopback, RFC 1918, link-local, CGNAT, unique local IPv6. */
const PRIVATE_ADDRESS =
  /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|0\.0\.0\.0$)/;
const PRIVATE_IPV6 = /^\[(::1?|f[cd][0-9a-f]{0,2}:.*|fe[89ab][0-9a-f]?:.*)\]$/i;
/** Names that resolve only inside a network (single labels, reserved and customary private suffixes). */
const INTRANET_SUFFIX = /\.(local|localhost|lan|internal|intranet|corp|home|localdomain|private|home\.arpa)$/i;

/** Why the service could not reach `host`, or undefined when it is a public name. */
export function privateHostReason(host: string): string | undefined {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || name.startsWith('127.'))
    return 'a loopback address (this machine)';
  if (PRIVATE_ADDRESS.test(name) || PRIVATE_IPV6.test(name)) return 'a private-network address';
  if (!name.includes('.') && !name.startsWith('[')) return 'a single-label (intranet) name';
  if (INTRANET_SUFFIX.test(name)) return 'an intranet name';
  return undefined;
}

/**
 * What is known of a key URL beyond its key: a host the service cannot reach, and (when `read`)
 * that reading it here proves nothing about the service's reach.
 */
export function keyUrlNotes(source: string, read: boolean): Finding[] {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return [];
  }
  const reason = privateHostReason(url.hostname);
  // A URL without a host (file:, data:) names nothing the service could fetch: say that, not "a single label".
  const message = !url.hostname
    ? `${url.protocol}${url.pathname ? ` ${JSON.stringify(url.href.slice(0, 80))}` : ''} has no host: Omnichannel ` +
      'fetches the key from an https:// address on the internet.'
    : `${url.host} is ${reason}: Omnichannel fetches the key from the internet and cannot reach it.`;
  return [
    ...(reason || !url.hostname ? [finding('key.url-private-host', message)] : []),
    ...(read
      ? [
          finding(
            'key.url-read-here',
            `${url.href} was read from this browser; that does not show Omnichannel can reach it.`,
          ),
        ]
      : []),
  ];
}
