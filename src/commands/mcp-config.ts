import { Command, Option } from 'commander';
import { AGENT_HEADER, SERVER_NAME, agentName, defaultMcpUrl, mcpConfig, mcpToken, mcpUrlOption } from './claude-code.js';

export function mcpConfigCommand(): Command {
  return new Command('mcp-config')
    .description('print an MCP config for `claude --mcp-config FILE` (cco only, nothing registered)')
    .addOption(new Option('--agent <name>', `name the agent (sent as the ${AGENT_HEADER} header)`).argParser(agentName))
    .addOption(new Option('--url <url>', "cco's MCP endpoint (default: the running server's, else http://127.0.0.1:<config port>/mcp)").argParser(mcpUrlOption))
    .action(async (o: { agent?: string; url?: string }) => {
      process.stdout.write(`${JSON.stringify(mcpConfig(o.url ?? (await defaultMcpUrl()), o.agent, SERVER_NAME, await mcpToken()), null, 2)}\n`);
    });
}
