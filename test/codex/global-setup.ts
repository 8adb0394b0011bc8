/** Installs (once) the pinned Codex CLI and hands its path to the tests. */
import type { TestProject } from 'vitest/node';
import { CODEX_VERSION, ensureCodex } from './install.js';

declare module 'vitest' {
  export interface ProvidedContext {
    codexBin: string;
  }
}

export default function setup(project: TestProject): void {
  const bin = ensureCodex(CODEX_VERSION, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`Codex ${CODEX_VERSION}: ${bin}\n`);
  project.provide('codexBin', bin);
}
