import { resolveKernelLinks } from '../kernel-links.js';
import { posix } from 'node:path';
import type { Policy, PolicyVerdict, ToolCall } from '../types.js';
import { compileRule, type CompiledRule } from './compile.js';
import { CallContext, short, trimSlash } from './context.js';
import { ACTION_RANK, compareOrder } from './order.js';
import { parsePattern } from './syntax.js';
import type { EngineOptions, Evaluation, Explanation, Rule, RuleAction, RuleTrace } from './types.js';
import { readsFolder } from '../tools.js';

/** A compiled rule set: every matcher is built once, in compileRules(). */
export interface RuleSet {
  /** What the rules say about a call. Never throws for odd calls; an unknown tool just matches fewer rules. */
  evaluate(call: ToolCall): Evaluation;
  /** The same evaluation, with the reason each rule did or did not match. */
  explain(call: ToolCall): Explanation;
  /** How many rules the set holds, disabled ones included. */
  readonly size: number;
  /** Every rule, disabled ones included, in the order they are checked (order.ts). */
  readonly order: readonly Rule[];
}


/** Distinct tool names whose candidate lists are kept; tool names come from agents, so this is bounded. */
const TOOL_CACHE_LIMIT = 1024;

/**
 * Compiles rules (throws on the first invalid one, naming it: a broken rule set is an error, never
 * silently half-applied). Rules are checked in the one rule order (order.ts, exposed as
 * `order`); the first rule that matches decides.
 */
