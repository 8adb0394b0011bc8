/**
 * Which rules a call walks: per tool name, the enabled rules that can apply to it, and among
 * keyed rules only those whose key the call has, each list still in the rule order; and the walk
 * itself, a merge of those lists by position.
 */
import { readsFolder } from '../tools.js';
import type { ToolCall } from '../types.js';
import type { CompiledRule } from './compile.js';
import type { CallContext } from './context.js';

/** Distinct tool names whose candidate lists are kept; tool names come from agents, so this is bounded. */
const TOOL_CACHE_LIMIT = 1024;

export interface ToolIndex {
  /** Every enabled rule for the tool, in order. */
  all: CompiledRule[];
  /** When some rules have a key: those without one, and those with one by key (allow; deny and ask). */
  rest: CompiledRule[];
  byKey?: Map<string, CompiledRule[]>;
  denyByKey?: Map<string, CompiledRule[]>;
  /** Keyed deny and ask rules on paths, in order: a folder search meets all of them. */
  denyPaths?: CompiledRule[];
}

/** The enabled rules by tool: a call walks only those that can apply (a Bash call never looks at a thousand Read rules). */
export class RuleIndex {
  private readonly byTool = new Map<string, ToolIndex>();

  /** `enabled`: in the rule order. */
  constructor(private readonly enabled: readonly CompiledRule[]) {}

  /** The first matching rule for a call (undefined: the default decides). */
  decide(call: ToolCall, ctx: CallContext): CompiledRule | undefined {
    return firstMatch(this.candidates(String(call.toolName), ctx), ctx);
  }

  private indexFor(tool: string): ToolIndex {
    let index = this.byTool.get(tool);
    if (index === undefined) {
      if (this.byTool.size >= TOOL_CACHE_LIMIT) this.byTool.clear();
      index = buildIndex(this.enabled.filter((r) => r.appliesTo(tool)));
      this.byTool.set(tool, index);
    }
    return index;
  }

  /** The lists of rules to walk, each in order; a call may match only rules in them. */
  private candidates(tool: string, ctx: CallContext): readonly CompiledRule[][] {
    const index = this.indexFor(tool);
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
  }
}

export function buildIndex(all: CompiledRule[]): ToolIndex {
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
export function firstMatch(lists: readonly CompiledRule[][], ctx: CallContext): CompiledRule | undefined {
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
