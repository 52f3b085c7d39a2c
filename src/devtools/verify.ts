/**
 * "Verify signature": checks a token against the site's public key, fetched from its URL only
 * when the user clicks (asking for that host at that moment: Firefox grants optional host
 * permissions only from a user gesture), or pasted as PEM, Omnichannel key list, JWK or JWKS.
 */
import browser from 'webextension-polyfill';
import { h, prose, quoted, type Child } from './dom.js';
import {
  analyzeToken,
  loadPublicKeys,
  KeyDocumentError,
  type ContextVariable,
  type KeySet,
  checkKeyUrl,
  fetchKeyDocument,
  KeyFetchError,
  keyUrlNotes,
  plural,
  privateHostReason,
  type Finding,
} from '../analysis/index.js';

import { KEY_FETCH_TIMEOUT_MS } from '../protocol/limits.js';

export interface VerifyContext {
  /** What the provider handed over. */
  raw: unknown;
  /** The moment the token was judged at, in Unix seconds. */
  now: number;
  contextVariables?: readonly ContextVariable[];
  /** A URL to pre-fill: the widget configuration's, or the one that last served a key on this site. */
  suggestedUrl: string | undefined;
  /**
   * Who offered `suggestedUrl`: the page (its configuration, a HAR file: anyone can write one) or the
   * user (a URL that served a key here before). A page's loopback or private address is fetched only
   * once the user confirms it.
   */
  suggestedBy?: 'page' | 'user';
  /** Remembers a URL that served a key (a setting, never a token). */
  rememberUrl(url: string): void;
  /** Identifies the token's view: the same section (with what the user typed and got) is reused when it is redrawn. */
  reuseKey?: string;
}

/**
 * What "Verify signature" pre-fills: the configuration's URL (the one Omnichannel uses), else the
 * one that last served a key on this site; and who offered it.
 */
export function keySuggestion(
  configured: string | null | undefined,
  remembered: string | undefined,
): Pick<VerifyContext, 'suggestedUrl' | 'suggestedBy'> {
  const suggestedUrl = configured ?? remembered;
  return { suggestedUrl, suggestedBy: suggestedUrl !== undefined && suggestedUrl === remembered ? 'user' : 'page' };
}

/** Sections by reuseKey, so a redraw of the panel keeps what the user typed and the result. */
const sections = new Map<string, HTMLElement>();

const FORMAT_NAMES: Record<KeySet['format'], string> = {
  pem: 'a PEM public key',
  x509: 'an X.509 certificate',
  'omnichannel-key-list': 'an Omnichannel key list',
  jwk: 'a JWK',
  jwks: 'a JWKS',
};

export function verifySection(context: VerifyContext): HTMLElement {
  const kept = context.reuseKey === undefined ? undefined : sections.get(context.reuseKey);
  if (kept) return kept;
  const made = buildSection(context);
  if (context.reuseKey !== undefined) {
    sections.set(context.reuseKey, made);
    if (sections.size > 50) sections.delete(sections.keys().next().value!);
  }
  return made;
}

function buildSection(context: VerifyContext): HTMLElement {
  const url = h('input', {
    attrs: {
      type: 'url',
      class: 'key-url',
      'aria-label': 'Public key URL',
      placeholder: 'https://contoso.example/_services/auth/publickey',
      value: context.suggestedUrl ?? '',
      spellcheck: 'false',
    },
  });
  const pasted = h('textarea', {
    attrs: {
      rows: 3,
      'aria-label': 'Or paste the public key (PEM, Omnichannel key list, JWK or JWKS)',
      placeholder: 'or paste the key: -----BEGIN PUBLIC KEY----- …, [{"kid": …, "publicKey": …}], a JWK, a JWKS',
      spellcheck: 'false',
    },
  });
  const result = h('div', { class: 'verify-result', attrs: { role: 'status', 'aria-live': 'polite' } });
  const button = h('button', { attrs: { type: 'button', class: 'verify' } }, 'Verify signature');
  const start = (target: string | null, keyText: string) => {
    // The permission request must be the first thing the click does (a user gesture).
    const permission = target ? askForHost(target) : Promise.resolve(true);
    button.disabled = true;
    result.replaceChildren(
      h('p', null, target ? `Fetching ${target}… (up to ${KEY_FETCH_TIMEOUT_MS / 1000} s)` : 'Checking…'),
    );
    void verify(context, target, keyText, permission, text => result.replaceChildren(h('p', null, text)))
      .then(lines => result.replaceChildren(...lines))
      .finally(() => {
        button.disabled = false;
      });
  };
  button.addEventListener('click', () => {
    const keyText = pasted.value.trim();
    const target = keyText ? null : url.value.trim();
    const reason = target ? unconfirmedReason(context, target) : undefined;
    if (target && reason) result.replaceChildren(confirmLine(target, reason, () => start(target, keyText)));
    else start(target, keyText);
  });
  return h(
    'section',
    { class: 'verify-section', attrs: { 'aria-label': 'Verify signature' } },
    h('h3', null, 'Verify signature'),
    h(
      'p',
      { class: 'hint' },
      'Against the key Omnichannel uses: the public key URL of the chat authentication settings (fetched only ' +
        'when you click; the browser may ask to let the extension read that site), or the key itself.',
    ),
    h('div', { class: 'verify-inputs' }, url, button),
    pasted,
    result,
  );
}

/** Page-offered loopback and private addresses the user confirmed, this panel's life long. */
const confirmed = new Set<string>();

