import { defineConfig } from 'vitest/config';

/**
 * `npm run test:codex`: the opt-in suite against the real Codex CLI (installed once into
 * node_modules/.cache/cco-codex), driven offline by a fake Responses API. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/codex/**/*.test.ts'],
    globalSetup: ['test/codex/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
  },
});
