/**
 * Every rule of the catalog, once where it must fire and once, on a near miss, where it must not.
 * The table is typed over every RuleId, so a new rule without cases does not compile.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { analyzeToken, loadPublicKeys, RULE_IDS, type AnalyzeOptions, type RuleId } from '../../src/analysis/index.js';
import {
  makeKey,
  signToken,
  validClaims,
  forgeToken,
  tokenWithRawPayload,
  NOW,
  type TestKey,
} from '../helpers/tokens.js';
import { weakKeyToken, keyList } from '../helpers/keys.js';

interface Case {
  raw: unknown;
  options?: AnalyzeOptions;
}
type Cases = { fires: () => Promise<Case>; quiet: () => Promise<Case> };

let key: TestKey;
let other: TestKey;
let good: string;
beforeAll(async () => {
  [key, other] = await Promise.all([makeKey(), makeKey()]);
  good = await signToken(key);
});

const token = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signToken(key, validClaims(claims), header);
const withContexts = (lwicontexts: unknown) => token({ lwicontexts });
const vars = (...names: string[]) =>
  names.map(n => {
    const [name, type] = n.split(':');
    return { name: name!, type: type === 'number' ? ('number' as const) : ('text' as const) };
  });
const plain = async (raw: unknown): Promise<Case> => ({ raw });
const goodCase = async (): Promise<Case> => ({ raw: good });
const keyed = async (raw: Promise<string> | string, document: unknown): Promise<Case> => ({
  raw: await raw,
  options: { key: await loadPublicKeys(document) },
});

/** The rules judged on a token alone; the page-level ones are in session.test.ts. */
type TokenRule = Exclude<
  RuleId,
  `${'registration' | 'invocation' | 'config' | 'auth' | 'session' | 'widget'}.${string}`
>;
const TOKEN_RULES = RULE_IDS.filter(
  (id): id is TokenRule => !/^(registration|invocation|config|auth|session|widget)\./.test(id),
);
/** A rule whose firing case is in another file (see FIRES_ELSEWHERE). */
const elsewhere = (file: string) => async (): Promise<Case> => {
  throw new Error(`covered by ${file}`);
};