/** Why `target` needs the user's word first: a page offered it, and it is on this machine or network. */
function unconfirmedReason(context: VerifyContext, target: string): string | undefined {
  if (context.suggestedBy !== 'page' || target !== context.suggestedUrl || confirmed.has(target)) return undefined;
  try {
    return privateHostReason(new URL(target).hostname);
  } catch {
    return undefined;
  }
}

/** Asks before fetching a page-offered address on this machine or network; `go` runs on the user's click. */
function confirmLine(target: string, reason: string, go: () => void): HTMLElement {
  const fetchIt = h('button', { attrs: { type: 'button', class: 'confirm-fetch' } }, 'Fetch it');
  fetchIt.addEventListener('click', () => {
    confirmed.add(target);
    go();
  });
  return h(
    'p',
    { class: 'verify-line info', data: { rule: 'key.url-private-host' } },
    `The page offered ${target}, ${reason}. A page can name any address to make the extension read it: ` +
      'fetch it only if you know it is the key. ',
    fetchIt,
  );
}

/** Starts the permission request synchronously; resolves to whether the host may be read. */
function askForHost(target: string): Promise<boolean> {
  let origin: string;
  try {
    origin = checkKeyUrl(target).origin;
  } catch {
    return Promise.resolve(false);
  }
  try {
    return browser.permissions.request({ origins: [`${origin}/*`] }).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

async function verify(
  context: VerifyContext,
  target: string | null,
  keyText: string,
  permission: Promise<boolean>,
  progress: (text: string) => void,
): Promise<HTMLElement[]> {
  if (!target && !keyText) return [line('problem', 'Give the public key URL or paste the key.')];
  let document = keyText;
  let source = 'the pasted key';
  const notes: HTMLElement[] = [];
  if (target) {
    const get = () =>
      fetchKeyDocument(target, { fetch: (input, init) => fetch(input, init), timeoutMs: KEY_FETCH_TIMEOUT_MS });
    let fetched;
    try {
      // Straight away: a key URL that allows cross-origin reads needs no permission at all.
      fetched = await get();
    } catch (error) {
      if (!(error instanceof KeyFetchError)) return [line('problem', `Could not fetch the key: ${String(error)}`)];
      if (error.kind !== 'unreachable')
        return [line('problem', error.advice, { rule: error.rule }), ...hostNotes(target)];
      // Blocked (no permission yet) or really unreachable: once the user answers the browser's question, try again.
      progress(`Allow the extension to read ${new URL(target).origin} when the browser asks…`);
      if (!(await permission)) {
        return [
          line(
            'problem',
            `${error.message} The extension was not allowed to read that site and the site does not ` +
              `allow cross-origin reads: allow it when the browser asks, or paste the key.`,
          ),
        ];
      }
      try {
        fetched = await get();
      } catch (again) {
        return [
          again instanceof KeyFetchError
            ? line('problem', again.advice, { rule: again.rule })
            : line('problem', `Could not fetch the key: ${String(again)}`),
          ...hostNotes(target),
        ];
      }
    }
    document = fetched.text;
    source = fetched.url;
  }
  const urlNotes = target ? keyUrlNotes(target, true) : [];
  let keys: KeySet;
  try {
    keys = await loadPublicKeys(document);
  } catch (error) {
    return [line('problem', `${source}: ${error instanceof KeyDocumentError ? error.message : String(error)}`)];
  }
  // Remembered only once it served a key: an address that answered anything else is not offered again.
  if (target) context.rememberUrl(target);
  const kids = keys.keys.some(k => k.kid) ? `: ${keys.keys.map(k => k.kid ?? '(no kid)').join(', ')}` : '';
  notes.push(line('info', `${source} holds ${FORMAT_NAMES[keys.format]} (${plural(keys.keys.length, 'key')}${kids}).`));
  notes.push(...[...keys.notes, ...urlNotes].map(noteLine));
  const analysis = await analyzeToken(context.raw, {
    now: context.now,
    key: { ...keys, notes: [...keys.notes, ...urlNotes] },
    ...(context.contextVariables ? { contextVariables: context.contextVariables } : {}),
  });
  const s = analysis.signature;
  const tone = s.status === 'verified' ? 'ok' : s.status === 'not-checked' ? 'info' : 'problem';
  const headline =
    s.status === 'verified'
      ? `Verified${s.kid ? ` with key "${s.kid}"` : ''}.`
      : s.status === 'not-checked'
        ? 'Not checked.'
        : 'Signature check failed.';
  return [line(tone, `${headline} ${s.detail}`, { status: s.status }), ...notes];
}

/** A key URL's host the service cannot reach, said beside a failure too (it may be why). */
function hostNotes(target: string): HTMLElement[] {
  return keyUrlNotes(target, false).map(noteLine);
}

/** A finding about the key or its URL, as a line: its message and fix. */
function noteLine(note: Finding): HTMLElement {
  return line(note.severity === 'error' ? 'problem' : 'info', [...quoted(note.message), ' ', ...prose(note.fix)], {
    rule: note.rule,
  });
}

/** A line of the result; `status`: the signature check's; `rule`: the catalog rule a line is (docs/findings.md). */
function line(
  tone: string,
  text: string | Child[],
  { status, rule }: { status?: string; rule?: string } = {},
): HTMLElement {
  const data = { ...(status ? { status } : {}), ...(rule ? { rule } : {}) };
  return h('p', { class: `verify-line ${tone}`, data }, ...(typeof text === 'string' ? [text] : text));
}
