import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateJson } from '../../src/core/json-locate.js';
import { DEFAULTS, parseSize, resolveSettings, SETTING_KEYS, SETTINGS, showSetting } from '../../src/core/settings.js';
import { settingsIssues, settingsProblems } from '../../src/core/settings-check.js';

describe('the settings table', () => {
  it.each([
    [{ defaultAction: 'maybe' }, ['defaultAction'], /^"defaultAction" must be "allow", "deny" or "ask" \(got "maybe"\)$/],
    [{ timeoutAction: 'allow' }, ['timeoutAction'], /must be "deny" or "interrupt" \(got "allow"\); a timeout never allows/],
    [{ timeout: 5 }, ['timeout'], /^"timeout" must be a duration text such as "5m" \(got 5\)$/],
    [{ timeout: 'soon' }, ['timeout'], /^"timeout": Invalid duration "soon"/],
    [{ timeout: '25h' }, ['timeout'], /^"timeout" is too long: at most 24h/],
    [{ timeout: '0s' }, ['timeout'], /^"timeout" must be more than zero/],
    [{ retention: '59m' }, ['retention'], /^"retention" must be at least 1h \(got "59m"\)/],
    [{ retentionSize: '999KB' }, ['retentionSize'], /^"retentionSize" must be at least 1MB \(got "999KB"\)/],
    [{ retentionSize: 'lots' }, ['retentionSize'], /^"retentionSize": Invalid size "lots"/],
    [{ retentionSize: true }, ['retentionSize'], /^"retentionSize" must be a size text such as "100MB" \(got true\)/],
    [{ port: 0 }, ['port'], /^"port" must be a whole number from 1 to 65535 \(got 0\); for a free port in one run, use `--port 0`$/],
    [{ port: 80.5 }, ['port'], /got 80.5/],
    [{ port: '80' }, ['port'], /got "80"/],
    [{ port: 65536 }, ['port'], /got 65536/],
    [{ bell: 'yes' }, ['bell'], /^"bell" must be true or false \(got "yes"\)$/],
    [{ auditRequired: 1 }, ['auditRequired'], /^"auditRequired" must be true or false \(got 1\)$/],
    [{ token: 'short' }, ['token'], /^"token": /],
    [{ token: 42 }, ['token'], /^"token": /],
    [{ rules: {} }, ['rules'], /^"rules" must be an array$/],
    [{ rules: [7] }, ['rules', 0], /^the rule at position 1 in "rules" must be an object$/],
    [{ rules: [{ pattern: 'Read', action: 'allow' }] }, ['rules', 0], /^the rule at position 1 in "rules" \("Read"\) has no "id"$/],
    [{ rules: [{ id: 'r1', pattern: 'Bash(', action: 'allow' }] }, ['rules', 0], /^rule r1 \("Bash\("\): expected `\)`/],
    [{ rules: [{ id: 'r1', pattern: 'Read', action: 'allow', timeoutMs: 2 * 86_400_000 }] }, ['rules', 0], /rule r1 \("Read"\).*at most 24h/],
    [{ 'notify.desktop': 'popup' }, ['notify.desktop'], /^"notify\.desktop" must be "off", "auto", "osc", "osc9", "osc777" or "notify-send" \(got "popup"\)$/],
    [{ 'notify.desktopAfter': 'soon' }, ['notify.desktopAfter'], /^"notify\.desktopAfter": Invalid duration "soon"/],
    [{ 'notify.webhook.after': '2d' }, ['notify.webhook.after'], /^"notify\.webhook\.after" must be at most 24h \(got "2d"\)/],
    [{ 'notify.webhook.url': 'ftp://x/y' }, ['notify.webhook.url'], /^"notify\.webhook\.url": it must be an http:\/\/ or https:\/\/ URL \(got "ftp:"\)$/],
    [{ 'notify.webhook.url': 3 }, ['notify.webhook.url'], /^"notify\.webhook\.url" must be an http\(s\) URL text \(got 3\)$/],
    [{ 'notify.webhook.format': 'teams' }, ['notify.webhook.format'], /^"notify\.webhook\.format" must be "auto", "ntfy", "slack" or "json" \(got "teams"\)$/],
    [{ 'notify.webhook.content': 'no' }, ['notify.webhook.content'], /^"notify\.webhook\.content" must be true or false \(got "no"\)$/],
    [{ notify: { desktop: 'off' } }, ['notify'], /^unknown setting "notify": its settings are flat keys with dots, e\.g\. "notify\.desktop" \(known: /],
    [{ colour: 'red' }, ['colour'], /^unknown setting "colour" \(known: defaultAction, .*token, rules\)$/],
    [[], [], /^the top level must be a JSON object$/],
    [null, [], /^the top level must be a JSON object$/],
  ])('%j: one problem at %j', (value, path, message) => {
    const issues = settingsIssues(value);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it.each([
    [{}],
    [
      {
        $schema: 'x',
        port: 1,
        timeout: '24h',
        retention: '1h',
        retentionSize: '1MB',
        bell: false,
        auditRequired: true,
        defaultAction: 'deny',
        timeoutAction: 'interrupt',
      },
    ],
    [{ retentionSize: 2_000_000, token: 'a'.repeat(32), rules: [{ id: 'r1', pattern: 'Read', action: 'allow' }] }],
    [
      {
        'notify.desktop': 'off',
        'notify.desktopAfter': '0s',
        'notify.webhook.url': 'https://ntfy.sh/t',
        'notify.webhook.after': '24h',
        'notify.webhook.format': 'ntfy',
        'notify.webhook.content': true,
      },
    ],
  ])('%j is a good file', (value) => {
    expect(settingsProblems(value)).toEqual([]);
  });

  it('reports every problem at once, in file order, a duplicate id and its bad pattern both', () => {
    const problems = settingsProblems({
      bell: 2,
      zz: 1,
      port: 0,
      rules: [
        { id: 'a', pattern: 'Read', action: 'allow' },
        { id: 'a', pattern: 'Bash(', action: 'deny' },
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^"bell"/),
      expect.stringMatching(/^unknown setting "zz"/),
      expect.stringMatching(/^"port"/),
      expect.stringMatching(/used twice/),
      expect.stringMatching(/expected `\)`/),
    ]);
  });

  it('every default passes its own schema, and resolves', () => {
    const defaults = Object.fromEntries(SETTING_KEYS.filter((k) => DEFAULTS[k] !== undefined).map((k) => [k, DEFAULTS[k]]));
    expect(settingsProblems(defaults)).toEqual([]);
    expect(resolveSettings({})).toEqual({
      defaultAction: 'ask',
      timeoutMs: 300_000,
      timeoutAction: 'deny',
      whenAway: 'wait',
      awayAfterMs: 900_000,
      port: 8660,
      retentionMs: 30 * 86_400_000,
      retentionBytes: 100_000_000,
      auditRequired: false,
      bell: true,
      token: undefined,
      rules: [],
      notify: { desktop: 'auto', desktopAfterMs: 10_000, webhook: { url: undefined, afterMs: 120_000, format: 'auto', content: false } },
    });
  });

  it.each([
    ['port', '8080', 8080],
    ['bell', 'FALSE', false],
    ['auditRequired', 'true', true],
    ['timeout', '90s', '90s'],
    ['notify.desktopAfter', '0s', '0s'],
    ['notify.webhook.url', 'https://ntfy.sh/cco-mine', 'https://ntfy.sh/cco-mine'],
    ['notify.webhook.content', 'true', true],
  ] as const)('config set %s %j writes %j', (key, text, value) => {
    expect(SETTINGS[key].fromText(text)).toBe(value);
  });

  it.each([
    ['port', ' 80', /decimal number from 1 to 65535 \(got " 80"\)/],
    ['port', '0', /cco serve --port 0/],
    ['bell', 'yes', /^bell must be true or false \(got "yes"\)\.$/],
    ['timeout', 'soon', /Invalid duration "soon"/],
    ['notify.webhook.url', 'ntfy.sh/topic', /^notify\.webhook\.url: it is not a URL \(got "ntfy\.sh\/topic"\); use e\.g\. https:\/\/ntfy\.sh\/your-topic/],
    ['notify.webhook.url', 'file:///etc/passwd', /must be an http:\/\/ or https:\/\/ URL/],
    ['notify.webhook.content', 'yes', /^notify\.webhook\.content must be true or false/],
  ] as const)('config set %s %j is refused: %s', (key, text, message) => {
    expect(() => SETTINGS[key].fromText(text)).toThrow(message);
  });

  it('never shows the token in a list', () => {
    expect(showSetting('token', 'a'.repeat(32))).toBe('(set)');
    expect(showSetting('token', undefined)).toBe('(none)');
    expect(showSetting('port', undefined)).toBe('8660');
  });

  it('parseSize', () => {
    expect(parseSize('100MB')).toBe(100_000_000);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('2000000')).toBe(2_000_000);
    expect(() => parseSize('1TB')).toThrow(/Invalid size "1TB"/);
  });

  it("the README's settings table lists every setting with its default", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([\w.]+)` \| `?([^|`]+?)`? \| /gm)].map((m) => [m[1], m[2]]);
    const table = Object.fromEntries(rows);
    for (const k of SETTING_KEYS) expect(table[k], k).toBe(DEFAULTS[k] === undefined ? 'none' : String(DEFAULTS[k]));
  });
});

describe('locateJson', () => {
  const text = '{\n  "a": 1,\n  "rules": [\n    { "id": "x" },\n    {"id":"y", "p": "\\"}"}\n  ],\n  "a": [true, null]\n}';
  it.each([
    [['rules'], false, { line: 3, column: 12 }],
    [['rules', 0], false, { line: 4, column: 5 }],
    [['rules', 1], false, { line: 5, column: 5 }],
    [['rules', 1, 'p'], false, { line: 5, column: 21 }],
    [['a'], false, { line: 7, column: 8 }],
    [['a'], true, { line: 7, column: 3 }],
    [['a', 1], false, { line: 7, column: 15 }],
    [['rules', 2], false, undefined],
    [['nope'], false, undefined],
  ] as const)('%j (key %s)', (path, key, at) => {
    expect(locateJson(text, path, { key })).toEqual(at);
  });
});
