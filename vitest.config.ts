import { defineConfig } from 'vitest/config';

/** Lambda logs and EMF metrics are asserted through recorders; keep the real ones quiet in test output. */
const quietPowertools = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          env: quietPowertools,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          env: quietPowertools,
          // One moto server and one DynamoDB Local for the whole run, started and stopped by the suite itself.
          globalSetup: ['test/support/local-aws-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          env: quietPowertools,
          // Each file starts its own local pipeline (moto, HTTP server, event source) on free ports.
          testTimeout: 240_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          env: quietPowertools,
          // The console in Debian's Chromium (playwright-core) against a local pipeline on free ports.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
