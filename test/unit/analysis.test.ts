/** Behaviour of the engine beyond "the rule fires": predicted codes, specific messages, key documents. */
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  analyzeToken,
  analyzeTokenSync,
  loadPublicKeys,
  KeyDocumentError,
  parseContextVariables,
  ContextVariablesError,
  tokenVerdict,
} from '../../src/analysis/index.js';
import { makeKey, signToken, validClaims, NOW, type TestKey } from '../helpers/tokens.js';
import { predictedErrorCode } from '../../src/analysis/findings/rules.js';
import { ecPublicPem, keyList } from '../helpers/keys.js';

let key: TestKey;
let good: string;
beforeAll(async () => {
  key = await makeKey();
  good = await signToken(key, validClaims(), { kid: 'k1' });
});

const analyze = (raw: unknown, options = {}) => analyzeTokenSync(raw, { now: NOW, ...options });
const messageOf = (raw: unknown, rule: string, options = {}) =>
  analyze(raw, options).findings.find(f => f.rule === rule)?.message;

describe('predicted widget error', () => {
  test('a valid token is accepted', () => {
    const result = analyze(good);
    expect(result).toMatchObject({ errorCode: null, verdict: 'ok' });
    expect(tokenVerdict(result).text).toBe('Token accepted');
  });
  test.each([[undefined], [null], [''], ['   ']])('%j means "no token": error 3', raw => {
    expect(analyze(raw).errorCode).toBe(3);
  });
  test('an expired token predicts error 4 and says how long ago', async () => {
    const result = analyze(await signToken(key, validClaims({ iat: NOW - 3600, exp: NOW - 600 })));
    expect(result.errorCode).toBe(4);
    expect(tokenVerdict(result).text).toBe(
      'Error 4 (the token is invalid) expected: The token expired 10 minutes ago (exp 2025-11-24 15:50:00 UTC).',
    );
  });
  test('warnings alone do not predict an error', async () => {
    const result = analyze(await signToken(key, validClaims({ exp: NOW + 600 })));
    expect(result).toMatchObject({ errorCode: null, verdict: 'warning' });
    expect(tokenVerdict(result).text).toMatch(/^Token accepted, with 1 warning: The token expires in 10 minutes/);
  });
  test('errors are listed before warnings and infos', async () => {
    const severities = analyze(
      await signToken(key, validClaims({ exp: NOW - 1000, sub: 'bob', aud: 'x' })),
    ).findings.map(f => f.severity);
    expect(severities).toEqual(
      [...severities].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)),
    );
  });
});

describe('value hygiene', () => {
  test('reports the type of a non-string and points at the property holding the token', () => {
    expect(messageOf({ access_token: good }, 'token.not-string')).toContain('"access_token"');
    expect(messageOf(42, 'token.not-string')).toContain('number 42');
    expect(messageOf(Promise.resolve(good), 'token.not-string')).toContain('Promise');
  });
  test('strips the wrapping it reports and still analyses the token inside', () => {
    const result = analyze(` "Bearer ${good}"\r\n`);
    expect(result.findings.map(f => f.rule)).toEqual(
      expect.arrayContaining(['token.whitespace', 'token.quoted', 'token.bearer-prefix']),
    );
    expect(result.token).toBe(good);
    expect(result.claims?.sub).toBe(validClaims().sub);
  });
  test('says where a line break sits', () => {
    expect(messageOf(`${good}\n`, 'token.whitespace')).toBe('The token ends with a line break "\\n".');
  });
  test('whitespace HTTP strips from a header is a warning; any other space character is an error', () => {
    // fetch and XMLHttpRequest strip leading and trailing space, tab, CR and LF from header values.
    const trailing = analyze(`\t${good}\r\n`);
    expect(trailing.findings.map(f => [f.rule, f.severity])).toEqual([['token.whitespace', 'warning']]);
    expect(predictedErrorCode(trailing.findings)).toBeNull();
    // A no-break space is not HTTP whitespace: it reaches the header, and the service.
    const nbsp = analyze(`${good}\u00a0`);
    expect(nbsp.findings.map(f => f.rule)).toContain('token.invalid-characters');
    expect(nbsp.findings.map(f => f.rule)).not.toContain('token.whitespace');
    expect(predictedErrorCode(nbsp.findings)).toBe(4);
  });
  test('names the bad character and its position', () => {
    expect(messageOf(`${good.slice(0, 5)}\u200b${good.slice(5)}`, 'token.invalid-characters')).toContain('U+200B');
  });
  test('recognises standard base64 in a segment', () => {
    expect(messageOf(good.replace(/\.(.)/, '.+'), 'token.base64url')).toContain('standard base64');
  });
  test('a value with no dots is described as not a JWT', () => {
    expect(messageOf('opaque-access-token-123', 'token.segment-count')).toContain('no dots');
  });
});

