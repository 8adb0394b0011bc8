import { posix } from 'node:path';
import type { ToolCall } from '../types.js';
import { commandParts } from './bash.js';
import { CallContext } from './context.js';
import { pathField } from './syntax.js';

/** Commands whose second word is a subcommand worth keeping: `npm test`, `git push`. */
const WITH_SUBCOMMAND = new Set([
  'npm', 'pnpm', 'yarn', 'bun', 'npx', 'pnpx', 'bunx', 'deno', 'node', 'git', 'gh', 'cargo', 'go', 'rustup',
  'docker', 'docker-compose', 'podman', 'kubectl', 'helm', 'terraform', 'make', 'pip', 'pip3', 'poetry', 'uv',
  'pipenv', 'conda', 'brew', 'apt', 'apt-get', 'dnf', 'systemctl', 'composer', 'bundle', 'rails', 'rake', 'mix',
  'dotnet', 'mvn', 'gradle', './gradlew', 'swift', 'flutter', 'dart', 'nx', 'turbo', 'lerna', 'aws', 'gcloud', 'az',
]);

/** Subcommands that name a script: `npm run build` keeps three words. */
const RUNS_SCRIPT = new Set(['run', 'run-script', 'exec', 'dlx', 'x']);

const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);
const DIRECTORY_TOOLS = new Set(['Glob', 'Grep', 'LS']);

/**
 * The narrowest sensible Claude-style pattern for a call, for "always allow this": `Bash(npm test:*)`,
 * `Edit(//repo/src/**)`, `WebFetch(domain:github.com)`, `mcp__github__get_issue`. The result always
 * parses. For a file tool it covers the file's directory; for a compound command, that exact command
 * line (or, when the line holds a `*`, the first command's prefix, which does not cover the line).
 * `homeDir` expands a `~/` path in the call; without it such a path gives a `~/` pattern. A file
 * call whose path cannot be placed (none, or relative above an unknown cwd) gives the bare family.
 */
export function claudeRuleFromCall(call: ToolCall, homeDir?: string): string {
  const tool = call.toolName;
  if (tool === 'Bash') return bashRule(call);
  if (tool === 'WebFetch') return domainRule(call);
  const field = pathField(tool);
  if (field !== undefined) return pathRule(call, field, homeDir);
  return tool;
}

function bashRule(call: ToolCall): string {
  const command = typeof call.input?.command === 'string' ? call.input.command.trim() : '';
  const parts = commandParts(command);
  const first = parts[0];
  if (first === undefined) return 'Bash';
  if (parts.length > 1 && !command.includes('*') && !command.endsWith(':*')) return `Bash(${command})`;
  // The form an allow rule compares: harmless env assignments dropped.
  const form = first.allowForms.at(-1) ?? first.text;
  const words = form.split(' ');
  const [w1 = '', w2, w3] = words;
  const word = (w: string | undefined) => w !== undefined && /^[A-Za-z0-9][\w:.@/-]*$/.test(w);
  let take = 1;
  if (WITH_SUBCOMMAND.has(w1) && word(w2)) take = RUNS_SCRIPT.has(w2 as string) && word(w3) ? 3 : 2;
  const prefix = words.slice(0, take).join(' ');
  if (/^[\w./@+-]+(?: [\w:./@+-]+)*$/.test(prefix) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(prefix)) return `Bash(${prefix}:*)`;
  // Quotes or a kept env assignment in the first words: name the command as written.
  return parts.length === 1 && !first.text.endsWith(':*') ? `Bash(${first.text})` : 'Bash';
}

function domainRule(call: ToolCall): string {
  const host = new CallContext(call, '/').host;
  return host !== null && /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(host) ? `WebFetch(domain:${host})` : 'WebFetch';
}

function pathRule(call: ToolCall, field: string, homeDir: string | undefined): string {
  const family = EDIT_TOOLS.has(call.toolName) ? 'Edit' : 'Read';
  const raw = call.input?.[field];
  const isDir = DIRECTORY_TOOLS.has(call.toolName);
  if (typeof raw === 'string' && (raw === '~' || raw.startsWith('~/')) && homeDir === undefined) {
    const dir = isDir ? posix.normalize(raw) : posix.dirname(posix.normalize(raw));
    return `${family}(${below(escapeGlob(dir.replace(/\/+$/, '')))})`;
  }
  const ctx = new CallContext(call, homeDir ?? '/');
  const target = ctx.target;
  if (target.path !== undefined) {
    const dir = isDir ? target.path : posix.dirname(target.path);
    return `${family}(${dir === '/' ? '//**' : `/${below(escapeGlob(dir))}`})`;
  }
  // A relative path and no cwd: a rule relative to whatever the working directory is.
  if (typeof raw === 'string' && raw !== '') {
    const dir = posix.normalize(isDir ? raw : posix.dirname(raw)).replace(/\/+$/, '');
    if (!dir.startsWith('..')) return `${family}(${below(dir === '.' ? '.' : `./${escapeGlob(dir)}`)})`;
  }
  if (isDir && (typeof raw !== 'string' || raw === '')) return `${family}(./**)`;
  return family;
}

function below(dir: string): string {
  return `${dir}/**`;
}

/** Characters picomatch would read as glob syntax, escaped so the directory is taken literally. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}
