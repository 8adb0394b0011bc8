import { homedir } from 'node:os';
import { escapeText } from '../core/escape.js';
import { lintRule, lintRules, type LintContext, type RuleWarning } from '../core/rules/lint.js';
import type { Rule } from '../core/rules/types.js';
import { claudeMcpServerNames } from '../store/claude-mcp.js';

/** What the rule checks need from this machine: the home folder, and Claude Code's MCP servers for this folder. */
export function lintContext(cwd = process.cwd()): Omit<LintContext, 'rules'> {
  return { homeDir: homedir(), mcpServers: claudeMcpServerNames(cwd) };
}

export function warningsFor(rule: Rule, rules: readonly Rule[], ctx = lintContext()): RuleWarning[] {
  return lintRule(rule, { ...ctx, rules });
}

export function warningsOf(rules: readonly Rule[], ctx = lintContext()): Map<string, RuleWarning[]> {
  return lintRules(rules, ctx);
}

/**
 * Warnings as lines, each escaped (a pattern may come from an agent's command):
 * `warning: …` / `note: …`, then `  fix: <pattern>`.
 */
export function warningLines(warnings: readonly RuleWarning[], indent = ''): string[] {
  const lines: string[] = [];
  for (const w of warnings) {
    lines.push(`${indent}${w.level}: ${escapeText(w.message)}`);
    if (w.fix !== undefined) lines.push(`${indent}  ${w.level === 'note' ? 'add' : 'fix'}: ${escapeText(w.fix)}`);
  }
  return lines;
}
