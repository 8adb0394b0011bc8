import { Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { ccoPaths } from '../store/paths.js';

const KEYS = {
  defaultAction: 'what happens to a call no rule matches: allow, deny or ask',
  timeout: 'how long a call waits for a person, e.g. 5m (at most 24h)',
  timeoutAction: 'what a timeout does: deny, or interrupt (deny and stop the agent run)',
  port: 'the port cco serve/watch listen on (1-65535; `--port 0` picks a free one for one run)',
  retention: 'how long the audit log is kept, e.g. 30d (at least 1h)',
  retentionSize: 'how large the audit log may grow, e.g. 100MB (at least 1MB)',
  auditRequired: 'true: deny calls while the audit log cannot be written; false: keep deciding and warn',
  bell: 'true: cco watch rings the terminal bell when a call starts waiting; false: silent',
  token: 'bearer token that /mcp requires (needed for --host other than loopback); the decision API has its own per-start token',
} as const;
type Key = keyof typeof KEYS;

function key(name: string): Key {
  const found = (Object.keys(KEYS) as Key[]).find((k) => k.toLowerCase() === name.toLowerCase().replace(/[-_]/g, ''));
  if (!found) throw new UserError(`Unknown setting "${name}". Settings: ${Object.keys(KEYS).join(', ')}.`);
  return found;
}

const store = async () => {
  const { SettingsStore } = await import('../store/settings.js');
  return new SettingsStore(ccoPaths().configFile);
};

export function configCommand(): Command {
  const config = new Command('config').description(`read and change settings (in ${ccoPaths().configFile})`);
  config.addCommand(
    new Command('list').description('show every setting, its value and what it does').action(async () => {
      const { DEFAULTS } = await import('../store/settings.js');
      const file = (await store()).readFile();
      const rows = (Object.keys(KEYS) as Key[]).map((k) => {
        const set = file[k] !== undefined;
        const value = k === 'token' ? (set ? '(set)' : '(none)') : String(set ? file[k] : DEFAULTS[k]);
        return `${k.padEnd(15)} ${value.padEnd(8)} ${set ? '' : '(default) '}${KEYS[k]}`;
      });
      process.stdout.write(`${rows.join('\n')}\nrules           ${(file.rules ?? []).length} (see \`cco rules list\`)\n`);
    }),
  );
  config.addCommand(
    new Command('get')
      .argument('<key>', Object.keys(KEYS).join(', '))
      .description('print one setting')
      .action(async (name: string) => {
        const { DEFAULTS } = await import('../store/settings.js');
        const k = key(name);
        process.stdout.write(`${(await store()).readFile()[k] ?? (k === 'token' ? '' : DEFAULTS[k])}\n`);
      }),
  );
  config.addCommand(
    new Command('set')
      .argument('<key>', Object.keys(KEYS).join(', '))
      .argument('<value>', 'the new value')
      .description('change one setting (a running cco picks it up)')
      .action(async (name: string, value: string) => {
        const k = key(name);
        let v: string | number | boolean = value;
        if (k === 'port') {
          if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
            throw new UserError(`port must be a decimal number from 1 to 65535 (got "${value}"). For a free port in one run, use \`cco serve --port 0\`.`);
          }
          v = Number(value);
        }
        if (k === 'auditRequired' || k === 'bell') {
          if (!['true', 'false'].includes(value.toLowerCase())) throw new UserError(`${k} must be true or false (got "${value}").`);
          v = value.toLowerCase() === 'true';
        }
        if (k === 'timeout' || k === 'retention') {
          try {
            parseDuration(value);
          } catch (error) {
            throw new UserError((error as Error).message);
          }
        }
        await (await store()).update((file) => {
          (file as Record<string, unknown>)[k] = v;
        });
        process.stdout.write(k === 'token' ? 'token saved; restart cco serve/watch and run `cco setup` again so Claude Code sends it.\n' : `${k} = ${v}\n`);
      }),
  );
  config.addCommand(
    new Command('unset')
      .argument('<key>', Object.keys(KEYS).join(', '))
      .description('remove one setting from the file, so the default applies again (a running cco picks it up)')
      .action(async (name: string) => {
        const { DEFAULTS } = await import('../store/settings.js');
        const k = key(name);
        let had = false;
        await (await store()).update((file) => {
          had = (file as Record<string, unknown>)[k] !== undefined;
          delete (file as Record<string, unknown>)[k];
        });
        const now = k === 'token' ? 'no token' : `the default, ${String(DEFAULTS[k])}`;
        process.stdout.write(had ? `${k} unset: ${now}.\n` : `${k} was not set: ${now} already applies.\n`);
      }),
  );
  config.addCommand(
    new Command('path').description('print where the config file is').action(() => void process.stdout.write(`${ccoPaths().configFile}\n`)),
  );
  return config;
}