describe('claims and time', () => {
  test('a NumericDate given as a string quotes it and offers the number', async () => {
    const { forgeToken } = await import('../helpers/tokens.js');
    const result = analyze(forgeToken({ alg: 'RS256', typ: 'JWT' }, validClaims({ exp: '1764003600' })));
    const f = result.findings.find(x => x.rule === 'claims.type')!;
    expect(f.message).toContain('"1764003600"');
    expect(f.fix).toBe('Issue it as a number: "exp": 1764003600.');
  });
  test('milliseconds are recognised and the seconds value is offered', async () => {
    const f = analyze(await signToken(key, validClaims({ iat: NOW * 1000 }))).findings.find(
      x => x.rule === 'time.milliseconds',
    )!;
    expect(f.fix).toBe(`Issue it in seconds: "iat": ${NOW}.`);
  });
  test('the skew is configurable', async () => {
    const expired = await signToken(key, validClaims({ iat: NOW - 3600, exp: NOW - 100 }));
    expect(analyze(expired, { skewSeconds: 0 }).errorCode).toBe(4);
    expect(analyze(expired, { skewSeconds: 300 }).errorCode).toBe(null);
  });
  test('missing claims are named together', async () => {
    expect(messageOf(await signToken(key, { iss: 'x' }), 'claims.missing')).toBe(
      'The token has no "iat", "exp", "sub" claims.',
    );
  });
});

