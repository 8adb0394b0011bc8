import { posix } from 'node:path';
import { sessionKey } from '../types.js';
import { short, trimSlash, type CallContext } from './context.js';
import { wildcardMatcher } from './glob.js';
import { compileGlob, compileValueMatcher, hasGlobChars } from './syntax.js';
import type { ParsedPattern, RuleAction } from './types.js';
import { readsFolder } from '../tools.js';

/**
 * The checks a compiled rule runs after its tool name matched. Each returns whether the call
 * passes and, when explaining, pushes one sentence saying why to `why`; building that sentence is
 * skipped on the evaluate() path.
 */
export type Check = (ctx: CallContext, why?: string[]) => boolean;

export function specifierCheck(p: ParsedPattern, action: RuleAction, homeDir: string): Check | undefined {
  switch (p.kind) {
    case 'bash':
      return bashCheck(p, action);
    case 'path':
      return pathCheck(p, action, homeDir);
    case 'domain':
      return domainCheck(p, action);
    default:
      return undefined;
  }
}

function bashCheck(p: Extract<ParsedPattern, { kind: 'bash' }>, action: RuleAction): Check {
  const shown = p.match === 'prefix' ? `${p.command}:*` : p.command;
  if (p.whole) {
    // A compound exact rule (or one with redirections) names one whole command line; it is compared as a whole.
    return (ctx, why) => {
      const ok = ctx.command?.trim() === p.command;
      why?.push(ok ? `command is exactly \`${short(shown)}\`` : `command \`${short(ctx.command ?? '')}\` is not exactly \`${short(shown)}\``);
      return ok;
    };
  }
  const test = commandTest(p);
  // An allow rule must cover every part; a deny or ask rule matches if any part does (a part that
  // deserves a person's eye or a refusal is not made safe by the parts around it).
  const any = action !== 'allow';
  return (ctx, why) => {
    const parts = ctx.parts;
    if (!parts || parts.length === 0) {
      why?.push(parts ? 'the command is empty' : 'the call has no `command` string');
      return false;
    }
    const one = parts.length === 1;
    for (const part of parts) {
      const hit = someForm(any ? part.denyForms : part.allowForms, test);
      if (any && hit) {
        why?.push(`command ${one ? '' : 'part '}\`${short(part.text)}\` matches \`${short(shown)}\``);
        return true;
      }
      if (!any && !hit) {
        why?.push(`command ${one ? '' : 'part '}\`${short(part.text)}\` does not match \`${short(shown)}\``);
        return false;
      }
    }
    if (any) why?.push(one ? `command \`${short(parts[0]?.text ?? '')}\` does not match \`${short(shown)}\`` : `no command part matches \`${short(shown)}\``);
    else why?.push(one ? `command matches \`${short(shown)}\`` : `every command part (${parts.length}) matches \`${short(shown)}\``);
    return any ? false : true;
  };
}

function someForm(forms: readonly string[], test: (s: string) => boolean): boolean {
  for (let i = 0; i < forms.length; i++) if (test(forms[i] as string)) return true;
  return false;
}

/** Exact: equal. Prefix: equal, or followed by a space. Glob: `*` is any run of characters. */
function commandTest(p: Extract<ParsedPattern, { kind: 'bash' }>): (s: string) => boolean {
  const c = p.command;
  if (p.match === 'exact') return (s) => s === c;
  if (p.match === 'prefix' && !c.includes('*')) {
    const spaced = `${c} `;
    return (s) => s === c || s.startsWith(spaced);
  }
  // A matcher without backtracking: a command is agent text of up to 256 KiB, and `a*a*a*b` as a
  // regex would take minutes on it.
  const whole = wildcardMatcher(c);
  const withArgs = p.match === 'prefix' ? wildcardMatcher(`${c} *`) : undefined;
  const test = withArgs ? (s: string) => whole(s) || withArgs(s) : whole;
  // Most commands fail on their first word; check that before the matcher.
  const lead = c.slice(0, c.search(/[* ]|$/));
  return lead ? (s) => s.startsWith(lead) && test(s) : test;
}

/** Tools that read a whole folder: a deny or ask rule on anything inside it applies to them. */

