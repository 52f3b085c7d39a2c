/**
 * What people install: the store packages (Chrome zip, Firefox zip, the source archive AMO asks
 * for) and the CLI as an npm tarball, installed globally on a machine without this repository.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { assembleSession } from '../../src/analysis/session/session.js';
import { buildReport } from '../../src/analysis/report/report.js';
import { CONTACT_ID, NOW, makeKey, signToken, validClaims } from '../helpers/tokens.js';

const { version } = JSON.parse(readFileSync('manifest.json', 'utf8')) as { version: string };
/** A zip's entries appear by name in its local headers and central directory. */
const holds = (zip: Buffer, name: string) => zip.includes(Buffer.from(name));

describe('npm run package', () => {
  let packages: string;
  beforeAll(() => {
    // Its own output folder, so it never rewrites a build a browser has loaded.
    const out = mkdtempSync(join(tmpdir(), 'lcw-package-'));
    execFileSync('npm', ['run', 'package'], { stdio: 'pipe', env: { ...process.env, LCW_DIST: out } });
    packages = join(out, 'packages');
  }, 180_000);

  test('writes the Chrome zip, the Firefox zip and the source archive, and nothing else', () => {
    expect(readdirSync(packages).sort()).toEqual(
      [`lcw-auth-chrome-${version}.zip`, `lcw-auth-firefox-${version}.zip`, `lcw-auth-source-${version}.zip`].sort(),
    );
  });

  test.each(['chrome', 'firefox'])('the %s zip holds the manifest, every context and the four icons', browser => {
    const zip = readFileSync(join(packages, `lcw-auth-${browser}-${version}.zip`));
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    for (const name of ['manifest.json', 'hook.js', 'relay.js', 'background.js', 'panel.js', 'panel.html']) {
      expect(holds(zip, name), name).toBe(true);
    }
    for (const size of [16, 32, 48, 128]) expect(holds(zip, `icon-${size}.png`), `icon-${size}`).toBe(true);
    expect(holds(zip, 'icon.svg')).toBe(false);
  });

  test('the source archive holds what rebuilds the add-on, with build instructions, and no build output', () => {
    const zip = readFileSync(join(packages, `lcw-auth-source-${version}.zip`));
    for (const name of ['BUILDING.md', 'package.json', 'package-lock.json', 'build.mjs', 'manifest.json']) {
      expect(holds(zip, name), name).toBe(true);
    }
    for (const name of [
      'src/hook/index.ts',
      'src/devtools/panel.ts',
      'extension/panel.html',
      'extension/icons/icon.svg',
    ]) {
      expect(holds(zip, name), name).toBe(true);
    }
    expect(holds(zip, 'node_modules/')).toBe(false);
    expect(holds(zip, 'dist/')).toBe(false);
  });
});

describe('the CLI as an npm package', () => {
  let bin: string;
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lcw-cli-install-'));
    // dist/cli is built by the test run's global set-up; packing must not build again.
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { encoding: 'utf8' });
    const tarball = join(work, packed.trim().split('\n').at(-1)!);
    const prefix = join(work, 'prefix');
    // --offline: the package declares no runtime dependencies (everything is in its bundle).
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
      stdio: 'pipe',
      cwd: work,
    });
    bin = join(prefix, 'bin', 'lcw-auth');
  }, 120_000);

  const run = (args: string[]) =>
    spawnSync(bin, args, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('lcw-auth check works from the installed package, outside the repository', async () => {
    const key = await makeKey();
    const good = await signToken(key, validClaims());
    writeFileSync(join(work, 'key.pem'), key.pem);
    const ok = run(['check', good, '--now', String(NOW), '--key', 'key.pem']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Token accepted/);
    expect(ok.stdout).toContain(CONTACT_ID);
    expect(ok.stdout).toMatch(/Signature\s+verified/);
    const expired = run(['check', await signToken(key, validClaims({ exp: NOW - 3600 })), '--now', String(NOW)]);
    expect(expired.status).toBe(1);
    expect(expired.stdout).toMatch(/^Error 4 \(the token is invalid\) expected: The token expired/);
  });

  test('lcw-auth report reads a report, with the schema the package carries', async () => {
    const token = await signToken(await makeKey(), validClaims({ exp: NOW - 3600 }));
    const at = NOW * 1000;
    const view = assembleSession([
      { k: 'reg', at, frame: 0, fn: true, arg: 'function', ready: true },
      { k: 'inv', at: at + 1, frame: 0, id: 1, route: 'sdk' },
      { k: 'cb', at: at + 2, frame: 0, id: 1, sync: true, v: token },
      { k: 'end', at: at + 3, frame: 0, id: 1 },
    ]);
    writeFileSync(
      join(work, 'report.json'),
      JSON.stringify(buildReport(view, { url: 'https://shop.example/', now: at })),
    );
    const shown = run(['report', 'report.json']);
    expect(shown.stderr).toBe('');
    expect(shown.status).toBe(1);
    expect(shown.stdout).toContain('Error 4 (the token is invalid) expected: The token expired');
    writeFileSync(join(work, 'not-a-report.json'), '{"format": "something else"}');
    const bad = run(['report', 'not-a-report.json']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a valid lcw-auth report (v1 to v3)');
  });
});