const CASES: Record<TokenRule, Cases> = {
  'token.missing': { fires: () => plain(undefined), quiet: goodCase },
  'token.not-string': { fires: () => plain({ token: 'x' }), quiet: () => plain(undefined) },
  'token.empty': { fires: () => plain('  \n'), quiet: goodCase },
  'token.bearer-prefix': { fires: async () => plain(`Bearer ${good}`), quiet: goodCase },
  'token.quoted': { fires: async () => plain(JSON.stringify(good)), quiet: goodCase },
  'token.whitespace': { fires: async () => plain(`${good}\n`), quiet: goodCase },
  'token.invalid-characters': {
    fires: async () => plain(`${good.slice(0, 20)}\u00e9${good.slice(20)}`),
    quiet: goodCase,
  },
  'token.encrypted': { fires: () => plain('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d'), quiet: goodCase },
  'token.segment-count': { fires: async () => plain(good.split('.').slice(0, 2).join('.')), quiet: goodCase },
  'token.base64url': { fires: async () => plain(good.replace(/\.(.)/, '.+')), quiet: goodCase },
  'token.signature-empty': { fires: async () => plain(good.replace(/\.[^.]*$/, '.')), quiet: goodCase },
  'token.too-large': {
    fires: async () => plain(await token({ filler: 'x'.repeat(9000) })),
    quiet: async () => plain(await token({ filler: 'x'.repeat(4000) })),
  },
  'header.not-json': { fires: async () => plain(`bm90IGpzb24.${good.split('.')[1]}.c2ln`), quiet: goodCase },
  'header.not-object': { fires: async () => plain(forgeToken([1, 2], validClaims())), quiet: goodCase },
  'header.alg-missing': { fires: async () => plain(forgeToken({ typ: 'JWT' }, validClaims())), quiet: goodCase },
  'header.alg-none': { fires: async () => plain(forgeToken({ alg: 'none' }, validClaims(), '')), quiet: goodCase },
  'header.alg-hmac': {
    fires: async () => plain(forgeToken({ alg: 'HS256', typ: 'JWT' }, validClaims())),
    quiet: goodCase,
  },
  'header.alg-ecdsa': {
    fires: async () => plain(forgeToken({ alg: 'ES256', typ: 'JWT' }, validClaims())),
    quiet: goodCase,
  },
  'header.alg-pss': {
    fires: async () => plain(forgeToken({ alg: 'PS256', typ: 'JWT' }, validClaims())),
    quiet: goodCase,
  },
  'header.alg-unsupported': {
    fires: async () => plain(forgeToken({ alg: 'RS512', typ: 'JWT' }, validClaims())),
    quiet: goodCase,
  },
  'header.typ': {
    fires: async () => plain(await token({}, { typ: 'at+jwt' })),
    quiet: async () => plain(await token({}, { typ: 'jwt' })),
  },
  'header.typ-missing': { fires: async () => plain(forgeToken({ alg: 'RS256' }, validClaims())), quiet: goodCase },
  'header.kid-missing': { fires: goodCase, quiet: async () => plain(await token({}, { kid: 'k1' })) },
  'header.crit': {
    fires: async () => plain(forgeToken({ alg: 'RS256', typ: 'JWT', crit: ['exp'] }, validClaims())),
    quiet: goodCase,
  },
  'payload.not-json': { fires: async () => plain(tokenWithRawPayload('{"sub": ')), quiet: goodCase },
  'payload.not-object': { fires: async () => plain(tokenWithRawPayload('"just a string"')), quiet: goodCase },
  'claims.missing': {
    fires: async () => plain(await token({ iss: undefined })),
    quiet: async () => plain(await token({ nbf: undefined })),
  },
  'claims.type': {
    fires: async () => plain(forgeToken({ alg: 'RS256', typ: 'JWT' }, validClaims({ exp: String(NOW + 60) }))),
    quiet: goodCase,
  },
  'claims.sub-empty': { fires: async () => plain(await token({ sub: ' ' })), quiet: goodCase },
  'claims.sub-not-guid': {
    fires: async () => plain(await token({ sub: 'user@contoso.com' })),
    quiet: async () => plain(await token({ sub: '87B4D06C-ABC2-E811-A9B0-000D3A10E09E' })),
  },
  'claims.aud-present': { fires: async () => plain(await token({ aud: 'omnichannel' })), quiet: goodCase },
  'time.expired': {
    fires: async () => plain(await token({ exp: NOW - 301 })),
    quiet: async () => plain(await token({ exp: NOW - 299 })),
  },
  'time.expired-within-skew': {
    fires: async () => plain(await token({ exp: NOW - 10 })),
    quiet: async () => plain(await token({ exp: NOW - 400 })),
  },
  'time.not-yet-valid': {
    fires: async () => plain(await token({ nbf: NOW + 600 })),
    quiet: async () => plain(await token({ nbf: NOW + 200 })),
  },
  'time.issued-in-future': {
    fires: async () => plain(await token({ iat: NOW + 600 })),
    quiet: async () => plain(await token({ iat: NOW + 200 })),
  },
  'time.exp-before-iat': { fires: async () => plain(await token({ iat: NOW - 60, exp: NOW - 120 })), quiet: goodCase },
  'time.milliseconds': {
    fires: async () => plain(await token({ exp: (NOW + 3600) * 1000 })),
    // Near miss: the same token for the v2 widget, which converts it itself (the next rule).
    quiet: async () => ({ raw: await token({ exp: (NOW + 3600) * 1000 }), options: { widgetKind: 'v2' } }),
  },
  'time.milliseconds-v2': {
    fires: async () => ({ raw: await token({ exp: (NOW + 3600) * 1000 }), options: { widgetKind: 'v2' } }),
    quiet: async () => ({ raw: await token({ exp: (NOW + 3600) * 1000 }), options: { widgetKind: 'v1' } }),
  },
  'time.long-lifetime': {
    fires: async () => plain(await token({ exp: NOW + 30 * 86400 })),
    quiet: async () => plain(await token({ exp: NOW + 20 * 3600 })),
  },
  'time.expires-soon': {
    fires: async () => plain(await token({ exp: NOW + 600 })),
    // Near miss: a Power Pages token of the portal's default 15 minutes (the next rule says it is expected).
    quiet: async () => ({
      raw: await token({ iat: NOW - 300, nbf: NOW - 300, exp: NOW + 600 }),
      options: { portal: true },
    }),
  },
  'time.portal-lifetime': {
    fires: async () => ({
      raw: await token({ iat: NOW - 300, nbf: NOW - 300, exp: NOW + 600 }),
      options: { portal: true },
    }),
    // Near miss: the same token off a portal, and a portal token that lives longer than Power Pages allows.
    quiet: async () => ({
      raw: await token({ iat: NOW - 86000, nbf: NOW - 86000, exp: NOW + 600 }),
      options: { portal: true },
    }),
  },
  'contexts.absent': { fires: async () => plain(await token({ lwicontexts: undefined })), quiet: goodCase },
  'contexts.not-string': { fires: async () => plain(await withContexts({ msdyn_isvip: 'false' })), quiet: goodCase },
  'contexts.invalid-json': {
    fires: async () => plain(await withContexts("{'msdyn_isvip': 'false'}")),
    quiet: goodCase,
  },
  'contexts.double-serialized': {
    fires: async () => plain(await withContexts(JSON.stringify(JSON.stringify({ a: '1' })))),
    quiet: async () => plain(await withContexts(JSON.stringify({ a: JSON.stringify('x') }))),
  },
  'contexts.not-object': { fires: async () => plain(await withContexts('[1,2]')), quiet: goodCase },
  'contexts.value-type': {
    fires: async () => plain(await withContexts(JSON.stringify({ a: { b: 1 } }))),
    quiet: async () =>
      plain(await withContexts(JSON.stringify({ a: { value: 'x', isDisplayable: true }, b: 2, c: true }))),
  },
  'contexts.name-too-long': {
    fires: async () => plain(await withContexts(JSON.stringify({ ['n'.repeat(101)]: '1' }))),
    quiet: async () => plain(await withContexts(JSON.stringify({ ['n'.repeat(100)]: '1' }))),
  },
  'contexts.value-too-long': {
    fires: async () => plain(await withContexts(JSON.stringify({ a: 'v'.repeat(4001) }))),
    quiet: async () => plain(await withContexts(JSON.stringify({ a: 'v'.repeat(4000) }))),
  },
  'contexts.too-many': {
    fires: async () =>
      plain(
        await withContexts(JSON.stringify(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, '1'])))),
      ),
    quiet: async () =>
      plain(
        await withContexts(JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, '1'])))),
      ),
  },
  'contexts.unknown-key': {
    fires: async () => ({
      raw: await withContexts(JSON.stringify({ msdyn_cartvalu: '1' })),
      options: { contextVariables: vars('msdyn_cartvalue') },
    }),
    quiet: async () => ({
      raw: await withContexts(JSON.stringify({ msdyn_cartvalue: '1' })),
      options: { contextVariables: vars('msdyn_cartvalue') },
    }),
  },
  'contexts.case-mismatch': {
    fires: async () => ({
      raw: await withContexts(JSON.stringify({ MSDYN_CartValue: '1' })),
      options: { contextVariables: vars('msdyn_cartvalue') },
    }),
    quiet: async () => ({
      raw: await withContexts(JSON.stringify({ msdyn_cartvalue: '1' })),
      options: { contextVariables: vars('msdyn_cartvalue') },
    }),
  },
  'contexts.not-numeric': {
    fires: async () => ({
      raw: await withContexts(JSON.stringify({ cart: 'ten' })),
      options: { contextVariables: vars('cart:number') },
    }),
    quiet: async () => ({
      raw: await withContexts(JSON.stringify({ cart: '10000' })),
      options: { contextVariables: vars('cart:number') },
    }),
  },
  'contexts.missing-variable': {
    fires: async () => ({
      raw: good,
      options: { contextVariables: vars('msdyn_cartvalue', 'msdyn_isvip', 'msdyn_region') },
    }),
    quiet: async () => ({ raw: good, options: { contextVariables: vars('msdyn_cartvalue', 'msdyn_isvip') } }),
  },
  'signature.verified': { fires: () => keyed(good, key.pem), quiet: () => keyed(good, other.pem) },
  'signature.invalid': { fires: () => keyed(good, other.pem), quiet: () => keyed(good, key.pem) },
  'signature.no-matching-key': {
    fires: () =>
      keyed(
        token({}, { kid: 'k9' }),
        keyList([
          { kid: 'k1', pem: key.pem, expiry: NOW + 1e6 },
          { kid: 'k2', pem: other.pem, expiry: NOW + 1e6 },
        ]),
      ),
    quiet: () =>
      keyed(
        token({}, { kid: 'k1' }),
        keyList([
          { kid: 'k1', pem: key.pem, expiry: NOW + 1e6 },
          { kid: 'k2', pem: other.pem, expiry: NOW + 1e6 },
        ]),
      ),
  },
  'signature.kid-required': {
    fires: () =>
      keyed(
        good,
        keyList([
          { kid: 'k1', pem: key.pem, expiry: NOW + 1e6 },
          { kid: 'k2', pem: other.pem, expiry: NOW + 1e6 },
        ]),
      ),
    quiet: () => keyed(good, keyList([{ kid: 'k1', pem: key.pem, expiry: NOW + 1e6 }])),
  },
  'signature.key-expired': {
    fires: () => keyed(good, keyList([{ kid: 'k1', pem: key.pem, expiry: (NOW - 10) * 1000 }])),
    quiet: () => keyed(good, keyList([{ kid: 'k1', pem: key.pem, expiry: (NOW + 10) * 1000 }])),
  },
  'signature.weak-key': {
    fires: async () => {
      const weak = weakKeyToken(validClaims());
      return keyed(weak.token, weak.pem);
    },
    quiet: () => keyed(good, key.pem),
  },
  'signature.not-checked': {
    fires: () => keyed(forgeToken({ alg: 'HS256' }, validClaims()), key.pem),
    quiet: () => keyed(good, key.pem),
  },
  'key.unusable': {
    fires: async () => {
      throw new Error('covered by the key document tests: an unusable key never becomes a KeySet');
    },
    quiet: goodCase,
  },
  'key.certificate': {
    fires: async () => {
      throw new Error('covered by the key document tests');
    },
    quiet: () => keyed(good, key.pem),
  },
  'key.private': { fires: async () => keyed(good, { ...key.jwk, d: 'AQAB' }), quiet: () => keyed(good, key.jwk) },
  'key.jwks': { fires: () => keyed(good, { keys: [key.jwk] }), quiet: () => keyed(good, key.pem) },
  'key.url-private-host': { fires: elsewhere('key-source.test.ts'), quiet: goodCase },
  'key.url-sign-in': { fires: elsewhere('key-source.test.ts'), quiet: goodCase },
  'key.url-not-a-key': { fires: elsewhere('key-source.test.ts'), quiet: goodCase },
  'key.url-portal-no-key': { fires: elsewhere('key-source.test.ts'), quiet: goodCase },
  'key.url-read-here': { fires: elsewhere('key-source.test.ts'), quiet: goodCase },
  'analysis.internal-error': {
    fires: async () => {
      throw new Error('a bug cannot be provoked on purpose; the property tests assert it never fires');
    },
    quiet: goodCase,
  },
};

/** Rules whose "fires" case lives in another file, where it can be made real. */
const FIRES_ELSEWHERE: TokenRule[] = [
  'key.unusable',
  'key.certificate',
  'analysis.internal-error',
  // The key URL's rules judge what the URL answered, not a token: key-source.test.ts serves each answer.
  'key.url-private-host',
  'key.url-sign-in',
  'key.url-not-a-key',
  'key.url-portal-no-key',
  'key.url-read-here',
];

const rulesOf = async (c: Case) => (await analyzeToken(c.raw, { now: NOW, ...c.options })).findings.map(f => f.rule);

describe('every rule', () => {
  test('has cases in this table', () => {
    expect(Object.keys(CASES).sort()).toEqual([...TOKEN_RULES].sort());
  });
  for (const rule of TOKEN_RULES) {
    if (!FIRES_ELSEWHERE.includes(rule)) {
      test(`${rule} fires`, async () => {
        expect(await rulesOf(await CASES[rule].fires())).toContain(rule);
      });
    }
    test(`${rule} stays quiet on a near miss`, async () => {
      expect(await rulesOf(await CASES[rule].quiet())).not.toContain(rule);
    });
  }
});
