import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The tests that run the built binary (`node bin/cco.js`, which needs `dist/` from `npm run
 * build`) or drive it in tmux: the `bin` project. Everything else is the `unit` project, which
 * imports src/ directly and needs no build (`npm run test:unit`). `npm test` builds, then runs both.
 */
const BIN_TESTS = [
  'test/e2e/**/*.test.{ts,tsx}',
  'test/commands/audit-process.test.ts',
  'test/commands/bulk.test.ts',
  'test/commands/cli.test.ts',
  'test/commands/doctor.test.ts',
  'test/commands/escape.test.ts',
  'test/commands/faults-process.test.ts',
  'test/commands/hot-reload.test.ts',
  'test/commands/rules.test.ts',
  'test/commands/run.test.ts',
  'test/commands/second-server.test.ts',
  'test/commands/self-guard.test.ts',
  'test/commands/status.test.ts',
  'test/commands/token-process.test.ts',
  'test/server/exposure.test.ts',
  'test/store/settings-lock.test.ts',
];

// The suites against the real Claude Code and Codex CLIs download them: opt in with `npm run test:claude` / `test:codex`.
const exclude = [...configDefaults.exclude, 'test/claude/**', 'test/codex/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The e2e tests drive tmux and real processes; keep the machine's two cores from thrashing.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: [...exclude, ...BIN_TESTS] } },
      { extends: true, test: { name: 'bin', include: BIN_TESTS, exclude, globalSetup: ['test/support/built-binary.ts'] } },
    ],
  },
});
