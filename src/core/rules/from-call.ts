import { posix } from 'node:path';
import type { ToolCall } from '../types.js';
import { riskMarks, type RiskKind } from '../risk.js';
import { analyzeBash, commandParts } from './bash.js';
import { CallContext } from './context.js';
import { editsFiles, pathField, readsFolder } from '../tools.js';

/** Commands whose second word is a subcommand worth keeping: `npm test`, `git push`. */
const WITH_SUBCOMMAND = new Set([
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'npx',
  'pnpx',
  'bunx',
  'deno',
  'node',
  'git',
  'gh',
  'cargo',
  'go',
  'rustup',
  'docker',
  'docker-compose',
  'podman',
  'kubectl',
  'helm',
  'terraform',
  'make',
  'pip',
  'pip3',
  'poetry',
  'uv',
  'pipenv',
  'conda',
  'brew',
  'apt',
  'apt-get',
  'dnf',
  'systemctl',
  'composer',
  'bundle',
  'rails',
  'rake',
  'mix',
  'dotnet',
  'mvn',
  'gradle',
  './gradlew',
  'swift',
  'flutter',
  'dart',
  'nx',
  'turbo',
  'lerna',
  'aws',
  'gcloud',
  'az',
]);

/**
 * Commands that run the command (or script) after them: `Bash(env:*)` or `Bash(nohup:*)` would
 * allow every command, so a call that starts with one is proposed as its whole command line.
 */
const RUNS_NEXT = new Set([
  'env',
  'nohup',
  'time',
  'timeout',
  'nice',
  'ionice',
  'chrt',
  'taskset',
  'stdbuf',
  'setsid',
  'command',
  'builtin',
  'exec',
  'busybox',
  'xargs',
  'watch',
  'parallel',
  'flock',
  'unbuffer',
  'script',
  'caffeinate',
  'chroot',
  'strace',
  'ltrace',
  'eval',
  'source',
  '.',
  'sudo',
  'doas',
  'su',
  'pkexec',
  'run0',
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'ash',
  'fish',
  'csh',
  'tcsh',
]);

/** Subcommands that name a script: `npm run build` keeps three words. */
const RUNS_SCRIPT = new Set(['run', 'run-script', 'exec', 'dlx', 'x']);

/** What `A` proposes for a call: a pattern, and why it may not be saved as it stands. */
export interface RuleProposal {
  /** The narrowest sensible pattern; always parses. */
  pattern: string;
  /**
   * Set when the call touches something that is allowed once but never "always" from a proposal
   * (a secret or shell start-up file, `sudo`, a force push): a sentence for people. The console
   * saves a rule for such a call only from a pattern the person typed.
   */
  locked?: string;
}

/** Marks that make a Bash proposal the whole command line, never a prefix. */
const KEEP_WHOLE: ReadonlySet<RiskKind> = new Set(['pipe-shell', 'sudo', 'recursive-rm', 'force', 'write', 'outside-cwd', 'eval', 'opaque']);

/** Files a grant never reaches from a proposal: secrets, keys, shell start-up files. */
const SENSITIVE =
  /(?:^|\/)\.env(?:\.[^/]*)?$|(?:^|\/)\.ssh(?:\/|$)|\.(?:pem|key)$|(?:^|\/)\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|login|zshrc|zshenv|zprofile|zlogin|kshrc|cshrc|tcshrc|inputrc)$|(?:^|\/)\.config\/fish\/config\.fish$/i;

/** Whether `path` (as written or absolute) names a file a proposal never covers. */
export function sensitivePath(path: string): boolean {
  return SENSITIVE.test(path.replace(/\/+$/, ''));
}

/**
 * What `A` proposes: claudeRuleFromCall's pattern, and `locked` when the call writes or reads a
 * secret or start-up file, runs as root or force-pushes (risk.ts finds those marks).
 */
export function proposeRule(call: ToolCall, homeDir?: string): RuleProposal {
  const pattern = claudeRuleFromCall(call, homeDir);
  const wide = pattern === 'Bash' && typeof call.input?.command === 'string' && call.input.command.trim() !== '';
  const locked = wide ? 'cco cannot name this command exactly, and `Bash` would allow every command' : lockReason(call, pattern, homeDir);
  return locked === undefined ? { pattern } : { pattern, locked };
}

function lockReason(call: ToolCall, pattern: string, homeDir: string | undefined): string | undefined {
  const marks = riskMarks(call, homeDir === undefined ? {} : { home: homeDir });
  if (marks.some((m) => m.kind === 'sudo')) return 'it runs as another user (sudo)';
  if (marks.some((m) => m.kind === 'force' && m.text === 'force push')) return 'it is a force push';
  const paths: string[] = [];
  if (call.toolName === 'Bash') {
    const command = typeof call.input?.command === 'string' ? call.input.command : '';
    const a = analyzeBash(command);
    for (const w of a.writes) paths.push(w.path ?? w.raw);
    paths.push(...a.reads);
  } else {
    const field = pathField(call.toolName);
    const raw = field === undefined ? undefined : call.input?.[field];
    if (typeof raw === 'string') paths.push(raw);
  }
  const hit = paths.find(sensitivePath);
  if (hit !== undefined) return `it touches \`${hit.length > 60 ? `${hit.slice(0, 59)}…` : hit}\`, a secret or shell start-up file`;
  return call.toolName === 'Bash' ? undefined : folderReason(pattern, homeDir);
}

/**
 * Why a file pattern's folder is too wide to save unread: it lies in a secret folder (`~/.ssh/**`)
 * or holds the home folder (`~/**`, `//**`), where the keys and shell start-up files live.
 */