function pathCheck(p: Extract<ParsedPattern, { kind: 'path' }>, action: RuleAction, homeDir: string): Check {
  // A deny rule compares without case: on macOS `.ENV` is the same file as `.env`.
  const nocase = action === 'deny';
  const glob = p.glob;
  const matcher = glob === '' ? () => true : globBelow(glob, nocase);
  const segments = glob === '' ? [] : glob.split('/');
  const firstWild = segments.findIndex(hasGlobChars);
  const literal = (firstWild < 0 ? segments : segments.slice(0, firstWild)).join('/');
  const lit = nocase ? literal.toLowerCase() : literal;
  const litSlash = `${lit}/`;
  const needle = requiredText(glob, nocase);
  const test = (r: string | undefined): boolean => {
    if (r === undefined) return false;
    if (r === '') return glob === '' || glob === '**';
    return (lit === '' || r === lit || r.startsWith(litSlash)) && (needle === '' || r.includes(needle)) && matcher(r);
  };
  return (ctx, why) => {
    const target = ctx.target;
    if (target.path === undefined) {
      why?.push(target.why);
      return false;
    }
    const base = p.anchor === 'root' ? '/' : p.anchor === 'home' ? homeDir : ctx.cwd;
    if (base === undefined) {
      if (action === 'allow') {
        why?.push(`rule path \`${p.path}\` is relative to the working directory, and the agent's cwd is unknown`);
        return false;
      }
      // Fail closed: the cwd could be any directory above the path, so try the rule under each.
      const ok =
        underAnyDirectory(ctx.relative('root', nocase) ?? '', test) || (ctx.resolvedDiffers && underAnyDirectory(ctx.realRelative('root', nocase) ?? '', test));
      why?.push(
        ok
          ? `path \`${short(target.path)}\` could be \`${p.path}\` (cwd unknown: ${action} rule applies to be safe)`
          : `path \`${short(target.path)}\` does not match \`${p.path}\` under any directory (cwd unknown)`,
      );
      return ok;
    }
    // Symlinks: an allow rule must hold for the path the file system resolves; a deny or ask rule
    // for the path as written or as resolved.
    const real = ctx.realRelative(p.anchor, nocase);
    const written = action === 'allow' ? real : ctx.relative(p.anchor, nocase);
    const ok = test(written) || (action !== 'allow' && ctx.resolvedDiffers && test(real));
    const above = (rel: string | undefined) => rel !== undefined && lit !== '' && (rel === '' || lit.startsWith(`${rel}/`));
    if (!ok && action !== 'allow' && readsFolder(ctx.call.toolName) && (above(written) || above(real))) {
      // A search (Grep, Glob, LS) of a folder above what the rule covers can read it: the rule applies.
      why?.push(`${ctx.call.toolName} searches \`${short(target.path)}\`, which holds \`${p.path}\``);
      return true;
    }
    if (why) {
      const where = p.anchor === 'root' ? '' : ` (under ${p.anchor === 'home' ? 'home' : 'cwd'} ${base})`;
      const via = ctx.resolvedDiffers ? ` (a symlink: it is \`${short(ctx.realTarget ?? '')}\`)` : '';
      why.push(`path \`${short(target.path)}\`${via} ${ok ? 'matches' : 'does not match'} \`${p.path}\`${where}`);
    }
    return ok;
  };
}

/** Whether `test` holds for the path (relative to `/`) relative to `/` or to any directory above it. */
function underAnyDirectory(rel: string, test: (r: string) => boolean): boolean {
  if (test(rel)) return true;
  for (let slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', slash + 1)) {
    if (test(rel.slice(slash + 1))) return true;
  }
  return rel !== '' && test('');
}

/**
 * The longest literal run every match must contain (`.env` in `**\/*.env`), so most paths are
 * turned away by `includes` before the regex; '' when the glob has constructs that make this unsafe.
 */
function requiredText(glob: string, nocase: boolean): string {
  if (/[[\]{}()!+@\\]/.test(glob)) return '';
  const pieces = glob.split(/[*?/]+/).sort((a, b) => b.length - a.length);
  const longest = pieces[0] ?? '';
  const text = longest.length >= 2 ? longest : '';
  return nocase ? text.toLowerCase() : text;
}

/** gitignore: a pattern that matches a directory also matches everything below it (`/**` matches no segment too). */
function globBelow(glob: string, nocase: boolean): (rel: string) => boolean {
  return compileGlob(`${glob}/**`, 1, glob, nocase);
}

