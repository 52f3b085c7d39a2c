/** `npm start` on a machine without the browser: one clear line, a non-zero exit, no stack trace. */
import { test, expect } from 'vitest';
import { spawn } from 'node:child_process';

function start(args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...rest } = process.env;
    const child = spawn(process.execPath, ['dist/demo/start.mjs', ...args], { env: { ...rest, PORT: '0', ...env } });
    let out = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.stderr.on('data', chunk => (out += chunk));
    child.on('error', reject);
    child.on('close', status => resolve({ status, out }));
  });
}

test.each([
  [
    'chromium',
    [],
    'CHROMIUM_PATH',
    /^npm start: Chromium is not installed at \/nowhere\/chromium: .*apt-get install chromium/,
  ],
  [
    'firefox',
    ['--firefox'],
    'FIREFOX_PATH',
    /^npm start: Firefox is not installed at \/nowhere\/firefox: .*apt-get install firefox-esr/,
  ],
])('%s missing: one line saying how to get it, exit 1', async (_name, args, variable, line) => {
  const path = variable === 'CHROMIUM_PATH' ? '/nowhere/chromium' : '/nowhere/firefox';
  const { status, out } = await start(args, { [variable]: path });
  expect(status).toBe(1);
  expect(out.trim().split('\n')).toHaveLength(1);
  expect(out).toMatch(line);
  expect(out).not.toMatch(/\n\s+at |Error:/);
});
