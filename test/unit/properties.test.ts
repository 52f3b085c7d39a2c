/** Property tests: the engine never throws, never reports its own failure, and is deterministic. */
import { describe, test, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { base64url } from 'jose';
import {
  analyzeTokenSync,
  analyzeToken,
  loadPublicKeys,
  type KeySet,
  type TokenAnalysis,
} from '../../src/analysis/index.js';
import { makeKey, signToken, validClaims, NOW } from '../helpers/tokens.js';

let real: string;
let keySet: KeySet;
beforeAll(async () => {
  const key = await makeKey();
  real = await signToken(key, validClaims(), { kid: 'k1' });
  keySet = await loadPublicKeys(key.pem);
});

/** The engine's contract for one input: it answers, with no internal error, the same way twice. */
function holdsFor(raw: unknown): void {
  const first = analyzeTokenSync(raw, { now: NOW });
  expect(first.findings.map(f => f.rule)).not.toContain('analysis.internal-error');
  expect(['ok', 'warning', 'error']).toContain(first.verdict);
  expect(comparable(analyzeTokenSync(raw, { now: NOW }))).toEqual(comparable(first));
}

/** What determinism is judged on; claims themselves may be too deep for a recursive comparison. */
const comparable = ({ findings, errorCode, verdict, token, input, signature }: TokenAnalysis) => ({
  findings,
  errorCode,
  verdict,
  token,
  input,
  signature,
});

const segment = (json: unknown) => base64url.encode(JSON.stringify(json));
const hostileJson = fc.oneof(
  fc.jsonValue(),
  fc.object(),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'lwicontexts', 'exp'), fc.jsonValue()),
);

describe('analyzeTokenSync never throws', () => {
  test('on any JavaScript value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), holdsFor),
      { numRuns: 500 },
    );
  });
  test('on random strings, unicode and dotted garbage', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          fc.array(fc.string(), { maxLength: 6 }).map(parts => parts.join('.')),
        ),
        holdsFor,
      ),
      { numRuns: 1000 },
    );
  });
  test('on real tokens with characters inserted, deleted or replaced', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ maxLength: 4 }), (at, count, insert) => {
        const i = at % (real.length + 1);
        holdsFor(real.slice(0, i) + insert + real.slice(i + (count % 5)));
      }),
      { numRuns: 1000 },
    );
  });
  test('on tokens whose header and payload are any JSON, with hostile keys', () => {
    fc.assert(
      fc.property(hostileJson, hostileJson, (header, payload) =>
        holdsFor(`${segment(header)}.${segment(payload)}.c2ln`),
      ),
      { numRuns: 500 },
    );
  });
  test('on any lwicontexts value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.jsonValue().map(v => JSON.stringify(v)),
          fc.string(),
        ),
        contexts => holdsFor(`${segment({ alg: 'RS256' })}.${segment(validClaims({ lwicontexts: contexts }))}.c2ln`),
      ),
      { numRuns: 500 },
    );
  });
  test('on deep JSON', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    holdsFor(`${segment({ alg: 'RS256' })}.${base64url.encode(deep)}.c2ln`);
    holdsFor(`${segment({ alg: 'RS256' })}.${segment(validClaims({ lwicontexts: `{"a":${deep}}` }))}.c2ln`);
  });
  test('on huge inputs', () => {
    holdsFor('a'.repeat(5_000_000));
    holdsFor(`${real}.`.repeat(20_000));
    holdsFor(
      `${segment({ alg: 'RS256' })}.${segment(validClaims({ lwicontexts: JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))) }))}.c2ln`,
    );
  });
  test('on objects whose properties throw when read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    holdsFor(hostile);
  });
});

describe('analyzeToken with a key', () => {
  test('never throws on mutated tokens and is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), async (at, insert) => {
        const i = at % real.length;
        const raw = real.slice(0, i) + insert + real.slice(i + 1);
        const first = await analyzeToken(raw, { now: NOW, key: keySet });
        expect(first.findings.map(f => f.rule)).not.toContain('analysis.internal-error');
        expect(await analyzeToken(raw, { now: NOW, key: keySet })).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });
});
