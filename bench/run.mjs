// Runs every bench/*.bench.ts (bundled with esbuild) and prints their figures.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];
const benches = readdirSync('bench').filter(f => f.endsWith('.bench.ts') && (!only || f.includes(only)));
let failed = false;
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
  const { status } = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  failed ||= status !== 0;
}
process.exitCode = failed ? 1 : 0;
