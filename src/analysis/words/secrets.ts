/**
 * Token-shaped text in words meant to be shared (a redacted export, Copy summary, the CLI's reading
 * of a report): a JWT or a long opaque value anywhere in them (a page's lcw:error detail, a quoted
 * value in a finding) is cut to its first characters and its length. Tokens are credentials.
 */

/** A compact JWS: three base64url parts, the first a JSON object ("eyJ"). */
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** A run of token characters long enough to be a credential (checked further by `opaque`). */
const RUN = /[A-Za-z0-9_\-+~]{24,}={0,2}/g;
const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** How much of a redacted value stays: enough to tell two apart, too little to use. */
const KEPT_CHARS = 6;

/**
 * Whether a run looks like a credential: a GUID (an id, shown everywhere) is not; a mix of upper
 * case, lower case and digits is (base64, base64url), as is a long hexadecimal string.
 */
function opaque(run: string): boolean {
  if (GUID.test(run)) return false;
  if (/^[0-9a-f]{32,}$/i.test(run)) return true;
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/** `text` with every JWT and opaque credential in it cut to its first characters and its length. */
export function redactSecrets(text: string): string {
  if (text.length < 24) return text;
  const cut = (what: string) => (value: string) =>
    `${value.slice(0, KEPT_CHARS)}…(${what} of ${value.length} characters, redacted)`;
  return text.replace(JWT, cut('a JWT')).replace(RUN, run => (opaque(run) ? cut('a value')(run) : run));
}

/**
 * A copy of plain data (a report) with `redactSecrets` applied to every string in it, keys kept.
 * Walked with a stack of its own: a token's claims can nest deeper than the call stack goes.
 * `keep(key)`: a property left as it is (a token's header, whose `kid` is an id, not a credential).
 */
export function redactData<T>(value: T, keep: (key: string) => boolean = () => false): T {
  const copy = (v: unknown): unknown =>
    typeof v === 'string' ? redactSecrets(v) : v === null || typeof v !== 'object' ? v : Array.isArray(v) ? [] : {};
  const root = copy(value);
  const stack: [source: unknown, target: unknown][] = [[value, root]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [source, target] = item;
    if (source === null || typeof source !== 'object') continue;
    for (const [key, v] of Object.entries(source as Record<string, unknown>)) {
      const out = keep(key) ? v : copy(v);
      (target as Record<string, unknown>)[key] = out;
      if (!keep(key) && v !== null && typeof v === 'object') stack.push([v, out]);
    }
  }
  return root as T;
}
