/**
 * Figures for the analysis engine (issue: foundation):
 *  - full analysis without signature vs jose.decodeJwt alone, same tokens   (goal <= 3x)
 *  - analysis with signature vs jose.jwtVerify alone, same token and key      (goal <= 1.2x)
 *  - 1 MB of garbage                                                          (goal < 50 ms, no throw)
 *  - one token on 10,000 and on 50,000 /auth/ calls: assembling the session, per call (goal <= 2x:
 *    linear in the calls; each tie once copied the whole list, 32 s for 50,000)
 */
import { decodeJwt, jwtVerify, SignJWT, generateKeyPair, exportSPKI } from 'jose';
import { analyzeToken, analyzeTokenSync, assembleSession, loadPublicKeys } from '../src/analysis/index.js';
import type { RecordedEvent } from '../src/record/format.js';
import { compare, finish, median, report, us } from './measure.js';

const now = Math.floor(Date.now() / 1000);
const { privateKey, publicKey } = await generateKeyPair('RS256');
const keySet = await loadPublicKeys(await exportSPKI(publicKey));
const claims = (i: number) => ({
  sub: '87b4d06c-abc2-e811-a9b0-000d3a10e09e',
  iss: 'contosohelp.com',
  iat: now - i,
  nbf: now - i,
  exp: now + 3600,
  lwicontexts: JSON.stringify({ msdyn_cartvalue: String(10000 + i), msdyn_isvip: 'false' }),
});
const tokens = await Promise.all(
  Array.from({ length: 50 }, (_, i) =>
    new SignJWT(claims(i)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'k1' }).sign(privateKey),
  ),
);
const variables = [
  { name: 'msdyn_cartvalue', type: 'number' as const },
  { name: 'msdyn_isvip', type: 'text' as const },
];

let i = 0;
const next = () => tokens[i++ % tokens.length]!;
const results: boolean[] = [];

{
  const [engine, jose] = await compare(
    [
      { name: 'analyzeTokenSync', run: () => analyzeTokenSync(next(), { now, contextVariables: variables }) },
      { name: 'jose.decodeJwt', run: () => decodeJwt(next()) },
    ],
    { batch: 2000 },
  );
  const ratio = engine! / jose!;
  results.push(
    report('Analysis without signature vs jose.decodeJwt (median per token)', '<= 3x', ratio <= 3, [
      `analyzeTokenSync ${us(engine!)}`,
      `jose.decodeJwt   ${us(jose!)}`,
      `ratio ${ratio.toFixed(2)}x`,
    ]),
  );
}
{
  const [engine, jose] = await compare(
    [
      { name: 'analyzeToken+key', run: () => analyzeToken(next(), { now, contextVariables: variables, key: keySet }) },
      { name: 'jose.jwtVerify', run: () => jwtVerify(next(), publicKey) },
    ],
    { batch: 200, rounds: 25 },
  );
  const ratio = engine! / jose!;
  results.push(
    report('Analysis with signature vs jose.jwtVerify (median per token)', '<= 1.2x', ratio <= 1.2, [
      `analyzeToken+key ${us(engine!)}`,
      `jose.jwtVerify   ${us(jose!)}`,
      `ratio ${ratio.toFixed(2)}x`,
    ]),
  );
}
{
  const garbage = Array.from({ length: 1024 * 1024 }, (_, k) => String.fromCharCode(33 + ((k * 7919) % 94))).join('');
  const dotted = garbage.replace(/(.{1000})/g, '$1.');
  const times: number[] = [];
  for (let round = 0; round < 9; round++) {
    for (const input of [garbage, dotted, `eyJ${garbage}`]) {
      const start = process.hrtime.bigint();
      analyzeTokenSync(input, { now });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const worst = Math.max(...times);
  results.push(
    report('1 MB of garbage (3 shapes x 9 rounds)', '< 50 ms, no throw', worst < 50, [
      `median ${median(times).toFixed(2)} ms`,
      `worst ${worst.toFixed(2)} ms`,
    ]),
  );
}
{
  // The same token on n /auth/ calls of one invocation, as a HAR of a long session gives them.
  const token = tokens[0]!;
  const session = (n: number): RecordedEvent[] => [
    { k: 'inv', at: now * 1000, id: 1, route: 'sdk', frame: 0 },
    { k: 'cb', at: now * 1000 + 1, id: 1, sync: true, v: token, frame: 0 },
    ...Array.from({ length: n }, (_, k): RecordedEvent => ({
      k: 'wire',
      at: now * 1000 + 10 + k,
      url: 'https://org.omnichannelengagementhub.com/livechatconnector/v2/auth/getchattoken',
      method: 'POST',
      status: 200,
      token,
      message: null,
      frame: -1,
    })),
  ];
  const perCall = (n: number) => {
    const events = session(n);
    const start = process.hrtime.bigint();
    const view = assembleSession(events, { nowMs: now * 1000 });
    if (view.authCalls.length !== n) throw new Error(`assembled ${view.authCalls.length} of ${n} calls`);
    return Number(process.hrtime.bigint() - start) / n;
  };
  perCall(2000); // warm-up
  const small = median([perCall(10_000), perCall(10_000), perCall(10_000)]);
  const large = median([perCall(50_000), perCall(50_000), perCall(50_000)]);
  const ratio = large / small;
  results.push(
    report('One token on 10,000 vs 50,000 /auth/ calls: assembling, per call', '<= 2x (linear)', ratio <= 2, [
      `10,000 calls ${us(small)} per call`,
      `50,000 calls ${us(large)} per call`,
      `ratio ${ratio.toFixed(2)}x`,
    ]),
  );
}
finish(results);