function folderReason(pattern: string, homeDir: string | undefined): string | undefined {
  const m = /^(?:Read|Edit)\(\/(\/.*?)(?:\/\*\*)?\)$/.exec(pattern);
  if (!m) return undefined;
  const dir = m[1] === '/**' ? '/' : (m[1] as string).replace(/\\(.)/g, '$1');
  if (sensitivePath(dir) || /(?:^|\/)\.ssh(?:\/|$)/i.test(dir))
    return `it reaches into \`${dir.length > 60 ? `${dir.slice(0, 59)}…` : dir}\`, a folder of secrets`;
  if (!pattern.endsWith('/**)') || homeDir === undefined) return undefined;
  const home = posix.normalize(homeDir).replace(/\/+$/, '');
  const holdsHome = dir === '/' || home === dir || home.startsWith(`${dir}/`);
  return holdsHome ? `it reaches every file in \`${dir}\`, your keys (~/.ssh) and shell start-up files among them` : undefined;
}

/**
 * The narrowest sensible Claude-style pattern for a call, for "always allow this": `Bash(npm test:*)`,
 * `Edit(//repo/src/**)`, `WebFetch(domain:github.com)`, `mcp__github__get_issue`. The result always
 * parses. For a file tool it covers the file's directory (the file alone when it is outside the
 * agent's cwd); for a compound command, or one with a risk mark (a redirection, `--force`, `sudo`,
 * a pipe into a shell, a path outside the cwd), that exact command line; a command that cannot be
 * named exactly (it holds a `*`) then gives `Bash`, which no one should save unread.
 * `homeDir` expands a `~/` path in the call; without it such a path gives a `~/` pattern. A file
 * call whose path cannot be placed (none, or relative above an unknown cwd) gives the bare family.
 */
export function claudeRuleFromCall(call: ToolCall, homeDir?: string): string {
  const tool = call.toolName;
  if (tool === 'Bash') return bashRule(call, homeDir);
  if (tool === 'WebFetch') return domainRule(call);
  const field = pathField(tool);
  if (field !== undefined) return pathRule(call, field, homeDir);
  return tool;
}

function bashRule(call: ToolCall, homeDir: string | undefined): string {
  const command = typeof call.input?.command === 'string' ? call.input.command.trim() : '';
  const parts = commandParts(command);
  const first = parts[0];
  if (first === undefined) return 'Bash';
  const exactOk = !command.includes('*') && !command.endsWith(':*');
  if (parts.length > 1) return exactOk ? `Bash(${command})` : firstPrefix(first, parts.length);
  const marks = riskMarks(call, homeDir === undefined ? {} : { home: homeDir });
  const reachesOut = analyzeBash(command).reads.some((r) => outsideCwd(r, call.agent?.cwd));
  if (marks.some((m) => KEEP_WHOLE.has(m.kind)) || reachesOut) return exactOk ? `Bash(${command})` : 'Bash';
  return firstPrefix(first, parts.length);
}

/** Whether a path a command names is absolute, in home, or climbs out of the cwd. */
function outsideCwd(path: string, cwd: string | undefined): boolean {
  if (path.startsWith('-')) return false;
  if (path === '~' || path.startsWith('~')) return true;
  if (path.startsWith('/')) {
    if (cwd === undefined || !cwd.startsWith('/')) return true;
    const base = posix.normalize(cwd).replace(/\/+$/, '');
    const p = posix.normalize(path);
    return !(p === base || p.startsWith(`${base}/`));
  }
  return posix.normalize(path).startsWith('..');
}

function firstPrefix(first: ReturnType<typeof commandParts>[number], count: number): string {
  const parts = { length: count };
  // The form an allow rule compares: harmless env assignments dropped.
  const form = first.allowForms.at(-1) ?? first.text;
  const words = form.split(' ');
  const [w1 = '', w2, w3] = words;
  const word = (w: string | undefined) => w !== undefined && /^[A-Za-z0-9][\w:.@/-]*$/.test(w);
  const whole = () => (parts.length === 1 && !first.text.includes('*') ? `Bash(${first.text})` : 'Bash');
  // A wrapper runs whatever follows it; an option before a subcommand (`git -C x status`,
  // `kubectl -n ns get`) would otherwise widen to the whole tool; `git push` covers force pushes.
  const name = WITH_SUBCOMMAND.has(w1) ? w1 : posix.basename(w1);
  if (RUNS_NEXT.has(name) || (WITH_SUBCOMMAND.has(name) && w2 !== undefined && !word(w2)) || (name === 'git' && w2 === 'push')) return whole();
  let take = 1;
  if (WITH_SUBCOMMAND.has(name) && word(w2)) take = RUNS_SCRIPT.has(w2 as string) && word(w3) ? 3 : 2;
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
  const family = editsFiles(call.toolName) ? 'Edit' : 'Read';
  const raw = call.input?.[field];
  const isDir = readsFolder(call.toolName);
  if (typeof raw === 'string' && (raw === '~' || raw.startsWith('~/')) && homeDir === undefined) {
    const dir = isDir ? posix.normalize(raw) : posix.dirname(posix.normalize(raw));
    return `${family}(${below(escapeGlob(dir.replace(/\/+$/, '')))})`;
  }
  const ctx = new CallContext(call, homeDir ?? '/');
  const target = ctx.target;
  if (target.path !== undefined) {
    // A file outside the agent's cwd: that file alone, not its directory.
    if (!isDir && ctx.cwd !== undefined && outsideCwd(target.path, ctx.cwd)) return `${family}(/${escapeGlob(target.path)})`;
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
