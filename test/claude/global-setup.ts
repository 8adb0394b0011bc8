/** Installs (once) the pinned Claude Code CLI and hands its path to the tests. */
import type { TestProject } from 'vitest/node';
import { CLAUDE_CODE_VERSION, ensureClaudeCode } from './install.js';

declare module 'vitest' {
  export interface ProvidedContext {
    claudeBin: string;
  }
}

export default function setup(project: TestProject): void {
  const bin = ensureClaudeCode(CLAUDE_CODE_VERSION, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`Claude Code ${CLAUDE_CODE_VERSION}: ${bin}\n`);
  project.provide('claudeBin', bin);
}
