import { execFileSync } from 'node:child_process';

/** Builds the extension and the CLI once, so subprocess and browser tests run what ships. */
export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
