import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/synth-once.global.ts'],
    // CDK synth in a test can take several seconds on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Handlers imported by tests run as on the local platform: no metrics to stdout, quiet logs, no tracing.
    env: {
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_MANUAL_MODE: 'true',
    },
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