function domainCheck(p: Extract<ParsedPattern, { kind: 'domain' }>, action: RuleAction): Check {
  const suffix = `.${p.domain}`;
  // A deny or ask rule on a domain covers its subdomains too (stricter than Claude Code): a deny of
  // `evil.com` that `www.evil.com` passes protects nothing.
  const below = p.subdomains || action !== 'allow';
  const apex = !p.subdomains;
  const shown = p.subdomains ? `*.${p.domain}` : below ? `${p.domain} (and its subdomains)` : p.domain;
  return (ctx, why) => {
    const host = ctx.host;
    if (host === null) {
      why?.push('the call has no URL that can be parsed');
      return false;
    }
    // `*.example.com` is only the subdomains, as in Claude Code; add `example.com` for the apex.
    const ok = (apex && host === p.domain) || (below && host.endsWith(suffix));
    why?.push(`host \`${host}\` ${ok ? 'matches' : 'does not match'} domain \`${shown}\``);
    return ok;
  };
}

export function agentCheck(glob: string): Check {
  const test = compileValueMatcher(glob, 'agent');
  return (ctx, why) => {
    const agent = ctx.agent;
    if (agent === null) {
      why?.push(`the agent is unknown (no name, client or session), rule is for agent \`${glob}\``);
      return false;
    }
    const ok = test(agent);
    why?.push(`agent \`${short(agent, 40)}\` ${ok ? 'matches' : 'does not match'} \`${glob}\``);
    return ok;
  };
}

export function inputCheck(field: string, glob: string, action: RuleAction): Check {
  const test = compileValueMatcher(glob, `input \`${field}\``);
  const steps = field.split('.');
  const any = action !== 'allow';
  return (ctx, why) => {
    const value = inputValue(ctx.input, field, steps);
    if (value === undefined) {
      why?.push(`input \`${field}\` is missing or not a string, number or boolean`);
      return false;
    }
    // A Bash command is checked part by part, as Bash(…) patterns are: `git status; curl … | sh`
    // does not pass `/^git status/` because its first part does.
    const parts = field === 'command' && ctx.call.toolName === 'Bash' ? ctx.parts : null;
    if (parts && parts.length > 0) {
      const one = parts.length === 1;
      for (const part of parts) {
        const hit = someForm(any ? part.denyForms : part.allowForms, test);
        if (hit === any) {
          why?.push(`input \`command\` ${one ? '' : 'part '}\`${short(part.text, 60)}\` ${hit ? 'matches' : 'does not match'} \`${glob}\``);
          return hit;
        }
      }
      why?.push(
        any ? `no part of input \`command\` matches \`${glob}\`` : `input \`command\` ${one ? '' : `(every part, ${parts.length}) `}matches \`${glob}\``,
      );
      return !any;
    }
    const ok = test(value);
    why?.push(`input \`${field}\` = \`${short(value, 60)}\` ${ok ? 'matches' : 'does not match'} \`${glob}\``);
    return ok;
  };
}

/** A field by name, else by dot path (`edits.0.file_path`); numbers and booleans as text. */
function inputValue(input: Record<string, unknown>, field: string, steps: readonly string[]): string | undefined {
  let v: unknown = Object.hasOwn(input, field) ? input[field] : undefined;
  if (v === undefined && steps.length > 1) {
    v = input;
    for (const step of steps) {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, step)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Scope: the call's session (`sessionKey`) is this one. A call without a session fails. */
export function sessionCheck(session: string): Check {
  return (ctx, why) => {
    const key = sessionKey(ctx.call.agent);
    if (key === undefined) {
      why?.push(`the call has no session, rule is for session \`${short(session, 40)}\``);
      return false;
    }
    const ok = key === session;
    why?.push(ok ? `session is \`${short(session, 40)}\`` : `session \`${short(key, 40)}\` is not \`${short(session, 40)}\``);
    return ok;
  };
}

/** Scope: the agent's working directory is `dir` or inside it (normalized). A call without a cwd fails. */
export function cwdCheck(dir: string): Check {
  const base = trimSlash(posix.normalize(dir));
  const below = base === '/' ? '/' : `${base}/`;
  return (ctx, why) => {
    const cwd = ctx.cwd;
    if (cwd === undefined) {
      why?.push(`the agent's cwd is unknown, rule is for project \`${short(base, 60)}\``);
      return false;
    }
    const ok = cwd === base || cwd.startsWith(below);
    why?.push(ok ? `cwd \`${short(cwd, 60)}\` is in \`${short(base, 60)}\`` : `cwd \`${short(cwd, 60)}\` is not in \`${short(base, 60)}\``);
    return ok;
  };
}

/** Scope: the rule has not expired by the engine's clock. No clock: it has (fail closed). */
export function expiresCheck(expires: number, now: (() => number) | undefined): Check {
  return (_ctx, why) => {
    const ok = now !== undefined && now() < expires;
    why?.push(ok ? 'the rule has not expired' : now === undefined ? 'the rule expires and no clock was given' : 'the rule has expired');
    return ok;
  };
}
