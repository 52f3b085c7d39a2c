// Builds everything that ships from the sources:
//   node build.mjs           the lcw-auth CLI (dist/cli), the npm start demo (dist/demo), and the
//                            extension for Chrome (dist/chrome) and Firefox (dist/firefox) from
//                            the one manifest.json
//   node build.mjs package   the above, then the two zips a store accepts (dist/packages)
//   node build.mjs docs      regenerates docs/findings.md from the rule catalog
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { deflateSync, crc32 } from 'node:zlib';

const mode = process.argv[2] ?? 'all';
/** Where builds go; a test that packages sets its own, so it never rewrites a build a browser has loaded. */
const DIST = process.env.LCW_DIST ?? 'dist';
const BROWSERS = ['chrome', 'firefox'];
/** The extension's contexts: one entry point each (see docs/architecture.md). */
const CONTEXTS = {
  hook: 'src/hook/index.ts',
  relay: 'src/relay/index.ts',
  background: 'src/background/index.ts',
  devtools: 'src/devtools/devtools.ts',
  panel: 'src/devtools/panel.ts',
  findings: 'src/devtools/findings-page.ts',
};

if (mode === 'docs') {
  const bundle = await esbuild.build({
    entryPoints: ['src/analysis/findings-doc.ts'],
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
  await cp('extension', out, { recursive: true });
  await writeFile(
    `${out}/manifest.json`,
    `${JSON.stringify(manifestFor(browser, JSON.parse(await readFile('manifest.json', 'utf8'))), null, 2)}\n`,
  );
  for (const size of [32, 128]) await writeFile(`${out}/icon-${size}.png`, icon(size));
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
  for (const browser of BROWSERS) {
    execFileSync(
      'npx',
      [
        'web-ext',
        'build',
        '--source-dir',
        `${DIST}/${browser}`,
        '--artifacts-dir',
        `${DIST}/packages`,
        '--filename',
        `lcw-auth-${browser}-${version}.zip`,
        '--overwrite-dest',
      ],
      { stdio: 'inherit', env: { ...process.env, NO_UPDATE_NOTIFIER: '1' } },
    );
  }
}

/** The icon, drawn here so no binary sits in the repository: a speech bubble with a key slot. */
function icon(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size - 0.5;
      const v = (y + 0.5) / size - 0.5;
      const bubble =
        Math.hypot(u, v * 1.15) < 0.42 || (u < -0.1 && u > -0.3 && v > 0.25 && v < 0.46 && u + 0.3 > v - 0.25);
      const hole = Math.hypot(u + 0.08, v + 0.02) < 0.11 || (Math.abs(v + 0.02) < 0.04 && u > -0.02 && u < 0.24);
      row.push(...(bubble && !hole ? [0x1a, 0x73, 0xe8, 0xff] : [0, 0, 0, 0]));
    }
    rows.push(Buffer.from(row));
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
