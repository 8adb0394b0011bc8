/**
 * A Bash call's verdict made no looser than what the command touches: each file its redirections
 * write is checked as a Write of that path, each path it names meets the deny and ask rules on
 * paths, and an unsettled parse is never allowed by default.
 */
import { posix } from 'node:path';
import { resolveKernelLinks } from '../kernel-links.js';
import type { ToolCall } from '../types.js';
import type { BashAnalysis } from './bash.js';
import type { CompiledRule } from './compile.js';
import { CallContext, short, trimSlash } from './context.js';
import { ACTION_RANK } from './order.js';
import { buildIndex, firstMatch, type RuleIndex, type ToolIndex } from './rule-index.js';
import { parsePattern } from './syntax.js';
import type { Evaluation, RuleAction } from './types.js';

/** Files written through redirections checked one by one; a command writing more is asked, never allowed. */
const MAX_WRITES = 64;

/** Paths a Bash command names that are checked against the path rules one by one; a command naming more is asked. */
const MAX_READS = 1024;

const UNKNOWN_READ: Evaluation = Object.freeze({
  action: 'ask',
  decidedBy: 'default',
  note: 'the command names a path known only when it runs (an expansion), which a rule on paths may cover',
});

export interface BashVerdictOptions {
  /** Absolute, without a trailing slash. */
  home: string;
  realPath?: (path: string) => string;
  defaultAction: RuleAction;
  /** The default's verdict. */
  fallback: Evaluation;
  /** The rule set's index, to decide a write as a Write call. */
  index: RuleIndex;
}

/** The verdict so far: a later one replaces it only when it is stricter. */
class Strictest {
  constructor(public out: Evaluation) {}

  take(next: Evaluation): void {
    if (ACTION_RANK[next.action] < ACTION_RANK[this.out.action]) this.out = next;
  }
}

/** The Bash checks of one rule set. */
export class BashVerdicts {
  private readonly guards: PathGuards;

  /** `enabled`: the set's enabled rules, in the rule order. */
  constructor(
    enabled: readonly CompiledRule[],
    private readonly o: BashVerdictOptions,
  ) {
    this.guards = new PathGuards(enabled);
  }

  /**
   * A Bash verdict made no looser than the files its redirections write (each checked as a Write
   * of that path) and than its syntax allows: an unsettled command is never allowed by default.
   * `notes`, when given, receives why (for `explain`), and every check is then made.
   */
  verdict(e: Evaluation, by: CompiledRule | undefined, ctx: CallContext, notes?: string[]): Evaluation {
    const a = ctx.analysis;
    if (a === null || (e.action === 'deny' && notes === undefined)) return e;
    const v = new Strictest(e);
    this.checkWrites(a, by, ctx, v, notes);
    if (this.guards.rules.length > 0) this.checkReads(a, ctx, v, notes);
    if (a.opaque !== undefined) {
      notes?.push(`its shell syntax is not settled (${a.opaque}): no allow rule matches it`);
      if (v.out.action === 'allow' && v.out.decidedBy === 'default') {
        v.out = { action: 'ask', decidedBy: 'default', note: `the command's shell syntax is not settled (${a.opaque}), so it is not allowed by default` };
      }
    }
    return v.out;
  }

