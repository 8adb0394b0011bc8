import { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeJson, escapeText } from '../core/escape.js';
import { PERSON_NAME_HINT, limitsText } from '../core/people.js';
import { ccoPaths } from '../store/paths.js';

/** The token store loads lazily: `cco token --help` stays instant. */
const store = async () => {
  const { TokenStore } = await import('../store/tokens.js');
  return new TokenStore(ccoPaths().tokensFile);
};

export function tokenCommand(): Command {
  const cmd = new Command('token').description('named decision tokens: each person approves or denies through the decision API as themself').addHelpText(
    'after',
    `
A named token opens the decision API (\`cco pending/approve/deny\` with CCO_API_TOKEN, scripts,
curl) as that person: the audit log, \`cco log\` and the console's history say who
decided. Only a SHA-256 of each token is stored (in tokens.json in cco's config folder, 0600);
the token is printed once. A running cco sees a new or revoked token at its next request.
The agents' /mcp token never opens the decision API, and a named token never opens /mcp.
  cco token add alice
  cco token add ci-bot --deny-only
  CCO_API_TOKEN=<token> cco pending`,
  );
  cmd.addCommand(addCommand());
  cmd.addCommand(listCommand());
  cmd.addCommand(rmCommand());
  return cmd;
}

function addCommand(): Command {
  return new Command('add')
    .description('make a token for NAME and print it (once; only its hash is kept)')
    .argument('<name>', `who holds it, as the audit log will name them: ${PERSON_NAME_HINT}`)
    .option('--deny-only', 'the token may deny calls but never allow one')
    .option('--no-always', 'the token may allow calls but not save a rule with it (no always-allow, no "updatedPermissions")')
    .action(async (name: string, o: { denyOnly?: boolean; always?: boolean }) => {
      const limits = { ...(o.denyOnly ? { denyOnly: true } : {}), ...(o.always === false ? { noAlways: true } : {}) };
      const { token, entry } = await (await store()).add(name, limits);
      // The token alone on stdout (`TOKEN=$(cco token add alice)`); what to do with it on stderr.
      process.stderr.write(
        `Made a token for ${escapeText(entry.name)} (limits: ${limitsText(entry.limits)}). It is shown only now: give it to them over a private channel.\n` +
          `Use it as "Authorization: Bearer <token>" on /api, or CCO_API_TOKEN=<token> cco pending (CCO_API_URL=… for a cco on another machine).\n` +
          `Revoke it with \`cco token rm ${escapeText(entry.name)}\`.\n`,
      );
      process.stdout.write(`${token}\n`);
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list the named tokens: name, limits, when made (never the tokens)')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const tokens = (await store()).list();
      if (o.json) {
        const out = tokens.map((t) => ({ name: t.name, limits: t.limits, created: t.created }));
        process.stdout.write(`${escapeJson(JSON.stringify(out, null, 2))}\n`);
        return;
      }
      if (tokens.length === 0) {
        process.stdout.write("No named tokens yet: only the server file's token opens the decision API. Make one with `cco token add NAME`.\n");
        return;
      }
      const { columns } = await import('./table.js');
      const rows = tokens.map((t) => [t.name, limitsText(t.limits), t.created].map((c) => escapeText(c)));
      process.stdout.write(`${columns([['NAME', 'LIMITS', 'CREATED'], ...rows], { trimEnd: true }).join('\n')}\n`);
    });
}

function rmCommand(): Command {
  return new Command('rm')
    .alias('revoke')
    .description("revoke NAME's token: a running cco refuses it from its next request")
    .argument('<name>', 'the name `cco token list` shows')
    .action(async (name: string) => {
      if (!(await (await store()).remove(name))) {
        throw new UserError(`No token is named "${escapeText(name)}"; \`cco token list\` shows the names.`);
      }
      process.stdout.write(`Revoked the token of ${escapeText(name)}.\n`);
    });
}