export function compileRules(rules: readonly Rule[], opts: EngineOptions): RuleSet {
  const homeDir = opts.homeDir;
  if (typeof homeDir !== 'string' || !homeDir.startsWith('/')) {
    throw new Error(`The rules engine needs an absolute home directory, got \`${String(homeDir)}\`.`);
  }
  const home = homeDir.length > 1 ? homeDir.replace(/\/+$/, '') : homeDir;
  const defaultAction = opts.defaultAction ?? 'ask';
  if (!Object.hasOwn(ACTION_RANK, defaultAction)) throw new Error(`Unknown default action \`${String(defaultAction)}\`; expected allow, deny or ask.`);

  const ordered = rules.map((rule, i) => compileRule(rule, i, home, opts.now));
  const seen = new Set<string>();
  for (const { rule } of ordered) {
    if (seen.has(rule.id)) throw new Error(`Two rules have the id ${rule.id}; rule ids must be unique.`);
    seen.add(rule.id);
  }
  ordered.sort(compareOrder);
  const enabled = ordered.filter((r) => r.enabled);
  const fallback: Evaluation = Object.freeze(
    defaultAction === 'deny'
      ? { action: 'deny', decidedBy: 'default', message: 'No cco rule allows this call, and the default action is deny.' }
      : { action: defaultAction, decidedBy: 'default' },
  );

  ordered.forEach((r, i) => {
    r.ord = i;
  });

  // Per tool name, the enabled rules that can apply to it, still in precedence order: a call walks
  // only those (a Bash call never looks at a thousand Read rules).
  const byTool = new Map<string, ToolIndex>();
  const indexFor = (tool: string): ToolIndex => {
    let index = byTool.get(tool);
    if (index === undefined) {
      if (byTool.size >= TOOL_CACHE_LIMIT) byTool.clear();
      index = buildIndex(enabled.filter((r) => r.appliesTo(tool)));
      byTool.set(tool, index);
    }
    return index;
  };
  /** The lists of rules to walk, each in order; a call may match only rules in them. */
  const candidates = (tool: string, ctx: CallContext): readonly CompiledRule[][] => {
    const index = indexFor(tool);
    if (index.byKey === undefined) return [index.all];
    // Keyed rules: only those whose key the call has.
    const lists = [index.rest];
    // A folder search meets every deny or ask rule on a path (one below the folder applies, see pathCheck).
    if (readsFolder(tool) && index.denyPaths !== undefined && index.denyPaths.length > 0) lists.push(index.denyPaths);
    const keys = ctx.keys;
    for (const key of keys.deny) {
      const list = index.denyByKey?.get(key);
      if (list !== undefined) lists.push(list);
    }
    for (const key of keys.allow) {
      const list = index.byKey.get(key);
      if (list !== undefined) lists.push(list);
    }
    return lists;
  };

  /** The first matching rule for a call (undefined: the default decides). */
  const decide = (call: ToolCall, ctx: CallContext): CompiledRule | undefined => firstMatch(candidates(String(call.toolName), ctx), ctx);

  // Deny and ask rules on paths that a file a Bash command names can meet (see bashVerdict).
  const argGuards = enabled.filter((r) => r.onPath && r.action !== 'allow' && r.appliesTo('Read'));
  const argIndex = buildIndex(argGuards);
  const argFilter = needleFilter(argGuards);
  /** The guards a path may meet: unkeyed ones, and keyed ones by the path's keys (one lookup each). */
  const guardsFor = (ctx: CallContext): readonly CompiledRule[][] => {
    if (argIndex.denyByKey === undefined) return [argIndex.all];
    const lists = [argIndex.rest];
    for (const key of ctx.keys.deny) {
      const list = argIndex.denyByKey.get(key);
      if (list !== undefined) lists.push(list);
    }
    return lists;
  };

  /**
   * A Bash verdict made no looser than the files its redirections write (each checked as a Write
   * of that path) and than its syntax allows: an unsettled command is never allowed by default.
   */
  const bashVerdict = (e: Evaluation, by: CompiledRule | undefined, ctx: CallContext, notes?: string[]): Evaluation => {
    const a = ctx.analysis;
    if (a === null || (e.action === 'deny' && notes === undefined)) return e;
    let out = e;
    const stricter = (next: Evaluation) => {
      if (ACTION_RANK[next.action] < ACTION_RANK[out.action]) out = next;
    };
    const moves = a.writes.length > 0 && a.parts.some((p) => p.denyForms.some((f) => /^(?:cd|pushd|popd)(?: |$)/.test(f)));
    const cwdKnown = ctx.cwd !== undefined && !moves;
    const checked = new Set<string>();
    for (const w of a.writes) {
      if (checked.has(w.raw)) continue;
      checked.add(w.raw);
      if (checked.size > MAX_WRITES) {
        notes?.push(`writes more than ${MAX_WRITES} files: the rest are not checked one by one`);
        if (out.action === 'allow') stricter({ action: 'ask', decidedBy: 'default', note: `the command writes more than ${MAX_WRITES} files through redirections` });
        break;
      }
      const path = w.path;
      const placed = path !== undefined && (path.startsWith('/') || path === '~' || path.startsWith('~/') || cwdKnown);
      if (!placed) {
        notes?.push(`writes \`${short(w.raw, 60)}\`: ${path === undefined ? 'the file is not known before the command runs' : moves ? 'a relative path after a change of directory' : "a relative path and the agent's cwd is unknown"}`);
        if (out.action === 'allow') stricter(unknownWrite(w.raw, defaultAction));
        continue;
      }
      const via = resolveKernelLinks(absolute(path, ctx.cwd, home), opts.realPath);
      if ('unknown' in via) {
        notes?.push(`writes \`${short(path, 60)}\`: a path through the kernel's links (${via.unknown === 'cwd' ? "another process's working directory" : 'an open file'}), which no rule can place`);
        if (out.action === 'allow') stricter(unknownWrite(w.raw, defaultAction));
        continue;
      }
      // `/proc/self/root/etc/x` is checked as `/etc/x`.
      const writeCall: ToolCall = { toolName: 'Write', input: { file_path: via.linked ? via.path : path }, ...(ctx.call.agent ? { agent: ctx.call.agent } : {}) };
      const writeCtx = new CallContext(writeCall, home, opts.realPath);
      const wr = decide(writeCall, writeCtx);
      const we = wr?.evaluation ?? fallback;
      notes?.push(`writes \`${short(path, 60)}\`: ${wr ? `rule ${wr.rule.id} (\`${wr.rule.pattern}\`) says ${we.action}` : 'no rule is about it'}`);
      // No rule about the file: the default counts only against an allow that does not cover writes.
      if (wr === undefined && !(out.action === 'allow' && by !== undefined && !by.coversWrites)) continue;
      stricter(writeVerdict(we, path));
    }
    if (argGuards.length > 0) {
      if (a.readsUnknown && out.action === 'allow') {
        notes?.push('names a path known only when it runs, and rules on paths exist');
        stricter(UNKNOWN_READ);
      }
      const named = new Set<string>();
      for (const path of a.reads) {
        if (named.has(path)) continue;
        named.add(path);
        // A glob or brace expansion names paths only the shell knows: never allowed past a path rule.
        if (shellExpands(path)) {
          notes?.push(`names \`${short(path, 60)}\`, a pattern the shell expands, and rules on paths exist`);
          if (out.action === 'allow') stricter({ action: 'ask', decidedBy: 'default', note: `the command names \`${short(path, 60)}\`, which the shell expands to paths a rule may cover` });
          continue;
        }
        if (named.size > MAX_READS) {
          notes?.push(`names more than ${MAX_READS} paths: the rest are not checked against the path rules`);
          if (out.action === 'allow') stricter({ action: 'ask', decidedBy: 'default', note: `the command names more than ${MAX_READS} paths` });
          break;
        }
        // `/proc/self/root/home/me/.ssh/id_rsa` is `~/.ssh/id_rsa` by another name: checked as that.
        const via = resolveKernelLinks(absolute(path, ctx.cwd, home), opts.realPath);
        if ('unknown' in via) {
          notes?.push(`names \`${short(path, 60)}\`, a path through the kernel's links (${via.unknown === 'cwd' ? "another process's working directory" : 'an open file'}), and rules on paths exist`);
          if (out.action === 'allow') stricter({ action: 'ask', decidedBy: 'default', note: `the command names \`${short(path, 60)}\`, which leads through /proc or /dev/fd to a file a rule may cover` });
          continue;
        }
        const target = via.linked ? via.path : path;
        // Most words name no guarded path: one test of the literal text the guards need, before any matching.
        if (argFilter !== undefined && !argFilter.test(absoluteLower(target, ctx.cwd, home))) continue;
        const readCall: ToolCall = { toolName: 'Read', input: { file_path: target }, ...(ctx.call.agent ? { agent: ctx.call.agent } : {}) };
        // Matched as written: a symlink an agent names by another name is not followed here (the Read tool's own calls are).
        const readCtx = new CallContext(readCall, home);
        const rr = firstMatch(guardsFor(readCtx), readCtx);
        if (rr === undefined) continue;
        notes?.push(`names \`${short(path, 60)}\`: rule ${rr.rule.id} (\`${rr.rule.pattern}\`) says ${rr.action}`);
        stricter(namedVerdict(rr.evaluation, path));
        if (out.action === 'deny' && notes === undefined) break;
      }
    }
    if (a.opaque !== undefined) {
      notes?.push(`its shell syntax is not settled (${a.opaque}): no allow rule matches it`);
      if (out.action === 'allow' && out.decidedBy === 'default') {
        out = { action: 'ask', decidedBy: 'default', note: `the command's shell syntax is not settled (${a.opaque}), so it is not allowed by default` };
      }
    }
    return out;
  };

  return {
    size: ordered.length,
    order: ordered.map((r) => r.rule),
    evaluate(call) {
      const long = tooLong(call);
      if (long) return long;
      const ctx = new CallContext(call, home, opts.realPath);
      const r = decide(call, ctx);
      const e = r?.evaluation ?? fallback;
      return call.toolName === 'Bash' ? bashVerdict(e, r, ctx) : e;
    },
    explain(call) {
      const ctx = new CallContext(call, home, opts.realPath);
      const tool = String(call.toolName);
      const trace: RuleTrace[] = [];
      const long = tooLong(call);
      if (long) return { evaluation: long, trace };
      const finish = (e: Evaluation, by: CompiledRule | undefined): Explanation => {
        if (tool !== 'Bash') return { evaluation: e, trace };
        const writes: string[] = [];
        const evaluation = bashVerdict(e, by, ctx, writes);
        return writes.length > 0 ? { evaluation, trace, writes } : { evaluation, trace };
      };
      for (const r of ordered) {
        if (!r.enabled) {
          trace.push({ rule: r.rule, matched: false, skipped: 'disabled', reason: 'the rule is disabled' });
          continue;
        }
        if (!r.appliesTo(tool)) {
          trace.push({ rule: r.rule, matched: false, reason: r.toolMismatch(tool) });
          continue;
        }
        const why: string[] = [];
        const matched = r.matches(ctx, why);
        const reason = matched ? [`tool is ${tool}`, ...why].join(', ') : (why.at(-1) ?? 'it does not match');
        trace.push({ rule: r.rule, matched, reason });
        if (matched) return finish(r.evaluation, r);
      }
      return finish(fallback, undefined);
    },
  };
}

