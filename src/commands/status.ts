import { Command } from 'commander';

export function statusCommand(): Command {
  return new Command('status')
    .description('one line on the running server: how many calls wait and the oldest (cheap enough for a tmux status line)')
    .option('--json', 'print JSON: {"running":…,"pending":N,"oldest":{id,agent,tool,summary,waitingMs}}')
    .option('--tmux', 'a tmux status-line segment (⏳3 oldest 4m api Bash git push), empty when nothing waits or cco is not running')
    .addHelpText(
      'after',
      `
Exit codes: 0 with the line; 3 when no cco is running (0 with --tmux); 1 when the server does not answer.
In ~/.tmux.conf:  set -g status-right '#(cco status --tmux) %H:%M'  and  set -g status-interval 5`,
    )
    .action(async (opts: { json?: boolean; tmux?: boolean }) => {
      const { runStatus } = await import('../status/run-status.js');
      process.exitCode = await runStatus(opts);
    });
}