  /** Each file a redirection writes, as a Write of that path. */
  private checkWrites(a: BashAnalysis, by: CompiledRule | undefined, ctx: CallContext, v: Strictest, notes: string[] | undefined): void {
    const { home, realPath, defaultAction } = this.o;
    const moves = a.writes.length > 0 && a.parts.some((p) => p.denyForms.some((f) => /^(?:cd|pushd|popd)(?: |$)/.test(f)));
    const cwdKnown = ctx.cwd !== undefined && !moves;
    const checked = new Set<string>();
    for (const w of a.writes) {
      if (checked.has(w.raw)) continue;
      checked.add(w.raw);
      if (checked.size > MAX_WRITES) {
        notes?.push(`writes more than ${MAX_WRITES} files: the rest are not checked one by one`);
        if (v.out.action === 'allow')
          v.take({ action: 'ask', decidedBy: 'default', note: `the command writes more than ${MAX_WRITES} files through redirections` });
        break;
      }
      const path = w.path;
      const placed = path !== undefined && (path.startsWith('/') || path === '~' || path.startsWith('~/') || cwdKnown);
      if (!placed) {
        notes?.push(
          `writes \`${short(w.raw, 60)}\`: ${path === undefined ? 'the file is not known before the command runs' : moves ? 'a relative path after a change of directory' : "a relative path and the agent's cwd is unknown"}`,
        );
        if (v.out.action === 'allow') v.take(unknownWrite(w.raw, defaultAction));
        continue;
      }
      const via = resolveKernelLinks(absolute(path, ctx.cwd, home), realPath);
      if ('unknown' in via) {
        notes?.push(
          `writes \`${short(path, 60)}\`: a path through the kernel's links (${via.unknown === 'cwd' ? "another process's working directory" : 'an open file'}), which no rule can place`,
        );
        if (v.out.action === 'allow') v.take(unknownWrite(w.raw, defaultAction));
        continue;
      }
      // `/proc/self/root/etc/x` is checked as `/etc/x`.
      const writeCall: ToolCall = {
        toolName: 'Write',
        input: { file_path: via.linked ? via.path : path },
        ...(ctx.call.agent ? { agent: ctx.call.agent } : {}),
      };
      const writeCtx = new CallContext(writeCall, home, realPath);
      const wr = this.o.index.decide(writeCall, writeCtx);
      const we = wr?.evaluation ?? this.o.fallback;
      notes?.push(`writes \`${short(path, 60)}\`: ${wr ? `rule ${wr.rule.id} (\`${wr.rule.pattern}\`) says ${we.action}` : 'no rule is about it'}`);
      // No rule about the file: the default counts only against an allow that does not cover writes.
      if (wr === undefined && !(v.out.action === 'allow' && by !== undefined && !by.coversWrites)) continue;
      v.take(writeVerdict(we, path));
    }
  }

  /** Each path the command names, against the deny and ask rules on paths. */
  private checkReads(a: BashAnalysis, ctx: CallContext, v: Strictest, notes: string[] | undefined): void {
    const { home, realPath } = this.o;
    if (a.readsUnknown && v.out.action === 'allow') {
      notes?.push('names a path known only when it runs, and rules on paths exist');
      v.take(UNKNOWN_READ);
    }
    const named = new Set<string>();
    for (const path of a.reads) {
      if (named.has(path)) continue;
      named.add(path);
      // A glob or brace expansion names paths only the shell knows: never allowed past a path rule.
      if (shellExpands(path)) {
        notes?.push(`names \`${short(path, 60)}\`, a pattern the shell expands, and rules on paths exist`);
        if (v.out.action === 'allow')
          v.take({ action: 'ask', decidedBy: 'default', note: `the command names \`${short(path, 60)}\`, which the shell expands to paths a rule may cover` });
        continue;
      }
      if (named.size > MAX_READS) {
        notes?.push(`names more than ${MAX_READS} paths: the rest are not checked against the path rules`);
        if (v.out.action === 'allow') v.take({ action: 'ask', decidedBy: 'default', note: `the command names more than ${MAX_READS} paths` });
        break;
      }
      // `/proc/self/root/home/me/.ssh/id_rsa` is `~/.ssh/id_rsa` by another name: checked as that.
      const via = resolveKernelLinks(absolute(path, ctx.cwd, home), realPath);
      if ('unknown' in via) {
        notes?.push(
          `names \`${short(path, 60)}\`, a path through the kernel's links (${via.unknown === 'cwd' ? "another process's working directory" : 'an open file'}), and rules on paths exist`,
        );
        if (v.out.action === 'allow')
          v.take({
            action: 'ask',
            decidedBy: 'default',
            note: `the command names \`${short(path, 60)}\`, which leads through /proc or /dev/fd to a file a rule may cover`,
          });
        continue;
      }
      const target = via.linked ? via.path : path;
      // Most words name no guarded path: one test of the literal text the guards need, before any matching.
      if (this.guards.filter !== undefined && !this.guards.filter.test(absoluteLower(target, ctx.cwd, home))) continue;
      const readCall: ToolCall = { toolName: 'Read', input: { file_path: target }, ...(ctx.call.agent ? { agent: ctx.call.agent } : {}) };
      // Matched as written: a symlink an agent names by another name is not followed here (the Read tool's own calls are).
      const readCtx = new CallContext(readCall, home);
      const rr = this.guards.first(readCtx);
      if (rr === undefined) continue;
      notes?.push(`names \`${short(path, 60)}\`: rule ${rr.rule.id} (\`${rr.rule.pattern}\`) says ${rr.action}`);
      v.take(namedVerdict(rr.evaluation, path));
      if (v.out.action === 'deny' && notes === undefined) break;
    }
  }
}