/** Files written through redirections checked one by one; a command writing more is asked, never allowed. */
const MAX_WRITES = 64;

/** Longer Bash commands are denied unread: checking them would hold up every agent. */
export const MAX_COMMAND_LENGTH = 256 * 1024;

function tooLong(call: ToolCall): Evaluation | undefined {
  if (call.toolName !== 'Bash') return undefined;
  const command = (call.input as Record<string, unknown> | undefined)?.command;
  if (typeof command !== 'string' || command.length <= MAX_COMMAND_LENGTH) return undefined;
  return {
    action: 'deny',
    decidedBy: 'default',
    message: `cco denies Bash commands longer than ${MAX_COMMAND_LENGTH / 1024} KiB (this one is ${Math.ceil(command.length / 1024)} KiB): it cannot check them in time. Write long content to a file with the Write tool and run a short command.`,
    note: 'the command is too long to check',
  };
}

/** A redirection to a file that cannot be known: never allowed. */
function unknownWrite(raw: string, defaultAction: RuleAction): Evaluation {
  const note = `the command writes through a redirection to \`${short(raw, 60)}\`, a file that cannot be checked before it runs`;
  return defaultAction === 'deny'
    ? { action: 'deny', decidedBy: 'default', message: `cco cannot tell which file \`${short(raw, 60)}\` is before the command runs, and the default action is deny.`, note }
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
    const needle = runs.reduce((a, b) => (b.length > a.length ? b : a), '').toLowerCase().replace(/^\/+|\/+$/g, '');
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
    if (c === 123) open = true; // {
    else if (c === 44) comma ||= open; // ,
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

const UNKNOWN_READ: Evaluation = Object.freeze({
  action: 'ask',
  decidedBy: 'default',
  note: 'the command names a path known only when it runs (an expansion), which a rule on paths may cover',
});

/** Paths a Bash command names that are checked against the path rules one by one; a command naming more is asked. */
const MAX_READS = 1024;

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

interface ToolIndex {
  /** Every enabled rule for the tool, in order. */
  all: CompiledRule[];
  /** When some rules have a key: those without one, and those with one by key (allow; deny and ask). */
  rest: CompiledRule[];
  byKey?: Map<string, CompiledRule[]>;
  denyByKey?: Map<string, CompiledRule[]>;
  /** Keyed deny and ask rules on paths, in order: a folder search meets all of them. */
  denyPaths?: CompiledRule[];
}


function buildIndex(all: CompiledRule[]): ToolIndex {
  if (!all.some((r) => r.key !== undefined)) return { all, rest: all };
  const byKey = new Map<string, CompiledRule[]>();
  const denyByKey = new Map<string, CompiledRule[]>();
  const rest: CompiledRule[] = [];
  for (const r of all) {
    if (r.key === undefined) rest.push(r);
    else {
      // Deny and ask rules match when any command part does: they are found by any part's key.
      const map = r.action === 'allow' ? byKey : denyByKey;
      const list = map.get(r.key);
      if (list) list.push(r);
      else map.set(r.key, [r]);
    }
  }
  const denyPaths = all.filter((r) => r.key !== undefined && r.action !== 'allow' && r.key.startsWith('p:'));
  return { all, rest, byKey, denyByKey, denyPaths };
}

/** The first rule, in evaluation order across `lists` (each already in order), that matches. */
function firstMatch(lists: readonly CompiledRule[][], ctx: CallContext): CompiledRule | undefined {
  if (lists.length === 1) {
    for (const r of lists[0] as CompiledRule[]) if (mayMatch(r, ctx) && r.matches(ctx)) return r;
    return undefined;
  }
  // A k-way merge by position (k is one plus the distinct first words of the command): no sorting per call.
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestOrd = Number.POSITIVE_INFINITY;
    for (let i = 0; i < lists.length; i++) {
      const r = (lists[i] as CompiledRule[])[at[i] as number];
      if (r !== undefined && r.ord < bestOrd) {
        best = i;
        bestOrd = r.ord;
      }
    }
    if (best < 0) return undefined;
    const r = (lists[best] as CompiledRule[])[at[best] as number] as CompiledRule;
    at[best] = (at[best] as number) + 1;
    if (mayMatch(r, ctx) && r.matches(ctx)) return r;
  }
}

/** A cheap first look, so most rules for other agents cost a string compare and no calls. */
function mayMatch(r: CompiledRule, ctx: CallContext): boolean {
  if (r.agentPrefix === undefined) return true;
  const agent = ctx.agent;
  return agent !== null && agent.startsWith(r.agentPrefix);
}

/** The rule set as the broker's Policy. */
export function toPolicy(set: RuleSet): Policy {
  return (call): PolicyVerdict => {
    const e = set.evaluate(call);
    switch (e.action) {
      case 'allow':
        return { action: 'allow', decidedBy: e.decidedBy };
      case 'deny':
        return e.message === undefined ? { action: 'deny', decidedBy: e.decidedBy } : { action: 'deny', decidedBy: e.decidedBy, message: e.message };
      case 'ask':
        return e.timeoutMs === undefined ? { action: 'ask', decidedBy: e.decidedBy } : { action: 'ask', decidedBy: e.decidedBy, timeoutMs: e.timeoutMs };
    }
  };
}
