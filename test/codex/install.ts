/**
 * The real Codex CLI for `npm run test:codex`: installed once from the npm registry into
 * node_modules/.cache/cco-codex/codex-<version>, pinned, and reused while it is there. The
 * wrapper package @openai/codex ships the native binary in a per-platform package
 * (@openai/codex-linux-x64 → npm:@openai/codex@<version>-linux-x64); the binary is run directly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version this suite was last run against (README, "Codex"). */
export const CODEX_VERSION = process.env.CCO_CODEX_VERSION ?? '0.171.0';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CACHE = join(ROOT, 'node_modules/.cache/cco-codex');

function binaryIn(dir: string): string | undefined {
  const pkg = join(dir, 'node_modules/@openai', `codex-${platform()}-${arch()}`, 'vendor');
  if (!existsSync(pkg)) return undefined;
  for (const triple of readdirSync(pkg)) {
    const bin = join(pkg, triple, 'bin', 'codex');
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

function usable(dir: string, version: string): string | undefined {
  const bin = binaryIn(dir);
  if (!bin) return undefined;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 }).includes(version) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The path of a working `codex` binary of CODEX_VERSION, installing it when missing. */
export function ensureCodex(version = CODEX_VERSION, log: (line: string) => void = () => undefined): string {
  const dir = join(CACHE, `codex-${version}`);
  const ready = usable(dir, version);
  if (ready) return ready;
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'cco-codex-cache', private: true }));
  log(`Installing @openai/codex@${version} into ${dir} (about 430 MB on disk, once)…`);
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@openai/codex@${version}`], {
      cwd: staging,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 10 * 60_000,
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Could not install @openai/codex@${version} from the npm registry: ${(error as Error).message}`, { cause: error });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const bin = usable(dir, version);
  if (!bin) throw new Error(`@openai/codex@${version} installed in ${dir}, but no working codex binary for ${platform()}-${arch()} was found there.`);
  return bin;
}
