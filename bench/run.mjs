// Runs every bench/*.bench.ts (bundled with esbuild) and prints their figures.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];
const benches = readdirSync('bench').filter(f => f.endsWith('.bench.ts') && (!only || f.includes(only)));
/** How each bench ended (bench/measure.ts, EXIT): anything else is a crash. */
const ENDINGS = { 0: 'every goal met', 10: 'a goal not met', 11: 'a figure could not be measured' };
const endings = [];
for (const file of benches) {
  const outfile = `dist/bench/${file.replace(/\.ts$/, '.mjs')}`;
  await esbuild.build({
    entryPoints: [`bench/${file}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    packages: 'external',
  });
  console.log(`\n=== ${file}`);
  const { status, signal } = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  endings.push([file, status, ENDINGS[status] ?? `CRASHED (${signal ? `signal ${signal}` : `exit ${status}`})`]);
}
console.log('\n=== summary');
for (const [file, , ending] of endings) console.log(`  ${file.padEnd(22)} ${ending}`);
const broken = endings.filter(([, status]) => status !== 0 && status !== 10);
const notMet = endings.filter(([, status]) => status === 10);
if (broken.length)
  console.log(`npm run bench FAILED: ${broken.map(([file, , ending]) => `${file} ${ending}`).join('; ')}`);
else if (notMet.length) console.log(`npm run bench: goals not met in ${notMet.map(([file]) => file).join(', ')}`);
process.exitCode = broken.length || notMet.length ? 1 : 0;
