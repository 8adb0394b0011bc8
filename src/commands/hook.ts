import { Command, CommanderError } from 'commander';

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface HookCodexFlags {
  agent?: string;
  url?: string;
  wait?: string;
}

/** What is wrong with the flags, as a denial reason; undefined when they are fine. */
function badFlag(o: HookCodexFlags, extra: readonly string[]): string | undefined {
  if (extra.length) return `unknown arguments ${JSON.stringify(extra.join(' ').slice(0, 80))} (run \`cco hook codex --help\`).`;
  if (o.agent !== undefined && !AGENT_NAME.test(o.agent)) return 'invalid --agent: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.';
  if (o.url !== undefined) {
    try {
      const u = new URL(o.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'invalid --url: expected an http:// URL such as http://127.0.0.1:8660.';
    } catch {
      return 'invalid --url: expected an http:// URL such as http://127.0.0.1:8660.';
    }
  }
  if (o.wait !== undefined && !(Number(o.wait) > 0 && Number.isFinite(Number(o.wait)))) return 'invalid --wait: expected a number of seconds above 0.';
  return undefined;
}

export function hookCommand(): Command {
  const hook = new Command('hook').description('the commands agents run as their hooks (Codex: `cco hook codex`); `cco setup --codex` registers them');
  hook.addCommand(
    new Command('codex')
      .description(
        "Codex's PermissionRequest hook: forward the question on stdin to the running cco and print its answer; denies (exit 2 with the reason) whenever cco cannot answer",
      )
      .option('--agent <name>', 'name the agent its calls show in the console')
      .option('--url <url>', "cco's address (default: the running server's, from its server file)")
      .option('--wait <seconds>', "longest wait for cco's answer before denying (default 590; `cco setup --codex` sets it above cco's own timeout)")
      // Codex cannot show a usage error: every mistake in the registered command must still be a denial.
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText(
        'after',
        `
Codex runs this for every approval it would ask you; register it with \`cco setup --codex\`.
It prints {"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{…}}} with cco's
allow or deny. When cco is not running, refuses the token, errs, or does not answer within --wait,
it exits 2 with one line on stderr, which Codex treats as a denial: the call does not run.`,
      )
      .action(async (o: HookCodexFlags, cmd: Command) => {
        const { DEFAULT_WAIT_S, forwardCodexHook, readBoundedStdin } = await import('./hook-codex.js');
        const bad = badFlag(o, cmd.args);
        const result = bad
          ? { stdout: '', stderr: `cco denied this call: ${bad}\n`, code: 2 as const }
          : await forwardCodexHook(
              await readBoundedStdin(process.stdin, undefined, (o.wait ? Number(o.wait) : DEFAULT_WAIT_S) * 1000).catch(() => Buffer.alloc(0)),
              {
                ...(o.agent ? { agent: o.agent } : {}),
                ...(o.url ? { url: o.url } : {}),
                ...(o.wait ? { wait: Number(o.wait) } : {}),
              },
            );
        if (result.stdout) process.stdout.write(result.stdout);
        if (result.stderr) process.stderr.write(result.stderr);
        // Exit 2 is Codex's denial; main() turns this into the exit code without printing more.
        if (result.code !== 0) throw new CommanderError(result.code, 'cco.hook.denied', 'denied');
      }),
  );
  return hook;
}
