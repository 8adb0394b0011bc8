import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { escapeJson, escapeText } from '../core/escape.js';
import { validateRule } from '../core/rules/index.js';
import { DEFAULT_PRIORITY, priorityOf } from '../core/rules/order.js';
import type { Rule, RuleAction } from '../core/rules/types.js';
import type { SettingsStore } from '../store/settings.js';
import { nextRuleId } from '../store/rule-ids.js';
import { CLAUDE_TOOLS, pathField } from '../core/tools.js';

export function defaultClaudeSettingsFiles(cwd = process.cwd(), home = homedir()): string[] {
  return [join(home, '.claude', 'settings.json'), join(cwd, '.claude', 'settings.json'), join(cwd, '.claude', 'settings.local.json')];
}

/** `Tool(/path)` for a tool whose rules take a path (the tool catalogue's), the path not `//`-absolute. */
const PATH_TOOLS = new RegExp(`^(${CLAUDE_TOOLS.filter((t) => pathField(t) !== undefined).join('|')})\\((\\/(?!\\/).*)\\)$`);

/**
 * In Claude's settings, `Read(/x)` is relative to the settings file's project (the folder that
 * holds `.claude/`); cco has no settings-file anchor, so such paths become absolute (`//abs/x`).
 */
export function anchorPattern(pattern: string, settingsFile: string): string {
  const m = PATH_TOOLS.exec(pattern);
  if (!m) return pattern;
  const folder = dirname(settingsFile);
  const root = folder.endsWith('/.claude') || folder.endsWith('\\.claude') ? dirname(folder) : folder;
  return `${m[1]}(/${join(root, m[2]!)})`;
}

interface Found {
  file: string;
  action: RuleAction;
  entry: string;
  pattern: string;
  input?: Record<string, string>;
}

/**
 * Claude Code's `Task(Explore)`: the Task tool run with that sub-agent. cco says it as `Task` with
 * an input filter on `subagent_type` (glob characters in the name escaped, so it matches exactly).
 */
export function taskRule(entry: string): { pattern: string; input: Record<string, string> } | undefined {
  const m = /^\s*Task\(([^()]+)\)\s*$/.exec(entry);
  if (!m) return undefined;
  return { pattern: 'Task', input: { subagent_type: m[1]!.trim().replace(/[*?[\]{}()!+@\\]/g, '\\$&') } };
}

export async function importClaudeSettings(files: string[], dryRun: boolean, store: SettingsStore): Promise<string> {
  const explicit = files.length > 0;
  const list = explicit ? files.map((f) => resolve(f)) : defaultClaudeSettingsFiles();
  const { found, unsupported, read } = await readClaudeSettings(list, explicit);
  // Settings entries are text anyone could have written (or an agent, through a file): escaped.
  const e = (s: string) => escapeText(s);
  if (read.length === 0) return 'No Claude Code settings files found (looked at:\n' + list.map((f) => `  ${e(f)}`).join('\n') + ')\n';

  const out: string[] = [`Read ${read.map(e).join(', ')}`];
  let added: Rule[] = [];
  if (dryRun) added = newRules(found, store.readFile().rules ?? []);
  else {
    await store.update((file) => {
      added = newRules(found, file.rules ?? []);
      file.rules = [...(file.rules ?? []), ...added];
    });
  }

  out.push(`${dryRun ? 'Would add' : 'Added'} ${added.length} rule${added.length === 1 ? '' : 's'}${added.length ? ':' : '.'}`);
  if (added.length) out.push(...(await addedLines(added, dryRun, store)));
  const skippedDup = found.length - added.length;
  if (skippedDup > 0) out.push(`${skippedDup} already present, not added again.`);
  if (unsupported.length) {
    out.push(`Not imported (${unsupported.length}):`);
    for (const u of unsupported) out.push(`  ${e(u)}`);
  }
  const bypass = found.filter((f) => f.action === 'allow');
  if (bypass.length) {
    out.push('', 'Note: Claude Code applies these allow rules itself, so matching calls never reach cco:');
    const { columns } = await import('./table.js');
    out.push(
      ...columns(
        bypass.map((f) => [e(f.entry), `(${e(f.file)})`]),
        { indent: '  ' },
      ),
    );
    out.push('Remove them from the Claude settings if you want cco to see those calls.');
  }
  return `${out.join('\n')}\n`;
}

