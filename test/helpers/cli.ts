import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { onTestFinished, vi } from 'vitest';
import { main } from '../../src/cli.js';

/** A fresh CCO_HOME for one test. */
export function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run the CLI in process with its own CCO_HOME; returns what it printed and its exit code. */
export async function runCli(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { home: process.env.CCO_HOME, path: process.env.CCO_CONFIG_PATH };
  process.env.CCO_HOME = home;
  delete process.env.CCO_CONFIG_PATH;
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'cco', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (saved.home === undefined) delete process.env.CCO_HOME;
    else process.env.CCO_HOME = saved.home;
    if (saved.path !== undefined) process.env.CCO_CONFIG_PATH = saved.path;
  }
}
