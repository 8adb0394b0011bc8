import { CLAUDE_TOOLS } from '../tools.js';

/**
 * The tools a Claude Code agent calls, as rule patterns name them (the catalogue, core/tools.ts).
 * Used to tell a misspelt tool name (`bash`, `Webfetch`, `Bsah`) from a tool cco does not know;
 * a name outside this list is not an error (Claude Code adds tools), only a near miss is worth a word.
 */
export const AGENT_TOOLS: readonly string[] = CLAUDE_TOOLS;

const KNOWN = new Set(AGENT_TOOLS);

/** Whether `name` is one of the agent tools, exactly as written. */
export function isAgentTool(name: string): boolean {
  return KNOWN.has(name);
}

/**
 * The agent tool `name` was most likely meant to be: the same name in another case, else one
 * within a small edit distance (1 for names up to 4 letters, 2 above). Undefined for a known
 * name, an MCP tool, a glob, or a name far from every tool.
 */
export function nearestAgentTool(name: string): string | undefined {
  if (KNOWN.has(name) || name.startsWith('mcp__') || /[*?]/.test(name)) return undefined;
  const lower = name.toLowerCase();
  const sameCase = AGENT_TOOLS.find((t) => t.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const t of AGENT_TOOLS) {
    if (Math.abs(t.length - name.length) > limit) continue;
    const d = editDistance(lower, t.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [t, d];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2] as number[])[j - 2]! + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
