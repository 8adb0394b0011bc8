import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { escapeJson, escapeText } from '../core/escape.js';
import { compileRules, priorityOf } from '../core/rules/index.js';
import type { ToolCall } from '../core/types.js';
import { guardPolicy } from '../core/self-guard.js';
import { protectedPaths } from '../store/own-files.js';
import { ccoPaths } from '../store/paths.js';
import { SettingsStore } from '../store/settings.js';
import { realPath } from '../store/real-path.js';

/** The call's input: a JSON object, or a UserError with an example. */
function parseInput(inputJson: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(inputJson);
  } catch (error) {
    throw new UserError(`The input is not valid JSON (${(error as Error).message}). Example: cco rules test Bash '{"command":"npm test"}'`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new UserError('The input must be a JSON object, e.g. \'{"command":"npm test"}\'.');
  }
  return input as Record<string, unknown>;
}

/** `cco rules test`: the decision for a call, the rule that made it, and why the others did not. */
export async function testCall(tool: string, inputJson: string, o: { agent?: string; cwd?: string; json?: boolean }): Promise<string> {
  const input = parseInput(inputJson);
  const paths = ccoPaths();
  const settings = new SettingsStore(paths.configFile).read();
  const cwd = resolve(o.cwd ?? process.cwd());
  const call: ToolCall = { toolName: tool, input, agent: { cwd, ...(o.agent ? { name: o.agent } : {}) } };
  // cco's own files come first, as in the server: no rule is consulted for them.
  const guard = guardPolicy(() => ({ action: 'ask', decidedBy: 'default' }), { protected: protectedPaths(paths), homeDir: homedir() })(call);
  if (guard.decidedBy === 'guard' && guard.action === 'deny') {
    const evaluation = { action: 'deny', decidedBy: 'guard', message: guard.message };
    if (o.json) return `${escapeJson(JSON.stringify({ call, evaluation, trace: [] }, null, 2))}\n`;
    return [
      "DENY by cco's guard of its own files (before any rule; no rule can allow this)",
      `  message to the agent: ${escapeText(guard.message ?? '')}`,
      `  call: ${escapeText(tool)} ${escapeJson(JSON.stringify(input))}${o.agent ? ` from ${escapeText(o.agent)}` : ''} in ${escapeText(cwd)}`,
      '',
    ].join('\n');
  }
  const { evaluation, trace, writes } = compileRules(settings.rules, {
    homeDir: homedir(),
    defaultAction: settings.defaultAction,
    realPath,
    now: () => Date.now(),
  }).explain(call);
  if (o.json) return `${escapeJson(JSON.stringify({ call, evaluation, trace, ...(writes ? { writes } : {}) }, null, 2))}\n`;
  // Patterns may come from an agent's command and reasons quote the call: all of it is escaped.
  const e = (s: string) => escapeText(s);
  const lines: string[] = [];
  const by = evaluation.rule
    ? `rule ${e(evaluation.rule.id)} (${e(evaluation.rule.pattern)}, priority ${priorityOf(evaluation.rule)})`
    : 'the default action (no rule matched)';
  lines.push(`${evaluation.action.toUpperCase()} by ${by}`);
  if (evaluation.note) lines.push(`  because ${e(evaluation.note)}`);
  if (evaluation.message) lines.push(`  message to the agent: ${e(evaluation.message)}`);
  if (evaluation.timeoutMs !== undefined) lines.push(`  waits up to ${evaluation.timeoutMs} ms`);
  if (evaluation.whenAway !== undefined) lines.push(`  while nobody is at a console: ${evaluation.whenAway === 'deny' ? 'denied at once' : 'waits'}`);
  lines.push(`  call: ${e(tool)} ${escapeJson(JSON.stringify(input))}${o.agent ? ` from ${e(o.agent)}` : ''} in ${e(cwd)}`);
  if (evaluation.rule) {
    // The deciding rule may not mean what it looks like: say so beside its verdict.
    const { lintContext, warningLines, warningsFor } = await import('./rule-warnings.js');
    const warnings = warningsFor(evaluation.rule, settings.rules, lintContext(cwd)).filter((w) => w.level === 'warning');
    if (warnings.length)
      lines.push(
        `  rule ${e(evaluation.rule.id)} has ${warnings.length === 1 ? 'a warning' : `${warnings.length} warnings`}:`,
        ...warningLines(warnings, '    '),
      );
  }
  if (trace.length) {
    const { columns } = await import('./table.js');
    lines.push('', 'Rules checked, in order:');
    const rows = trace.map((t) => [e(t.rule.id), t.rule.action, e(t.rule.pattern), t.skipped ? 'skip' : t.matched ? 'MATCH' : 'no', e(t.reason)]);
    lines.push(...columns(rows, { indent: '  ', trimEnd: true }));
  }
  if (writes?.length) {
    lines.push('', 'The command also:');
    for (const w of writes) lines.push(`  ${e(w)}`);
  }
  return `${lines.join('\n')}\n`;
}
