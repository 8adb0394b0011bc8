/**
 * The real Claude Code CLI for `npm run test:claude`: installed once from the npm registry into
 * node_modules/.cache/cco-claude/claude-code-<version>, pinned, and reused while it is there.
 * The wrapper package ships the native binary through an optional per-platform dependency
 * (@anthropic-ai/claude-code-linux-x64 …); its postinstall links it over bin/claude.exe. If that
 * script did not run (npm may skip install scripts), the platform package's binary is used as is.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version this suite was last run against (README, "Tests with the real Claude Code"). */
export const CLAUDE_CODE_VERSION = process.env.CCO_CLAUDE_CODE_VERSION ?? '2.1.332';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CACHE = join(ROOT, 'node_modules/.cache/cco-claude');

function candidates(dir: string): string[] {
  const pkg = join(dir, 'node_modules/@anthropic-ai');
  return [join(pkg, `claude-code-${platform()}-${arch()}`, 'claude'), join(dir, 'node_modules/.bin/claude')];
}

function versionOf(bin: string): string | undefined {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DISABLE_AUTOUPDATER: '1' } }).trim();
  } catch {
    return undefined;
  }
}

function usable(dir: string, version: string): string | undefined {
  for (const bin of candidates(dir)) {
    if (existsSync(bin) && versionOf(bin)?.startsWith(version)) return bin;
  }
  return undefined;
}

/** The path of a working `claude` binary of CLAUDE_CODE_VERSION, installing it when missing. */
export function ensureClaudeCode(version = CLAUDE_CODE_VERSION, log: (line: string) => void = () => undefined): string {
  const dir = join(CACHE, `claude-code-${version}`);
  const ready = usable(dir, version);
  if (ready) return ready;
  // Install beside the final folder and move it in whole, so an interrupted install is never reused.
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'cco-claude-code-cache', private: true }));
  log(`Installing @anthropic-ai/claude-code@${version} into ${dir} (about 400 MB on disk, once)…`);
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@anthropic-ai/claude-code@${version}`], {
      cwd: staging,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 10 * 60_000,
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Could not install @anthropic-ai/claude-code@${version} from the npm registry: ${(error as Error).message}`, { cause: error });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const bin = usable(dir, version);
  if (!bin)
    throw new Error(`@anthropic-ai/claude-code@${version} installed in ${dir}, but no working claude binary for ${platform()}-${arch()} was found there.`);
  return bin;
}
