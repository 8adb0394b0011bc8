import { defineConfig } from 'vitest/config';

/**
 * `npm run test:claude`: the opt-in suite against the real Claude Code CLI (installed once into
 * node_modules/.cache/cco-claude). Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/claude/**/*.test.ts'],
    globalSetup: ['test/claude/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The idle-limit tests mostly wait: three files side by side keep the run short.
    maxWorkers: 3,
  },
});
