import { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { SETTING_KEY_WIDTH, SETTING_KEYS, SETTINGS, showSetting, type SettingKey } from '../core/settings.js';
import { ccoPaths } from '../store/paths.js';

type Key = SettingKey;

function key(name: string): Key {
  const found = SETTING_KEYS.find((k) => k.toLowerCase() === name.toLowerCase().replace(/[-_]/g, ''));
  if (!found) throw new UserError(`Unknown setting "${name}". Settings: ${SETTING_KEYS.join(', ')}.`);
  return found;
}

const store = async () => {
  const { SettingsStore } = await import('../store/settings.js');
  return new SettingsStore(ccoPaths().configFile);
};

/** Every key, its default and what it does (`cco config --help`), from the settings table. */
function settingsHelp(): string {
  const rows = SETTING_KEYS.map(
    (k) => `  ${k.padEnd(SETTING_KEY_WIDTH)} ${(SETTINGS[k].default === undefined ? 'none' : showSetting(k, undefined)).padEnd(8)} ${SETTINGS[k].help}`,
  );
  return `\nSettings (key, default, meaning):\n${rows.join('\n')}\n`;
}

export function configCommand(): Command {
  const config = new Command('config').description(`read and change settings (in ${ccoPaths().configFile})`);
  config.addHelpText('after', settingsHelp);
  config.addCommand(
    new Command('list').description('show every setting, its value and what it does').action(async () => {
      const file = (await store()).readFile();
      const rows = SETTING_KEYS.map((k) => {
        const set = file[k] !== undefined;
        return `${k.padEnd(SETTING_KEY_WIDTH)} ${showSetting(k, file[k]).padEnd(8)} ${set ? '' : '(default) '}${SETTINGS[k].help}`;
      });
      process.stdout.write(`${rows.join('\n')}\n${'rules'.padEnd(SETTING_KEY_WIDTH)} ${(file.rules ?? []).length} (see \`cco rules list\`)\n`);
    }),
  );
  config.addCommand(
    new Command('get')
      .argument('<key>', SETTING_KEYS.join(', '))
      .description('print one setting (the token too: keep the output private)')
      .action(async (name: string) => {
        const k = key(name);
        process.stdout.write(`${(await store()).readFile()[k] ?? SETTINGS[k].default ?? ''}\n`);
      }),
  );
  config.addCommand(
    new Command('set')
      .argument('<key>', SETTING_KEYS.join(', '))
      .argument('<value>', 'the new value')
      .description('change one setting (a running cco picks it up); the value is checked before anything is written')
      .action(async (name: string, value: string) => {
        const k = key(name);
        const v = SETTINGS[k].fromText(value);
        await (
          await store()
        ).update((file) => {
          (file as Record<string, unknown>)[k] = v;
        });
        process.stdout.write(k === 'token' ? 'token saved; restart cco serve/watch and run `cco setup` again so Claude Code sends it.\n' : `${k} = ${v}\n`);
      }),
  );
  config.addCommand(
    new Command('unset')
      .argument('<key>', SETTING_KEYS.join(', '))
      .description('remove one setting from the file, so the default applies again (a running cco picks it up)')
      .action(async (name: string) => {
        const k = key(name);
        let had = false;
        await (
          await store()
        ).update((file) => {
          had = (file as Record<string, unknown>)[k] !== undefined;
          delete (file as Record<string, unknown>)[k];
        });
        const now = k === 'token' ? 'no token' : `the default, ${String(SETTINGS[k].default)}`;
        process.stdout.write(had ? `${k} unset: ${now}.\n` : `${k} was not set: ${now} already applies.\n`);
      }),
  );
  config.addCommand(new Command('path').description('print where the config file is').action(() => void process.stdout.write(`${ccoPaths().configFile}\n`)));
  return config;
}
