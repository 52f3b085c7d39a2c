#!/usr/bin/env node
// Runs the bundled CLI; `npm ci` (or `npm run build`) produces it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/lcw-auth.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('lcw-auth: not built yet; run "npm run build" in the repository first\n');
  process.exit(2);
}
await import(cli.href);
