import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two files at a time on two cores (the default would be one): a browser file mostly waits on its
    // pages, so two of them, or one beside the unit files, share the machine without slowing each other.
    maxWorkers: 2,
    projects: [
      // The engine, the protocol and the record, in Node: no build needed.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      // What ships (the bundles, the packages, the CLI as a subprocess): built once first.
      {
        extends: true,
        test: {
          name: 'shipped',
          include: ['test/shipped/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      // Real browsers with the build loaded; generous timeouts for browser start-up.
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
