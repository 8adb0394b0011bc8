import { escapeText } from './escape.js';
import { toolInfo } from './tools.js';
import { sessionKey, type AgentInfo, type CallRoute, type Decision, type ToolCall } from './types.js';

/**
 * What became of a decided call, in words: `allowed`, `denied`, or `answered elsewhere` for a call
 * the agent's own prompt (or its other route) answered while it waited in cco, which is nobody's
 * allow or denial.
 */
export function outcomeText(d: Pick<Decision, 'behavior' | 'decidedBy' | 'edited'>): string {
  if (d.decidedBy === 'elsewhere') return 'answered elsewhere';
  if (d.behavior === 'allow') return d.edited ? 'allowed with edited input' : 'allowed';
  return 'denied';
}

/** How a call reached cco, in words: the route, and the agent's permission mode when it sent one. */
export function routeText(agent: AgentInfo | undefined): string {
  const names: Record<CallRoute, string> = { mcp: 'MCP prompt tool', 'claude-hook': 'Claude Code hook', 'codex-hook': 'Codex hook' };
  const route = names[agent?.route ?? 'mcp'] ?? 'MCP prompt tool';
  return agent?.permissionMode ? `${route}, mode ${oneLine(agent.permissionMode, 24)}` : route;
}

/** Who decided, as the console and `cco log` name them (`you` for a person at the console). */
export function deciderText(decidedBy: string, you = 'you'): string {
  return decidedBy === 'user' ? you : decidedBy;
}

/**
 * Make text safe for one terminal line: control and invisible characters (including ESC, so no
 * escape sequence from an agent can reach the terminal) become visible escapes (`escapeText`),
 * newlines a visible ⏎, and the result is cut to `max` characters.
 */
export function oneLine(text: string, max = 200): string {
  // Bound the work before escaping: an enormous input must not cost more than a short one.
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const flat = escapeText(head, { newline: '⏎ ', tab: ' ' }).replace(/ {2,}/g, ' ').trim();
  if (flat.length <= max && head.length === text.length) return flat;
  // Never cut a surrogate pair in two: half an emoji would print as U+FFFD.
  const cut = /[\ud800-\udbff]/.test(flat[max - 2] ?? '') ? max - 2 : max - 1;
  return `${flat.slice(0, cut)}…`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `{a:1}` as compact JSON, bounded in size however large the value is. */
export function compactJson(value: unknown, max = 200): string {
  let out = '';
  const budget = max * 2;
  const walk = (v: unknown, depth: number): void => {
    if (out.length > budget) return;
    if (v === null || typeof v !== 'object') {
      out += typeof v === 'string' ? JSON.stringify(v.length > budget ? v.slice(0, budget) : v) : String(v);
      return;
    }
    if (depth > 4) {
      out += Array.isArray(v) ? '[…]' : '{…}';
      return;
    }
    if (Array.isArray(v)) {
      out += '[';
      v.forEach((x, i) => {
        if (out.length > budget) return;
        if (i) out += ',';
        walk(x, depth + 1);
      });
      out += ']';
      return;
    }
    out += '{';
    let first = true;
    for (const k of Object.keys(v)) {
      if (out.length > budget) break;
      if (!first) out += ',';
      first = false;
      out += `${k}:`;
      walk((v as Record<string, unknown>)[k], depth + 1);
    }
    out += '}';
  };
  walk(value, 0);
  return oneLine(out, max);
}

/** Split `mcp__server__tool` into its parts. */
export function parseMcpToolName(name: string): { server: string; tool: string } | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1]!, tool: m[2]! } : undefined;
}

/**
 * The text that stands for a call, as the agent sent it (not escaped, not cut), from the tool
 * catalogue (core/tools.ts): a Bash call's command; a file tool's path (the field its rules
 * check, no other); a Glob or Grep's `pattern`, with ` in PATH` when it has a path; a WebFetch's
 * URL; a WebSearch's query. Undefined for other tools or a missing field.
 */
export function primaryText(call: Pick<ToolCall, 'toolName' | 'input'>): string | undefined {
  const i = call.input ?? {};
  const tool = toolInfo(call.toolName);
  if (tool === undefined) return undefined;
  const path = tool.pathField === undefined ? undefined : str(i[tool.pathField]);
  if (tool.summaryField === undefined) return path;
  const text = str(i[tool.summaryField]);
  if (tool.summaryField !== 'pattern') return text;
  return text === undefined ? undefined : path ? `${text} in ${path}` : text;
}

/** A tool whose call is summarised by a field of its input (when that field is missing, its input shows on one line). */
const hasSummary = (name: string): boolean => {
  const t = toolInfo(name);
  return t !== undefined && (t.pathField !== undefined || t.summaryField !== undefined);
};

/** The one thing a person needs to see first about a call, on one line. */
export function summarizeInput(call: Pick<ToolCall, 'toolName' | 'input'>, max = 200): string {
  const i = call.input ?? {};
  const tool = toolInfo(call.toolName);
  if (tool?.summaryField === 'pattern') {
    // A path without a pattern still reads as `in PATH`.
    const path = tool.pathField === undefined ? undefined : str(i[tool.pathField]);
    const pattern = str(i.pattern) ?? '';
    return oneLine(path ? `${pattern} in ${path}` : pattern || compactJson(i, max), max);
  }
  const text = primaryText(call);
  if (text !== undefined) return oneLine(text, max);
  // A known tool with its field missing shows its input on one line; any other tool as compact JSON.
  return hasSummary(call.toolName) ? oneLine(compactJson(i, max), max) : compactJson(i, max);
}

/** How an agent is shown: its name, else its client and a short session id. */
export function agentLabel(agent: AgentInfo | undefined): string {
  if (!agent) return 'unknown';
  if (agent.name) return oneLine(agent.name, 40);
  const client = agent.client?.name ? oneLine(agent.client.name, 24) : 'agent';
  const key = sessionKey(agent);
  return key ? `${client}#${oneLine([...key].slice(0, 4).join(''), 16)}` : client;
}
