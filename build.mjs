// Builds everything that ships from the sources:
//   node build.mjs           the lcw-auth CLI (dist/cli), the npm start demo (dist/demo), and the
//                            extension for Chrome (dist/chrome) and Firefox (dist/firefox) from
//                            the one manifest.json, and each browser's test build (dist/chrome-test,
//                            dist/firefox-test: the same code, with loopback granted at install)
//   node build.mjs package   the above, then what the stores take (dist/packages): the Chrome zip,
//                            the Firefox zip, and the source archive AMO asks for with bundled code
//   node build.mjs docs      regenerates docs/findings.md from the rule catalog
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { Resvg } from '@resvg/resvg-js';

const mode = process.argv[2] ?? 'all';
/** Where builds go; a test that packages sets its own, so it never rewrites a build a browser has loaded. */
const DIST = process.env.LCW_DIST ?? 'dist';
const BROWSERS = ['chrome', 'firefox'];
/** The icon sizes the stores and toolbars use, rasterised from extension/icons/icon.svg. */
const ICON_SIZES = [16, 32, 48, 128];
/** What a reviewer needs to rebuild the add-on from source (AMO asks for it when code is bundled). */
const SOURCE_FILES = [
  'src',
  'extension',
  'manifest.json',
  'build.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'README.md',
  'docs/report.schema.json',
];
/** The extension's contexts: one entry point each (see docs/architecture.md). */
const CONTEXTS = {
  hook: 'src/hook/index.ts',
  relay: 'src/relay/index.ts',
  background: 'src/background/index.ts',
  devtools: 'src/devtools/devtools.ts',
  panel: 'src/devtools/panel.ts',
  findings: 'src/devtools/findings-page.ts',
  popup: 'src/devtools/popup.ts',
};
/**
 * What a test build adds to the manifest. The simulator serves sites on loopback, and Chromium's
 * permission prompt cannot be clicked headless, so they are granted at install; recording still
 * starts only when a site is recorded. `*.test` names (mapped to loopback by the tests) stay
 * optional, to be asked for as a real site is.
 */
const TEST_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];
const TEST_OPTIONAL_HOSTS = ['http://*.test/*'];

if (mode === 'docs') {
  const bundle = await esbuild.build({
    entryPoints: ['src/analysis/findings/findings-doc.ts'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  const { renderFindingsDoc } = await import(
    `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`
  );
  await writeFile('docs/findings.md', renderFindingsDoc());
  console.log('wrote docs/findings.md');
} else {
  await Promise.all([
    buildNode('src/cli/main.ts', `${DIST}/cli/lcw-auth.mjs`),
    buildNode('src/demo/start.ts', `${DIST}/demo/start.mjs`),
    buildNode('src/simulator/main.ts', `${DIST}/simulator/main.mjs`),
    buildChatSdkPage(),
    ...BROWSERS.map(buildExtension),
  ]);
  if (mode === 'package') await packageExtensions();
}

function buildNode(entry, outfile) {
  // puppeteer-core stays a package import (the demo only): bundling it gains nothing.
  return esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    external: ['puppeteer-core'],
  });
}

/**
 * The simulator's custom widget: a page script on Microsoft's npm Chat SDK (about 1.4 MB, never
 * committed). The SDK's dependencies expect Node's `global`, and `crypto` resolves only through
 * the packages' browser fields.
 */
function buildChatSdkPage() {
  return esbuild.build({
    entryPoints: ['src/simulator/chat-sdk-page.ts'],
    outfile: `${DIST}/simulator/chat-sdk-page.js`,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    define: { global: 'globalThis' },
    mainFields: ['browser', 'module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

async function buildExtension(browser) {
  const out = `${DIST}/${browser}`;
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await esbuild.build({
    entryPoints: CONTEXTS,
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: browser === 'chrome' ? 'chrome120' : 'firefox140',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await cp('extension', out, { recursive: true, filter: path => !path.includes('icons') });
  await writeFile(
    `${out}/manifest.json`,
    `${JSON.stringify(manifestFor(browser, JSON.parse(await readFile('manifest.json', 'utf8'))), null, 2)}\n`,
  );
  const svg = await readFile('extension/icons/icon.svg', 'utf8');
  for (const size of ICON_SIZES) await writeFile(`${out}/icon-${size}.png`, icon(svg, size));
  await buildTestVariant(browser);
}

/** The same files as the store build, with the test hosts in the manifest (see TEST_HOSTS). */
async function buildTestVariant(browser) {
  const out = `${DIST}/${browser}-test`;
  await rm(out, { recursive: true, force: true });
  await cp(`${DIST}/${browser}`, out, { recursive: true });
  const manifest = JSON.parse(await readFile(`${out}/manifest.json`, 'utf8'));
  manifest.host_permissions = [...manifest.host_permissions, ...TEST_HOSTS];
  manifest.optional_host_permissions = [...manifest.optional_host_permissions, ...TEST_OPTIONAL_HOSTS];
  await writeFile(`${out}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** One source manifest; each browser gets only the keys it understands. */
function manifestFor(browser, manifest) {
  const result = structuredClone(manifest);
  if (browser === 'chrome') {
    delete result.background.scripts;
    delete result.browser_specific_settings;
  } else {
    // Firefox has no extension service worker: it runs the same bundle as a background script.
    delete result.background.service_worker;
  }
  return result;
}

async function packageExtensions() {
  const { version } = JSON.parse(await readFile('manifest.json', 'utf8'));
  for (const browser of BROWSERS) webExtBuild(`${DIST}/${browser}`, `lcw-auth-${browser}-${version}.zip`);
  await packageSource(version);
}

/** The icon at `size` pixels, from the SVG (resvg: the same rendering on every machine). */
function icon(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

/**
 * The source archive for addons.mozilla.org: the files that build the add-on, with BUILDING.md
 * at its root (docs/building-from-source.md). Zipped by web-ext, like the add-on itself.
 */
async function packageSource(version) {
  const stage = `${DIST}/source-stage`;
  await rm(stage, { recursive: true, force: true });
  await mkdir(`${stage}/docs`, { recursive: true });
  for (const path of SOURCE_FILES) await cp(path, `${stage}/${path}`, { recursive: true });
  await cp('docs/building-from-source.md', `${stage}/BUILDING.md`);
  webExtBuild(stage, `lcw-auth-source-${version}.zip`);
  await rm(stage, { recursive: true, force: true });
}

function webExtBuild(sourceDir, filename) {
  const args = ['web-ext', 'build', '--source-dir', sourceDir, '--artifacts-dir', `${DIST}/packages`];
  execFileSync('npx', [...args, '--filename', filename, '--overwrite-dest'], {
    stdio: 'inherit',
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
  });
}
