import { execFileSync } from 'node:child_process';

/**
 * Builds the extension and the CLI once, so subprocess and browser tests run what ships. The shipped
 * and browser projects both name this set-up; the second call in the same run finds it done.
 */
export default function setup(): void {
  if (process.env.LCW_TEST_BUILT === String(process.pid)) return;
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  process.env.LCW_TEST_BUILT = String(process.pid);
}