describe('lwicontexts', () => {
  const withContexts = (lwicontexts: unknown) => signToken(key, validClaims({ lwicontexts }));
  test('parsed entries carry type and whether the work stream knows them', async () => {
    const result = analyze(
      await withContexts(JSON.stringify({ msdyn_cartvalue: '10000', vip: { value: true, isDisplayable: false } })),
      { contextVariables: [{ name: 'msdyn_cartvalue', type: 'number' }] },
    );
    expect(result.contexts?.entries).toEqual([
      { name: 'msdyn_cartvalue', value: '10000', valueType: 'string', wrapped: false, known: 'yes' },
      { name: 'vip', value: true, valueType: 'boolean', wrapped: true, isDisplayable: false, known: 'no' },
    ]);
  });
  test('invalid JSON says where and notices single quotes', async () => {
    const message = messageOf(await withContexts("{'a': 1}"), 'contexts.invalid-json')!;
    expect(message).toMatch(/at character 1/);
    expect(message).toContain('single quotes');
  });
  test('an unknown key gets a "did you mean" only when a configured name is close', async () => {
    const options = { contextVariables: [{ name: 'msdyn_cartvalue', type: 'text' as const }] };
    expect(messageOf(await withContexts('{"msdyn_cartvalu":"1"}'), 'contexts.unknown-key', options)).toContain(
      'did you mean "msdyn_cartvalue"?',
    );
    expect(messageOf(await withContexts('{"region":"1"}'), 'contexts.unknown-key', options)).not.toContain(
      'did you mean',
    );
  });
  test('a case-mismatched key is not also reported as a missing variable', async () => {
    const rules = analyze(await withContexts('{"MSDYN_CARTVALUE":"1"}'), {
      contextVariables: [{ name: 'msdyn_cartvalue', type: 'text' }],
    }).findings.map(f => f.rule);
    expect(rules).toContain('contexts.case-mismatch');
    expect(rules).not.toContain('contexts.missing-variable');
  });
  test('findings for many bad keys are folded, not repeated without bound', async () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, { nested: i }]));
    const findings = analyze(await withContexts(JSON.stringify(many))).findings.filter(
      f => f.rule === 'contexts.value-type',
    );
    expect(findings).toHaveLength(10);
    expect(findings[9]!.message).toContain('(and 490 more like it)');
  });
  test('a __proto__ key is an ordinary entry', async () => {
    const result = analyze(await withContexts('{"__proto__":{"polluted":1},"a":"1"}'));
    expect(result.contexts?.entries?.map(e => e.name)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('key documents', () => {
  const reject = (document: unknown) => expect(loadPublicKeys(document)).rejects.toBeInstanceOf(KeyDocumentError);
  const message = async (document: unknown) => (await loadPublicKeys(document).catch((e: Error) => e)) as Error;

  test('accepts PEM, the key list, a JWK and a JWKS, and verifies with each', async () => {
    for (const document of [
      key.pem,
      keyList([{ kid: 'k1', pem: key.pem, expiry: NOW + 1000 }]),
      key.jwk,
      JSON.stringify({ keys: [{ ...key.jwk, kid: 'k1' }] }),
    ]) {
      const result = await analyzeToken(good, { now: NOW, key: await loadPublicKeys(document) });
      expect(result.signature.status).toBe('verified');
    }
  });
  test('an HTML page is named as such, by its kind and length: never its text', async () => {
    expect((await message('<!DOCTYPE html><html><head><title>Sign in</title>')).message).toBe(
      'This is an HTML page (49 characters), not a key: the URL probably serves a sign-in, error or 404 page.',
    );
  });
  test.each([
    ['a JWT', () => good, /a JWT, not a public key/],
    [
      'a private key',
      () => '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      /private key.*Never publish/,
    ],
    [
      'PKCS#1',
      () => readFileSync('test/fixtures/keys/pkcs1-public.pem', 'utf8'),
      /PKCS#1.*openssl rsa -RSAPublicKey_in/,
    ],
    ['a truncated PEM', () => key.pem.slice(0, 100), /no matching "-----END PUBLIC KEY-----"/],
    ['a damaged PEM', () => key.pem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAA'), /cannot be read/],
    ['an empty document', () => ' \n', /empty/],
    ['an unrelated JSON object', () => '{"error":"not found"}', /JSON object with the keys "error"/],
    ['broken JSON', () => '{"keys": [', /looks like JSON but does not parse/],
    ['plain text', () => 'ADMIN-SECRET-CONTENT router password=hunter2', /^This is plain text \(44 characters\)/],
    ["Omnichannel's own answer", () => 'Key Not Found', /^The URL answered "Key Not Found"/],
    [
      'a key list entry that is not base64 of a PEM',
      () => '[{"kid":"a","publicKey":"bm90IGEga2V5","expiry":1}]',
      /entry 1: "publicKey" is not base64 of a PEM block/,
    ],
  ])('%s is rejected with a specific message', async (_, document, pattern) => {
    expect((await message(document())).message).toMatch(pattern);
  });
  test('an elliptic-curve key is rejected as not RSA', async () => {
    expect((await message(await ecPublicPem())).message).toMatch(/elliptic-curve \(ES256\) key, not an RSA key/);
    await reject({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] });
  });
  test('a certificate is accepted with a note', async () => {
    const set = await loadPublicKeys(readFileSync('test/fixtures/keys/self-signed-cert.pem', 'utf8'));
    expect(set.format).toBe('x509');
    expect(set.notes.map(n => n.rule)).toEqual(['key.certificate']);
  });
  test('an expired key entry reports whether the signature would match', async () => {
    const result = await analyzeToken(good, {
      now: NOW,
      key: await loadPublicKeys(keyList([{ kid: 'k1', pem: key.pem, expiry: NOW - 7200 }])),
    });
    expect(result.signature).toMatchObject({ status: 'key-expired', kid: 'k1' });
    expect(result.signature.detail).toContain('2 hours ago');
    expect(result.signature.detail).toContain('the signature matches it');
  });
  test('no key for the kid lists the kids there are', async () => {
    const other = await makeKey();
    const set = await loadPublicKeys(
      keyList([
        { kid: 'a', pem: other.pem, expiry: NOW + 10 },
        { kid: 'b', pem: other.pem, expiry: NOW + 10 },
      ]),
    );
    expect((await analyzeToken(good, { now: NOW, key: set })).signature.detail).toBe(
      'No key has kid "k1"; the document has "a", "b".',
    );
  });
  test('a tampered payload fails verification', async () => {
    const [h, , s] = good.split('.');
    const [, p] = (await signToken(key, validClaims({ sub: '00000000-0000-0000-0000-000000000000' }))).split('.');
    const result = await analyzeToken(`${h}.${p}.${s}`, { now: NOW, key: await loadPublicKeys(key.pem) });
    expect(result).toMatchObject({ errorCode: 4, signature: { status: 'invalid' } });
  });
});

describe('context variable lists', () => {
  test('names and typed objects are both accepted', () => {
    expect(parseContextVariables(['a', { name: 'b', type: 'Number' }, { name: 'c' }])).toEqual([
      { name: 'a', type: 'text' },
      { name: 'b', type: 'number' },
      { name: 'c', type: 'text' },
    ]);
  });
  test.each([
    [{ a: 1 }, /must be a JSON array/],
    [[1], /Context variable 1 is number/],
    [[{ name: 'a', type: 'date' }], /type "date"; use "text" or "number"/],
    [['a', 'a'], /"a" is listed twice/],
    [[''], /empty name/],
  ])('%j is rejected', (input, pattern) => {
    expect(() => parseContextVariables(input)).toThrow(ContextVariablesError);
    expect(() => parseContextVariables(input)).toThrow(pattern);
  });
});
