import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPosition, settingsProblems } from '../../src/store/settings.js';
import { runCli, tempHome } from '../helpers/cli.js';

describe('cco config set: values that would surprise', () => {
  it.each([
    ['port', '', /port must be a decimal number from 1 to 65535 \(got ""\)/],
    ['port', '0x10', /got "0x10"/],
    ['port', '0', /got "0".*cco serve --port 0/],
    ['port', '1e3', /got "1e3"/],
    ['port', '65536', /got "65536"/],
    ['retention', '1s', /"retention" must be at least 1h/],
    ['retentionSize', '5', /"retentionSize" must be at least 1MB/],
    ['timeout', '2d', /at most 24h/],
  ])('%s %j is refused and nothing is written', async (key, value, message) => {
    const home = tempHome();
    const r = await runCli(home, 'config', 'set', key, value);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect((await runCli(home, 'config', 'list')).stdout).toMatch(new RegExp(`^${key} +\\S+ +\\(default\\)`, 'm'));
  });

  it.each([
    ['port', '9000', 'port = 9000'],
    ['retention', '1h', 'retention = 1h'],
    ['retentionSize', '1MB', 'retentionSize = 1MB'],
    ['timeout', '24h', 'timeout = 24h'],
  ])('%s %s is saved', async (key, value, said) => {
    const home = tempHome();
    const r = await runCli(home, 'config', 'set', key, value);
    expect(r.stdout.trim()).toBe(said);
    expect(r.code).toBe(0);
  });
});

describe('cco config unset', () => {
  it('puts a setting back to its default and keeps the others', async () => {
    const home = tempHome();
    await runCli(home, 'config', 'set', 'port', '9000');
    await runCli(home, 'config', 'set', 'timeout', '2m');
    const r = await runCli(home, 'config', 'unset', 'port');
    expect(r.stdout).toBe('port unset: the default, 8660.\n');
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))).toEqual({ timeout: '2m' });
    expect((await runCli(home, 'config', 'unset', 'port')).stdout).toBe('port was not set: the default, 8660 already applies.\n');
  });

  it('drops a token (no more hand-editing the JSON)', async () => {
    const home = tempHome();
    await runCli(home, 'config', 'set', 'token', 'a'.repeat(32));
    expect((await runCli(home, 'config', 'unset', 'token')).stdout).toBe('token unset: no token.\n');
    expect((await runCli(home, 'config', 'list')).stdout).toMatch(/^token +\(none\) +\(default\)/m);
  });

  it('refuses an unknown key', async () => {
    const r = await runCli(tempHome(), 'config', 'unset', 'colour');
    expect(r.stderr).toMatch(/Unknown setting "colour"/);
  });
});

describe('cco config list', () => {
  it('says "default" once per line', async () => {
    const out = (await runCli(tempHome(), 'config', 'list')).stdout;
    for (const line of out.trim().split('\n')) expect(line.replace(/^defaultAction/, '').match(/default/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
  });
});

describe('a broken config file', () => {
  it('lists every problem at once, naming rules by id and pattern', async () => {
    const home = tempHome();
    const file = join(home, 'config.json');
    const text = JSON.stringify({
      port: 0,
      retention: '1s',
      defaultAction: 'maybe',
      rules: [
        { id: 'r6', pattern: 'Bash(', action: 'allow' },
        { pattern: 'Read', action: 'allow' },
      ],
    });
    writeFileSync(file, text);
    const r = await runCli(home, 'rules', 'list');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`The config file ${file} is invalid: 5 problems:`);
    expect(r.stderr).toMatch(/  - "defaultAction" must be/);
    expect(r.stderr).toMatch(/  - "retention" must be at least 1h/);
    expect(r.stderr).toMatch(/  - "port" must be a whole number from 1 to 65535 \(got 0\)/);
    expect(r.stderr).toMatch(/  - rule r6 \("Bash\("\): expected `\)`/);
    expect(r.stderr).toMatch(/  - the rule at position 2 in "rules" \("Read"\) has no "id"/);
    expect(r.stderr).not.toMatch(/rules\[\d\]/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('says where invalid JSON breaks, by line and column', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), '{\n  "port": 9000,\n}\n');
    const r = await runCli(home, 'config', 'list');
    expect(r.stderr).toMatch(/not valid JSON \(.*line 3 column 1/);
  });

  it.each([
    ['{\n "a": 1,\n}', 'Expected double-quoted property name in JSON at position 11', 'line 3 column 1'],
    ['{"a" 1}', "Expected ':' after property name in JSON at position 5", 'line 1 column 6'],
    ['x', 'Unexpected token \'x\', "x" is not valid JSON', undefined],
    ['{', "Expected property name or '}' in JSON at position 1 (line 1 column 2)", 'line 1 column 2'],
  ])('jsonPosition(%j)', (text, message, where) => {
    const out = jsonPosition(text, message);
    if (where) expect(out).toContain(where);
    else expect(out).toBe(message);
    expect(out.match(/line \d+ column/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('settingsProblems is empty for a good file and names each bad key', () => {
    expect(settingsProblems({ port: 8660, retention: '30d', rules: [{ id: 'r1', pattern: 'Read', action: 'allow' }] })).toEqual([]);
    expect(settingsProblems({ colour: 'red', bell: 'yes' })).toEqual([
      expect.stringMatching(/unknown setting "colour"/),
      expect.stringMatching(/"bell" must be true or false/),
    ]);
  });
});

describe('cco config --help and the broken-file positions', () => {
  it('lists every setting with its default and meaning, from the settings table', async () => {
    const { SETTING_KEY_WIDTH, SETTING_KEYS, SETTINGS } = await import('../../src/core/settings.js');
    const r = await runCli(tempHome(), 'config', '--help');
    const text = r.stdout + r.stderr;
    for (const k of SETTING_KEYS)
      expect(text).toContain(`${k.padEnd(SETTING_KEY_WIDTH)} ${String(SETTINGS[k].default ?? 'none').padEnd(8)} ${SETTINGS[k].help}`);
  });

  it('says the line and column of each problem in the file', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), '{\n  "bell": "yes",\n  "colour": 1\n}\n');
    const r = await runCli(home, 'rules', 'list');
    expect(r.stderr).toMatch(/- "bell" must be true or false \(got "yes"\) \(line 2 column 11\)/);
    expect(r.stderr).toMatch(/- unknown setting "colour" .* \(line 3 column 3\)/);
  });
});
