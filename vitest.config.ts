import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The suite against the real Claude Code CLI downloads it: opt in with `npm run test:claude`.
    exclude: [...configDefaults.exclude, 'test/claude/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The e2e tests drive tmux and real processes; keep the machine's two cores from thrashing.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
