// Runs every bench/*.bench.ts (bundled with esbuild) and prints their figures.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The fixture site is plain JS that finds its files next to itself: import it where it is. */
const fixturesInPlace = {
  name: 'fixtures-in-place',
  setup(build) {
    build.onResolve({ filter: /fixtures\/site\/server\.mjs$/ }, args => ({ path: resolve(args.resolveDir, args.path), external: true }));
  },
};

const only = process.argv[2];
const benches = readdirSync('bench').filter(f => f.endsWith('.bench.ts') && (!only || f.includes(only)));
let failed = false;
for (const file of benches) {
  const outfile = `dist/bench/${file.replace(/\.ts$/, '.mjs')}`;
  await esbuild.build({ entryPoints: [`bench/${file}`], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', packages: 'external', plugins: [fixturesInPlace] });
  console.log(`\n=== ${file}`);
  const { status } = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  failed ||= status !== 0;
}
process.exitCode = failed ? 1 : 0;
