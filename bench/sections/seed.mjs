// Seed a state folder's audit log with decided calls, written the way the audit store reads
// them (src/store/audit.ts: JSON Lines, a request line and a decision line per call).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function seedAudit(home, calls, now = Date.now()) {
  const lines = [];
  const start = now - calls * 1000;
  const tools = ['Bash', 'Edit', 'Write', 'WebFetch', 'mcp__github__create_issue'];
  for (let i = 0; i < calls; i++) {
    const at = start + i * 1000;
    const id = randomBytes(3).toString('hex');
    const tool = tools[i % tools.length];
    const input =
      tool === 'Bash'
        ? { command: `npm test -- --grep case-${i}`, description: 'Run the tests' }
        : tool === 'WebFetch'
          ? { url: `https://example.com/page/${i}`, prompt: 'Summarise' }
          : tool.startsWith('mcp__')
            ? { repo: 'acme/app', title: `Issue ${i}` }
            : { file_path: `/home/dev/app/src/file-${i}.ts`, old_string: 'a', new_string: 'b', replace_all: false };
    const common = {
      id,
      agentLabel: `agent-${i % 8}`,
      agent: `agent-${i % 8}`,
      sessionId: `s-${i % 8}`,
      client: { name: 'claude-code', version: '2.1.328' },
      tool,
      input,
    };
    const auto = i % 3 !== 0;
    lines.push(
      JSON.stringify({ time: new Date(at).toISOString(), event: 'request', ...common, autoDecided: auto, deadline: new Date(at + 300_000).toISOString() }),
    );
    lines.push(
      JSON.stringify({
        time: new Date(at + (auto ? 0 : 2500)).toISOString(),
        event: 'decision',
        ...common,
        behavior: i % 7 === 0 ? 'deny' : 'allow',
        decidedBy: auto ? 'rule:r1' : 'user',
        ...(i % 7 === 0 ? { message: 'Not now.' } : {}),
        waitMs: auto ? 0 : 2500,
      }),
    );
  }
  writeFileSync(join(home, 'audit.jsonl'), lines.join('\n') + '\n', { mode: 0o600 });
}
