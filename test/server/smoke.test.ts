import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, parseResult, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('approval loop', () => {
  it('approve from the broker → allow with the original input', async () => {
    t = await startTestServer();
    const client = await connectClient(t.server.mcpUrl);
    const input = { command: 'echo hi > out.txt', description: 'Write a file' };
    const result = client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input, tool_use_id: 'toolu_1' } });
    await waitFor(() => t!.broker.snapshot().pending.length === 1);
    const p = t.broker.snapshot().pending[0]!;
    expect(p.call).toMatchObject({ toolName: 'Bash', input, toolUseId: 'toolu_1' });
    t.broker.decide(p.id, { behavior: 'allow' });
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: input });
    await client.close();
  });
});
