/**
 * `npm start`: shows the product working. Mints tokens the way a site's token service would
 * (a fresh RS256 key pair, never written to disk) and runs lcw-auth's analysis on each, as a
 * support engineer would on tokens pasted into a ticket.
 */
import { SignJWT, generateKeyPair, exportSPKI } from 'jose';
import { analyzeToken, loadPublicKeys } from '../analysis/index.js';
import { formatReport } from '../cli/format.js';

/** The sample token printed on Microsoft's setAuthTokenProvider page: it decodes to HS256. */
const DOCS_SAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4N2I0ZDA2Yy1hYmMyLWU4MTEtYTliMC0wMDBkM2ExMGUwOWUiLCJsd2ljb250ZXh0cyI6IntcIm1zZHluX2NhcnR2YWx1ZVwiOlwiMTAwMDBcIiwgXCJtc2R5bl9pc3ZpcFwiOlwiZmFsc2VcIn0iLCJpYXQiOjE1NDI2MjIwNzEsImlzcyI6ImNvbnRvc29oZWxwLmNvbSIsImV4cCI6MTU0MjYyNTY3MiwibmJmIjoxNTQyNjIyMDcyfQ.r37z1M5rMyRYMOJ-rhyTRYFOgvl9N7KvTMueSFPkiuM';

const now = Math.floor(Date.now() / 1000);
const { privateKey, publicKey } = await generateKeyPair('RS256');
const key = await loadPublicKeys(await exportSPKI(publicKey));
const variables = [{ name: 'msdyn_cartvalue', type: 'number' as const }, { name: 'msdyn_isvip', type: 'text' as const }];
const sign = (claims: Record<string, unknown>) => new SignJWT({
  sub: '87b4d06c-abc2-e811-a9b0-000d3a10e09e', iss: 'contosohelp.com', iat: now - 60, nbf: now - 60, exp: now + 3600,
  lwicontexts: JSON.stringify({ msdyn_cartvalue: '10000', msdyn_isvip: 'false' }), ...claims,
}).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'demo' }).sign(privateKey);

const cases: [string, unknown][] = [
  ['A valid token from the site\'s token service', await sign({})],
  ['The sample token from Microsoft\'s documentation', DOCS_SAMPLE],
  ['A cached token, expired, handed over with a "Bearer " prefix', `Bearer ${await sign({ iat: now - 7200, exp: now - 3600 })}`],
  ['lwicontexts put in as an object, with a misspelt key', await sign({ lwicontexts: { msdyn_cartvalu: 10000 } })],
  ['A provider that calls back with the whole response', { access_token: 'eyJ...' }],
];
for (const [title, token] of cases) {
  const analysis = await analyzeToken(token, { now, contextVariables: variables, key });
  process.stdout.write(`\n=== ${title}\n\n${formatReport(analysis, { color: Boolean(process.stdout.isTTY) })}`);
}
process.stdout.write(`
Try it on your own token: npx lcw-auth check <TOKEN> [--key URL] [--contexts FILE]
The extension is built in dist/chrome and dist/firefox: load it as the README says, then run the
widget simulator (node test/fixtures/site/server.mjs) and open DevTools > LCW Auth on its pages.
`);
