import { agentLabel, summarizeInput } from '../core/summary.js';
import type { PendingCall } from '../core/types.js';

/**
 * The `/` filter: words that must all appear (case-insensitive) in a call's tool name, agent or
 * input summary. `tool:NAME` and `agent:NAME` narrow a word to that field.
 */
export interface CallFilter {
  text: string;
  matches(call: PendingCall): boolean;
}

const haystacks = new WeakMap<PendingCall, { tool: string; agent: string; all: string }>();

/** Lower-cased fields of a call, computed once per call (history holds up to a thousand). */
function fields(p: PendingCall) {
  let f = haystacks.get(p);
  if (!f) {
    const tool = p.call.toolName.toLowerCase();
    const agent = agentLabel(p.call.agent).toLowerCase();
    f = { tool, agent, all: `${tool} ${agent} ${p.id} ${summarizeInput(p.call, 2000).toLowerCase()}` };
    haystacks.set(p, f);
  }
  return f;
}

export function parseFilter(text: string): CallFilter | undefined {
  // A bare `tool:` or `agent:` (half typed) narrows nothing yet.
  const words = text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w && w !== 'tool:' && w !== 'agent:');
  if (words.length === 0) return undefined;
  const tests = words.map((w): ((p: PendingCall) => boolean) => {
    const m = /^(tool|agent):(.+)$/.exec(w);
    if (m) {
      const [, field, value] = m as unknown as [string, 'tool' | 'agent', string];
      return (p) => fields(p)[field].includes(value);
    }
    return (p) => fields(p).all.includes(w);
  });
  return { text: text.trim(), matches: (p) => tests.every((t) => t(p)) };
}

/** The calls a filter keeps; the same array when there is no filter. */
export function applyFilter<T extends PendingCall>(calls: readonly T[], filter: CallFilter | undefined): readonly T[] {
  return filter ? calls.filter((c) => filter.matches(c)) : calls;
}