/** The permission entries of each settings file that exists (a missing one is an error when named), and those cco cannot take. */
async function readClaudeSettings(list: readonly string[], explicit: boolean): Promise<{ found: Found[]; unsupported: string[]; read: string[] }> {
  const found: Found[] = [];
  const unsupported: string[] = [];
  const read: string[] = [];
  for (const file of list) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) continue;
      throw new UserError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    let json: { permissions?: Record<string, unknown> };
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${file} is not valid JSON (${(error as Error).message}); nothing was imported.`);
    }
    read.push(file);
    collectEntries(file, json.permissions ?? {}, found, unsupported);
  }
  return { found, unsupported, read };
}

/** One file's `permissions.deny`, `.ask` and `.allow`, each entry a valid cco rule or a reason it is not. */
function collectEntries(file: string, perms: Record<string, unknown>, found: Found[], unsupported: string[]): void {
  for (const action of ['deny', 'ask', 'allow'] as const) {
    const entries = perms[action];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) {
      unsupported.push(`${file}: permissions.${action} is not a list`);
      continue;
    }
    for (const entry of entries) {
      if (typeof entry !== 'string') {
        unsupported.push(`${file}: ${action} ${JSON.stringify(entry)} (not a string)`);
        continue;
      }
      const task = taskRule(entry);
      const pattern = task ? task.pattern : anchorPattern(entry, file);
      try {
        validateRule({ id: 'import', pattern, action, ...(task ? { input: task.input } : {}) });
        found.push({ file, action, entry, pattern, ...(task ? { input: task.input } : {}) });
      } catch (error) {
        unsupported.push(`${file}: ${action} ${entry} (${(error as Error).message})`);
      }
    }
  }
}

/** The found entries not already among `existing` (nor twice among themselves), as new rules. */
function newRules(found: readonly Found[], existing: Rule[]): Rule[] {
  const keyOf = (r: { action: string; pattern: string; input?: unknown }) => `${r.action} ${r.pattern} ${r.input ? JSON.stringify(r.input) : ''}`;
  const have = new Set(existing.map(keyOf));
  const now = new Date().toISOString();
  const added: Rule[] = [];
  for (const f of found) {
    const key = keyOf(f);
    if (have.has(key)) continue;
    have.add(key);
    // Same priority for all: cco's tie-break (deny, then ask, then allow) is Claude's precedence.
    added.push({
      id: nextRuleId([...existing, ...added]),
      pattern: f.pattern,
      action: f.action,
      ...(f.input ? { input: f.input } : {}),
      priority: DEFAULT_PRIORITY,
      name: `from ${f.file}`,
      createdAt: now,
    });
  }
  return added;
}

/** The added rules as a table, then the lint warnings about them. */
async function addedLines(added: readonly Rule[], dryRun: boolean, store: SettingsStore): Promise<string[]> {
  const e = (s: string) => escapeText(s);
  const out: string[] = [];
  const { columns } = await import('./table.js');
  const inputText = (r: Rule) =>
    r.input
      ? Object.entries(r.input)
          .map(([k, v]) => ` --input ${k}=${String(v)}`)
          .join('')
      : '';
  out.push(
    ...columns(
      added.map((r) => [r.id, r.action, e(r.pattern + inputText(r))]),
      { indent: '  ' },
    ),
  );
  // An imported rule can mean something else in cco (or in Claude Code already): say so now.
  const { lintContext, warningLines, warningsOf } = await import('./rule-warnings.js');
  const saved = store.readFile().rules ?? [];
  const all = dryRun ? [...saved, ...added] : saved;
  const warnings = warningsOf(all, lintContext());
  const flagged = added.filter((r) => warnings.has(r.id));
  if (flagged.length) {
    out.push(`Warnings about ${flagged.length} of them (${dryRun ? 'they would be added' : 'added'} as written):`);
    for (const r of flagged) out.push(`  ${r.id}  ${e(r.pattern)}`, ...warningLines(warnings.get(r.id) ?? [], '    '));
  }
  return out;
}

/** Rules as Claude Code settings (what Claude can express) or as cco JSON. */
export function exportRules(rules: Rule[], format: 'claude' | 'cco'): { out: string; skipped: string[] } {
  // JSON with bidi and invisible characters as `\uXXXX` escapes: still valid, and safe to `cat`.
  if (format === 'cco') return { out: `${escapeJson(JSON.stringify({ rules }, null, 2))}\n`, skipped: [] };
  const permissions: Record<RuleAction, string[]> = { allow: [], ask: [], deny: [] };
  const skipped: string[] = [];
  for (const r of rules) {
    if (r.enabled === false) skipped.push(`${r.id} (disabled)`);
    else if (r.agent || r.input) skipped.push(`${r.id} ${r.pattern} (agent/input filters have no Claude Code form)`);
    else if (priorityOf(r) !== DEFAULT_PRIORITY) skipped.push(`${r.id} ${r.pattern} (priority ${r.priority} has no Claude Code form)`);
    else permissions[r.action]?.push(r.pattern);
  }
  return { out: `${escapeJson(JSON.stringify({ permissions }, null, 2))}\n`, skipped };
}
