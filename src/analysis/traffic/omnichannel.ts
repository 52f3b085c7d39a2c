/**
 * Reading the widget's own traffic (see shared facts in docs/architecture.md): its configuration
 * response, and what the `/auth/` endpoints answered. Pure; hostile or truncated bodies give a
 * clear "could not read" instead of an exception.
 */
import { quote } from '../words/text.js';
import { isRecord } from '../../protocol/guards.js';

export type AuthenticationType = 'jwt' | 'oauth2' | 'other' | 'unknown';

export interface WidgetConfig {
  authenticationType: AuthenticationType;
  /** The value as the configuration has it. */
  authenticationTypeRaw: string | number | null;
  clientFunction: string | null;
  publicKeyUrl: string | null;
  /** msdyn_conversationmode 192350001: persistent chat, which is always authenticated. */
  persistentChat: boolean;
  /** The configuration has chat authentication settings (LiveChatConfigAuthSettings). */
  hasAuthSettings: boolean;
  reconnect: boolean;
  /**
   * "Sign-in optional": an empty token means "continue anonymously", not error 3. Never on persistent
   * chat, which is always authenticated, whatever the switch says.
   */
  signInOptional: boolean;
  /** The origins the configuration's widget snippet (`msdyn_widgetsnippet`) loads from. */
  snippetOrigins: string[];
}

export type ConfigReading = { ok: true; config: WidgetConfig } | { ok: false; problem: string };

const PERSISTENT_CHAT = 192350001;
/**
 * msdyn_authenticationtype option values: 192350001 is the authorization-code (OAuth 2.0) flow
 * and 192350002 Gatekeeper biometric sign-in (both named in Microsoft's form scripts); the
 * default, 192350000, is the JWT token provider.
 */
const AUTH_TYPES: Record<string, AuthenticationType> = {
  '192350000': 'jwt',
  '192350001': 'oauth2',
  '192350002': 'other',
};

/** Reads a configuration response body. */
export function parseWidgetConfig(body: string): ConfigReading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {
      ok: false,
      problem:
        `The configuration response is not JSON (${body.length} ` +
        `characters${body.length ? `, starting ${quote(body.slice(0, 40))}` : ''}): it was cut off, or ` +
        `an error page.`,
    };
  }
  if (!isRecord(json)) return { ok: false, problem: 'The configuration response is not a JSON object.' };
  const auth = json.LiveChatConfigAuthSettings;
  const join = json.LiveWSAndLiveChatEngJoin;
  const a = isRecord(auth) ? auth : {};
  const j = isRecord(join) ? join : {};
  const raw = a.msdyn_authenticationtype;
  const rawValue = typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw)) ? raw : null;
  const persistent = Number(j.msdyn_conversationmode) === PERSISTENT_CHAT;
  return {
    ok: true,
    config: {
      authenticationType: !isRecord(auth) ? 'unknown' : authType(rawValue),
      authenticationTypeRaw: rawValue,
      clientFunction: text(a.msdyn_javascriptclientfunction),
      publicKeyUrl: text(a.msdyn_publickeyurl),
      persistentChat: persistent,
      hasAuthSettings: isRecord(auth),
      reconnect: yes(j.msdyn_enablechatreconnect),
      signInOptional: yes(j.msdyn_authenticatedsigninoptional) && !persistent,
      snippetOrigins: snippetOrigins(j.msdyn_widgetsnippet ?? json.msdyn_widgetsnippet),
    },
  };
}

/** At most this many origins are read from a snippet (a real one names two: the CDN and its fallback). */
const MAX_SNIPPET_ORIGINS = 8;

/** The https (or loopback) origins a widget snippet's HTML names: its script's `src` and fallbacks. */
function snippetOrigins(snippet: unknown): string[] {
  if (typeof snippet !== 'string') return [];
  const found = new Set<string>();
  for (const match of snippet.slice(0, 100_000).matchAll(/\bhttps?:\/\/[a-z0-9.-]+(?::\d{1,5})?(?=[/"'\s]|$)/gi)) {
    found.add(match[0].toLowerCase());
    if (found.size >= MAX_SNIPPET_ORIGINS) break;
  }
  return [...found];
}

function authType(raw: string | number | null): AuthenticationType {
  if (raw === null) return 'jwt';
  const known = AUTH_TYPES[String(raw).trim()];
  if (known) return known;
  return /oauth|code/i.test(String(raw)) ? 'oauth2' : /jwt|token/i.test(String(raw)) ? 'jwt' : 'unknown';
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 2048) : null);
const yes = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');

/**
 * The endpoint an `/auth/` URL names: the segment after `auth` (getchattoken, sessioninit,
 * sessionclose: ids follow it), or the last one when it comes after the organization and widget
 * ids (`/auth/organization/{org}/widgetApp/{app}/conversation`).
 */
export function authEndpoint(url: string): string {
  try {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    const at = parts.lastIndexOf('auth');
    const next = at >= 0 ? parts[at + 1] : undefined;
    const named = next !== undefined && next.toLowerCase() !== 'organization';
    return ((named ? next : parts.at(-1)) ?? '').toLowerCase();
  } catch {
    return '';
  }
}

/** The message a failed `/auth/` call gave: a JSON `message`/`Message`/`error`, else the text itself. */
export function authFailureMessage(body: string): string | null {
  const trimmed = body.trim();
  if (trimmed === '') return null;
  try {
    const json: unknown = JSON.parse(trimmed);
    if (isRecord(json)) {
      for (const key of ['message', 'Message', 'error_description', 'error', 'errorMessage']) {
        const v = json[key];
        if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 300);
        if (isRecord(v) && typeof v.message === 'string') return v.message.trim().slice(0, 300);
      }
    }
    if (typeof json === 'string') return json.slice(0, 300);
  } catch {
    /* not JSON: the text is the message */
  }
  return trimmed.startsWith('<') ? null : trimmed.slice(0, 300);
}

/** The authentication type in words: "JWT", "OAuth 2.0", or the raw value. */
export function authenticationName(config: WidgetConfig): string {
  if (config.authenticationType === 'jwt') return 'JWT';
  return config.authenticationType === 'oauth2' ? 'OAuth 2.0' : `type ${String(config.authenticationTypeRaw)}`;
}

/** The switches that change how a token is judged: sign-in optional, persistent chat. */
function tokenSwitches(config: WidgetConfig): string[] {
  return [
    ...(config.signInOptional ? ['sign-in optional'] : []),
    ...(config.persistentChat ? ['persistent chat'] : []),
  ];
}

/** The configuration's switches the panel shows: those that change how a token is judged, and reconnect. */
export function configSwitches(config: WidgetConfig): string[] {
  return [...tokenSwitches(config), ...(config.reconnect ? ['reconnect'] : [])];
}

/** The configuration in a few parts (what decides how a token is judged): type, client function, key URL, switches. */
export function describeConfig(config: WidgetConfig): string[] {
  return [
    authenticationName(config),
    ...(config.clientFunction ? [`client function ${config.clientFunction}`] : []),
    ...(config.publicKeyUrl ? [`public key ${config.publicKeyUrl}`] : []),
    ...tokenSwitches(config),
  ];
}
