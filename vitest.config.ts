import { defineConfig } from 'vitest/config';

// Workspace packages expose their TypeScript sources under the `source` export condition,
// so tests run against the code as written, without a build step in between.
const resolve = { conditions: ['source', 'import', 'node', 'default'] };

export default defineConfig({
  resolve,
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'services/*/ui/src/**/*.test.ts',
            'warehouse/src/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'services/*/src/**/*.int.test.ts',
            'services/*/test/**/*.int.test.ts',
            'warehouse/src/**/*.int.test.ts',
            // A service's web UI (services/registry-server/ui) tests itself in a real browser.
            'services/*/ui/test/**/*.int.test.ts',
          ],
          globalSetup: ['packages/test-infra/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: a few files at a time against the shared real servers.
          maxWorkers: 2,
          // Runs after the unit project; vitest requires distinct groups when maxWorkers differ.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
