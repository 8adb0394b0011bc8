/**
 * What cco knows about Claude Code's tools (2.1.x), in one table: the family a tool belongs to,
 * the input field that holds the path it touches, whether it reads a whole folder, the field that
 * stands for a call. Rules (which tools take a path in parentheses, what `Read(…)` and `Edit(…)`
 * cover, where a path rule looks), summaries, risk marks, proposals and `rules import` all derive
 * from it; `test/core/tools.test.ts` checks that they agree.
 *
 * A tool not in the table is handled as it always was, fail-closed: no path (so no path rule
 * allows it, and no shortcut), no family, its input shown whole; the default action decides.
 * Pure: no I/O.
 */

export type ToolFamily = 'read' | 'edit' | 'shell' | 'web' | 'agent' | 'other';

export interface ToolInfo {
  readonly family: ToolFamily;
  /** The input field holding the path the tool touches; such a tool's rules take a path (`Read(./src/**)`). */
  readonly pathField?: 'file_path' | 'notebook_path' | 'path';
  /** Reads a whole folder (searches and listings): a deny or ask rule inside it applies; no path means the cwd. */
  readonly folder?: boolean;
  /** The input field that stands for a call in a summary, when it is not the path. */
  readonly summaryField?: 'command' | 'url' | 'query' | 'pattern';
}

const TOOLS: ReadonlyMap<string, ToolInfo> = new Map<string, ToolInfo>([
  ['Agent', { family: 'agent' }],
  ['AskUserQuestion', { family: 'other' }],
  ['Bash', { family: 'shell', summaryField: 'command' }],
  ['BashOutput', { family: 'shell' }],
  ['Edit', { family: 'edit', pathField: 'file_path' }],
  ['EnterPlanMode', { family: 'other' }],
  ['ExitPlanMode', { family: 'other' }],
  ['Glob', { family: 'read', pathField: 'path', folder: true, summaryField: 'pattern' }],
  ['Grep', { family: 'read', pathField: 'path', folder: true, summaryField: 'pattern' }],
  ['KillShell', { family: 'shell' }],
  ['LS', { family: 'read', pathField: 'path', folder: true }],
  ['LSP', { family: 'other' }],
  ['ListMcpResourcesTool', { family: 'other' }],
  ['MultiEdit', { family: 'edit', pathField: 'file_path' }],
  ['NotebookEdit', { family: 'edit', pathField: 'notebook_path' }],
  ['Read', { family: 'read', pathField: 'file_path' }],
  ['ReadMcpResourceTool', { family: 'other' }],
  ['Skill', { family: 'other' }],
  ['SlashCommand', { family: 'other' }],
  ['Task', { family: 'agent' }],
  ['TaskOutput', { family: 'agent' }],
  ['TaskStop', { family: 'agent' }],
  ['TodoWrite', { family: 'other' }],
  ['ToolSearch', { family: 'other' }],
  ['WebFetch', { family: 'web', summaryField: 'url' }],
  ['WebSearch', { family: 'web', summaryField: 'query' }],
  ['Write', { family: 'edit', pathField: 'file_path' }],
]);

/** Every tool in the table, by name. */
export const CLAUDE_TOOLS: readonly string[] = [...TOOLS.keys()];

/** What the table says of `name`; undefined for a tool it does not know (an MCP tool, a new one). */
export function toolInfo(name: string): ToolInfo | undefined {
  return TOOLS.get(name);
}

/** The input field holding the path a file tool touches; undefined for every other tool. */
export function pathField(tool: string): string | undefined {
  return TOOLS.get(tool)?.pathField;
}

/** Whether the tool reads a whole folder (Glob, Grep, LS). */
export function readsFolder(tool: string): boolean {
  return TOOLS.get(tool)?.folder === true;
}

/** The file tools of a family, its namesake first: what Claude Code's `Read(…)` and `Edit(…)` rules cover. */
function fileTools(name: 'Read' | 'Edit'): readonly string[] {
  const family = TOOLS.get(name)?.family;
  return [name, ...CLAUDE_TOOLS.filter((t) => t !== name && TOOLS.get(t)?.family === family && TOOLS.get(t)?.pathField !== undefined)];
}

/** `Read` covers every tool that reads files, `Edit` every tool that changes them. */
export const RULE_FAMILIES: Readonly<Record<'Read' | 'Edit', readonly string[]>> = { Read: fileTools('Read'), Edit: fileTools('Edit') };

/** Whether a file tool changes files (its proposals and imports say `Edit(…)`, not `Read(…)`). */
export function editsFiles(tool: string): boolean {
  const t = TOOLS.get(tool);
  return t?.family === 'edit' && t.pathField !== undefined;
}
