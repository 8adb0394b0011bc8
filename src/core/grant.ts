/**
 * A grant made with `A`: an allow rule with a scope (where it reaches, how long it lasts) and,
 * optionally, a permission update for the agent to save itself (Claude Code `updatedPermissions`).
 * Pure: the clock's time is passed in.
 */
import { posix } from 'node:path';
import { formatDuration } from './duration.js';
import type { Rule } from './rules/types.js';
import { sessionKey, type PermissionDestination, type PermissionUpdate, type ToolCall } from './types.js';

/** Where a grant reaches. */
export type GrantWhere = 'session' | 'agent' | 'project' | 'everywhere';
/** How long it lasts, in ms; undefined is until removed. */
export type GrantFor = number | undefined;

export const GRANT_WHERE: readonly GrantWhere[] = ['session', 'agent', 'project', 'everywhere'];
export const GRANT_FOR: readonly GrantFor[] = [15 * 60_000, 3_600_000, 4 * 3_600_000, undefined];
/** The default duration: an hour. */
export const DEFAULT_FOR_INDEX = 1;

/** The scope fields of the rule, or why this call cannot have that scope. */
export function whereFields(where: GrantWhere, call: ToolCall): { ok: true; fields: Pick<Rule, 'session' | 'agent' | 'cwd'> } | { ok: false; why: string } {
  const a = call.agent;
  switch (where) {
    case 'session': {
      const key = sessionKey(a);
      return key === undefined ? { ok: false, why: 'the call names no session' } : { ok: true, fields: { session: key } };
    }
    case 'agent':
      return a?.name ? { ok: true, fields: { agent: escapeGlob(a.name) } } : { ok: false, why: 'the agent has no name' };
    case 'project': {
      if (typeof a?.cwd !== 'string' || !a.cwd.startsWith('/')) return { ok: false, why: "the agent's directory is unknown" };
      // Saved as the rule will compare it; the root folder would be every project.
      const cwd = posix.normalize(a.cwd).replace(/\/+$/, '');
      return cwd === '' ? { ok: false, why: "the agent's directory is `/`, which holds every project" } : { ok: true, fields: { cwd } };
    }
    case 'everywhere':
      return { ok: true, fields: {} };
  }
}

/** The first scope the call can have, narrowest first (this session, else this agent, …). */
export function narrowestWhere(call: ToolCall): GrantWhere {
  return GRANT_WHERE.find((w) => whereFields(w, call).ok) ?? 'everywhere';
}

/** The grant's scope in a few words: `this session, 1h`, `everywhere, forever`. */
export function scopeLabel(where: GrantWhere, ms: GrantFor): string {
  const w = where === 'everywhere' ? 'every agent' : `this ${where}`;
  return `${w}, ${ms === undefined ? 'forever' : formatDuration(ms)}`;
}

/** What a saved rule's scope says in `cco rules list` and the history: `session s1 · 42m left`. */
export function ruleScope(rule: Rule, now: number): string {
  const parts: string[] = [];
  if (rule.session !== undefined) parts.push(`session ${rule.session}`);
  if (rule.cwd !== undefined) parts.push(`project ${rule.cwd}`);
  if (rule.expires !== undefined) parts.push(rule.expires <= now ? 'expired' : `${formatDuration(rule.expires - now)} left`);
  return parts.join(' · ');
}

/** A Claude Code permission rule for a cco pattern: `Bash(npm test:*)` → Bash + `npm test:*`. */
export function permissionRule(pattern: string): { toolName: string; ruleContent?: string } {
  const m = /^([^()]+)\(([\s\S]*)\)$/.exec(pattern.trim());
  return m ? { toolName: m[1] as string, ruleContent: m[2] as string } : { toolName: pattern.trim() };
}

/** Write-back choices: none, Claude's own suggestions as sent, or cco's pattern for a destination. */
export type WriteBack = { kind: 'none' } | { kind: 'suggestion'; index: number } | { kind: 'pattern'; destination: PermissionDestination };

/** Destinations that are shared beyond this machine's person: offered only with a warning. */
export const SHARED_DESTINATIONS: ReadonlySet<PermissionDestination> = new Set(['projectSettings', 'userSettings']);

/** The write-back choices for a call, in the order the chooser cycles them; `none` first (the default). */
export function writeBackChoices(call: ToolCall): WriteBack[] {
  const out: WriteBack[] = [{ kind: 'none' }];
  if (!fromClaude(call)) return out;
  (call.suggestions ?? []).forEach((_s, index) => out.push({ kind: 'suggestion', index }));
  for (const destination of ['session', 'localSettings', 'projectSettings'] as const) out.push({ kind: 'pattern', destination });
  return out;
}

/** Whether the call came from Claude Code (a hook, Claude's suggestions, or its MCP client). */
export function fromClaude(call: ToolCall): boolean {
  const a = call.agent;
  return a?.route === 'claude-hook' || (call.suggestions?.length ?? 0) > 0 || /claude/i.test(a?.client?.name ?? '');
}

/** The permission updates a write-back choice sends. */
export function writeBackUpdates(choice: WriteBack, call: ToolCall, pattern: string): PermissionUpdate[] {
  if (choice.kind === 'none') return [];
  if (choice.kind === 'suggestion') {
    const s = call.suggestions?.[choice.index];
    return s === undefined ? [] : [s];
  }
  return [{ type: 'addRules', rules: [permissionRule(pattern)], behavior: 'allow', destination: choice.destination }];
}

/** A write-back choice in words (agent text in suggestions: escape it to print). */
export function writeBackLabel(choice: WriteBack, call: ToolCall, pattern: string): string {
  if (choice.kind === 'none') return 'cco only (Claude keeps asking cco)';
  const updates = writeBackUpdates(choice, call, pattern);
  const u = updates[0];
  if (u === undefined) return 'nothing';
  const dest = u.destination;
  const what =
    'rules' in u
      ? `${u.type} ${u.rules.map((r) => (r.ruleContent === undefined ? r.toolName : `${r.toolName}(${r.ruleContent})`)).join(', ')}`
      : 'mode' in u
        ? `mode ${u.mode}`
        : `${u.type} ${u.directories.join(', ')}`;
  const warn = SHARED_DESTINATIONS.has(dest)
    ? ` ⚠ ${dest === 'projectSettings' ? 'shared with everyone who uses the repository' : 'for every project of this user'}`
    : '';
  return `${choice.kind === 'suggestion' ? "Claude's suggestion: " : 'tell Claude too: '}${what} → ${dest}${warn}`;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

/** What `A` asks the server to save: the rule's pattern and scope. */
export interface Grant {
  pattern: string;
  /** Scope conditions: session, agent or cwd. */
  fields: Pick<Rule, 'session' | 'agent' | 'cwd'>;
  /** How long the rule lasts from the moment it is saved (server's clock); undefined: until removed. */
  forMs?: number;
  /** The scope in words (scopeLabel). */
  scope: string;
  /** The call the grant was made on: decided by the person, never by the new rule. */
  callId: string;
}

/** The allow rule a grant saves, at `now`. */
export function grantRule(g: Grant, id: string, now: number): Rule {
  return {
    id,
    pattern: g.pattern,
    action: 'allow',
    ...g.fields,
    ...(g.forMs === undefined ? {} : { expires: now + g.forMs }),
    name: `always allow from the console: ${g.scope}`,
    createdAt: new Date(now).toISOString(),
  };
}