/** Deny and ask rules on paths that a file a Bash command names can meet. */
class PathGuards {
  readonly rules: CompiledRule[];
  private readonly index: ToolIndex;
  /** A test every path a guard can match passes (see needleFilter). */
  readonly filter: RegExp | undefined;

  constructor(enabled: readonly CompiledRule[]) {
    this.rules = enabled.filter((r) => r.onPath && r.action !== 'allow' && r.appliesTo('Read'));
    this.index = buildIndex(this.rules);
    this.filter = needleFilter(this.rules);
  }

  /** The first guard a Read of the path meets: unkeyed ones, and keyed ones by the path's keys (one lookup each). */
  first(ctx: CallContext): CompiledRule | undefined {
    const index = this.index;
    if (index.denyByKey === undefined) return firstMatch([index.all], ctx);
    const lists = [index.rest];
    for (const key of ctx.keys.deny) {
      const list = index.denyByKey.get(key);
      if (list !== undefined) lists.push(list);
    }
    return firstMatch(lists, ctx);
  }
}

/** A redirection to a file that cannot be known: never allowed. */
function unknownWrite(raw: string, defaultAction: RuleAction): Evaluation {
  const note = `the command writes through a redirection to \`${short(raw, 60)}\`, a file that cannot be checked before it runs`;
  return defaultAction === 'deny'
    ? {
        action: 'deny',
        decidedBy: 'default',
        message: `cco cannot tell which file \`${short(raw, 60)}\` is before the command runs, and the default action is deny.`,
        note,
      }
    : { action: 'ask', decidedBy: 'default', note };
}

/**
 * A test every path a guard can match passes: the path (absolute, lower case) holds the longest
 * literal run of some guard's glob. Undefined when a guard has no literal run (it could match any path).
 */
function needleFilter(guards: readonly CompiledRule[]): RegExp | undefined {
  const needles = new Set<string>();
  for (const r of guards) {
    const p = parsePattern(r.rule.pattern);
    if (p.kind !== 'path') return undefined;
    const runs = p.glob.replace(/\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|\\.|[*?!+@]/g, '\u0000').split('\u0000');
    // Paths are tested without a trailing slash, so a needle has none at its ends.
    const needle = runs
      .reduce((a, b) => (b.length > a.length ? b : a), '')
      .toLowerCase()
      .replace(/^\/+|\/+$/g, '');
    if (needle === '') return undefined;
    needles.add(needle);
  }
  return new RegExp([...needles].map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
}

/**
 * Whether the shell expands a word into paths: a glob character, or a brace list (`{a,b}`: a `{`,
 * then a `,`, then a `}`, with no `}` between). One pass: the regex this replaces,
 * `/\{[^}]*,[^}]*\}/`, backtracks cubically (9 s for a word of 2,000 `{a,`).
 */
export function shellExpands(word: string): boolean {
  let open = false;
  let comma = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91) return true; // * ? [
    if (c === 123)
      open = true; // {
    else if (c === 44)
      comma ||= open; // ,
    else if (c === 125) {
      // }
      if (comma) return true;
      open = comma = false;
    }
  }
  return false;
}

/** A path a command names, made absolute (`~` expanded, relative to the cwd when known) but not normalized. */
function absolute(path: string, cwd: string | undefined, home: string): string {
  const expanded = path === '~' ? home : path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
  return expanded.startsWith('/') || cwd === undefined ? expanded : `${cwd}/${expanded}`;
}

/** A path a command names, as an absolute lower-case path (relative to the cwd when known). */
function absoluteLower(path: string, cwd: string | undefined, home: string): string {
  return trimSlash(posix.normalize(absolute(path, cwd, home))).toLowerCase();
}

/** What a deny or ask rule on a path a command names makes of the Bash call. */
function namedVerdict(re: Evaluation, path: string): Evaluation {
  const note = `the command names \`${short(path, 60)}\`, a path a rule is about`;
  if (re.action !== 'deny') return { ...re, note };
  return { ...re, message: `${re.message ?? 'Denied by cco.'} (The command names \`${short(path, 60)}\`.)`, note };
}

/** What the rules say about a file a redirection writes, as the Bash call's verdict. */
function writeVerdict(we: Evaluation, path: string): Evaluation {
  const note = `the command writes \`${short(path, 60)}\` through a redirection`;
  if (we.action !== 'deny') return { ...we, note };
  return { ...we, message: `${we.message ?? 'Denied by cco.'} (The command writes \`${short(path, 60)}\` through a redirection.)`, note };
}
