/**
 * The settings file, one entry per setting: its zod schema (the file's type is inferred from
 * it), its default, what it means, how `cco config set` reads it from text and how `cco config
 * list` shows it. Everything else (the type, the known keys, the checks and their messages, the
 * `config` texts and help, the README table's test) is derived from this table. Pure: no I/O.
 *
 * The schemas are built from zod/mini's functions handed in (`Zod`, see settings-check.ts): this
 * module loads without zod, so `cco --help` can show the table, and the named imports there keep
 * zod to a few kB in the bundle, so reading the file stays quick (`cco rules list`).
 */
import type { boolean, custom, number, refine, string, superRefine, union, ZodMiniType } from 'zod/mini';
import { checkWait, MAX_WAIT_MS, parseDuration } from './duration.js';
import { UserError } from './errors.js';
import { TOKEN_HINT, TOKEN_RE } from './token.js';
import type { TimeoutAction } from './types.js';
import type { WhenAway } from './presence.js';
import type { Rule, RuleAction } from './rules/types.js';

/** The zod/mini functions the schemas are built with. */
export interface Zod {
  boolean: typeof boolean;
  custom: typeof custom;
  number: typeof number;
  refine: typeof refine;
  string: typeof string;
  superRefine: typeof superRefine;
  union: typeof union;
}

/** The smallest retention and log size that cannot wipe the history by a slip of the keyboard. */
export const MIN_RETENTION_MS = 3_600_000;
export const MIN_RETENTION_BYTES = 1_000_000;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `100MB`, `1GiB`, `500kb`, `2000000` (bytes): a size in bytes. Throws a sentence with examples. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  if (!m) throw new Error(`Invalid size "${text}": use a number with a unit, e.g. 100MB, 1GB or 500KB.`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

const got = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** The error of a check: the sentence itself, or the thrown message after `"key": `. */
function failure<V>(z: Zod, key: string, test: (v: V) => string | undefined) {
  return z.superRefine((v: V, ctx) => {
    let problem: string | undefined;
    try {
      problem = test(v);
    } catch (error) {
      const message = (error as Error).message;
      problem = message.startsWith(`"${key}"`) ? message : `"${key}": ${message}`;
    }
    if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: v });
  });
}

/** One setting, as the file holds it. */
export interface Setting<T, D extends T | undefined = T | undefined> {
  /** Validates the file's value; every message names the setting and says what is allowed. */
  schema(z: Zod): ZodMiniType<T>;
  /** What applies while the file does not set it (undefined: nothing, e.g. no token). */
  readonly default: D;
  /** What it does, for `cco config list` and `cco config --help`. */
  readonly help: string;
  /** The value `cco config set KEY TEXT` writes; throws a UserError for text that cannot be one. */
  fromText(text: string): T;
  /** How `cco config list` shows a value (the token is never shown there). */
  show?(value: T | undefined): string;
}

const define = <T, D extends T | undefined = T>(s: Setting<T, D>): Setting<T, D> => s;

function choice<T extends string>(z: Zod, key: string, values: readonly T[], after = '') {
  const words = values.map((v) => `"${v}"`);
  const list = words.length === 2 ? words.join(' or ') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return z.custom<T>((v) => values.includes(v as T), { error: (iss) => `"${key}" must be ${list} (got ${got(iss.input)})${after}` });
}

function duration(z: Zod, key: string, check: (ms: number, text: string) => string | undefined) {
  return z
    .string({ error: (iss) => `"${key}" must be a duration text such as "5m" (got ${got(iss.input)})` })
    .check(failure(z, key, (v: string) => check(parseDuration(v), v)));
}

function flag(z: Zod, key: string) {
  return z.boolean({ error: (iss) => `"${key}" must be true or false (got ${got(iss.input)})` });
}

function flagFromText(key: string) {
  return (text: string): boolean => {
    if (!['true', 'false'].includes(text.toLowerCase())) throw new UserError(`${key} must be true or false (got "${text}").`);
    return text.toLowerCase() === 'true';
  };
}

function durationFromText(text: string): string {
  try {
    parseDuration(text);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  return text;
}

const asText = (text: string): string => text;

export { DESKTOP_NOTIFY, showWebhookUrl, WEBHOOK_FORMATS, webhookUrlProblem, type DesktopNotify, type WebhookFormat } from './notify-settings.js';
import { DESKTOP_NOTIFY, showWebhookUrl, WEBHOOK_FORMATS, webhookUrlProblem, type DesktopNotify, type WebhookFormat } from './notify-settings.js';

/** A notification delay: from 0s (at once) to 24h. */
function delay(z: Zod, key: string) {
  return duration(z, key, (ms, text) => (ms > MAX_WAIT_MS ? `"${key}" must be at most 24h (got "${text}"): no call waits longer` : undefined));
}

export const SETTINGS = {
  defaultAction: define<RuleAction>({
    schema: (z) => choice<RuleAction>(z, 'defaultAction', ['allow', 'deny', 'ask']),
    default: 'ask',
    help: 'what happens to a call no rule matches: allow, deny or ask',
    fromText: (text) => text as RuleAction,
  }),
  timeout: define<string>({
    schema: (z) =>
      duration(z, 'timeout', (ms) => {
        checkWait(ms, '"timeout"');
        return undefined;
      }),
    default: '5m',
    help: 'how long a call waits for a person, e.g. 5m (at most 24h)',
    fromText: durationFromText,
  }),
  timeoutAction: define<TimeoutAction>({
    schema: (z) => choice<TimeoutAction>(z, 'timeoutAction', ['deny', 'interrupt'], '; a timeout never allows'),
    default: 'deny',
    help: 'what a timeout does: deny, or interrupt (deny and stop the agent run)',
    fromText: (text) => text as TimeoutAction,
  }),
  whenAway: define<WhenAway>({
    schema: (z) => choice<WhenAway>(z, 'whenAway', ['wait', 'deny']),
    default: 'wait',
    help: 'a call that needs a person while nobody is at a console: wait (for its timeout), or deny at once telling the model nobody is watching',
    fromText: (text) => text as WhenAway,
  }),
  awayAfter: define<string>({
    schema: (z) =>
      duration(z, 'awayAfter', (ms) => {
        checkWait(ms, '"awayAfter"');
        return undefined;
      }),
    default: '15m',
    help: 'a console with no key pressed for this long counts as nobody present, e.g. 15m',
    fromText: durationFromText,
  }),
  port: define<number>({
    schema: (z) =>
      z
        .number({ error: (iss) => portMessage(iss.input) })
        .check(z.refine((v) => Number.isInteger(v) && v >= 1 && v <= 65535, { error: (iss) => portMessage(iss.input) })),
    default: 8660,
    help: 'the port cco serve/watch listen on (1-65535; `--port 0` picks a free one for one run)',
    fromText: (text) => {
      // Decimal digits only: `0x10`, `1e3` and ` 80` are numbers to JavaScript, not to a person.
      if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
        throw new UserError(`port must be a decimal number from 1 to 65535 (got "${text}"). For a free port in one run, use \`cco serve --port 0\`.`);
      }
      return Number(text);
    },
  }),
  retention: define<string>({
    schema: (z) =>
      duration(z, 'retention', (ms, text) =>
        ms < MIN_RETENTION_MS ? `"retention" must be at least 1h (got "${text}"): a shorter one would delete the history almost at once` : undefined,
      ),
    default: '30d',
    help: 'how long the audit log is kept, e.g. 30d (at least 1h)',
    fromText: durationFromText,
  }),
  retentionSize: define<string | number>({
    // A number is bytes (older files wrote it so); text has a unit.
    schema: (z) =>
      z
        .union([z.string(), z.number()], { error: (iss) => `"retentionSize" must be a size text such as "100MB" (got ${got(iss.input)})` })
        .check(
          failure(z, 'retentionSize', (v: string | number) =>
            parseSize(String(v)) < MIN_RETENTION_BYTES
              ? `"retentionSize" must be at least 1MB (got ${got(v)}): a smaller one would delete the history almost at once`
              : undefined,
          ),
        ),
    default: '100MB',
    help: 'how large the audit log may grow, e.g. 100MB (at least 1MB)',
    fromText: asText,
  }),
  auditRequired: define<boolean>({
    schema: (z) => flag(z, 'auditRequired'),
    default: false,
    help: 'true: deny calls while the audit log cannot be written; false: keep deciding and warn',
    fromText: flagFromText('auditRequired'),
  }),
  bell: define<boolean>({
    schema: (z) => flag(z, 'bell'),
    default: true,
    help: 'true: cco watch rings the terminal bell when a call starts waiting; false: silent',
    fromText: flagFromText('bell'),
  }),
  'notify.desktop': define<DesktopNotify>({
    schema: (z) => choice<DesktopNotify>(z, 'notify.desktop', DESKTOP_NOTIFY),
    default: 'auto',
    help: 'desktop notice for calls still waiting: auto (cco watch: the terminal; cco serve: notify-send if present), off, osc (OSC 9 or 777 by terminal), osc9, osc777 or notify-send',
    fromText: (text) => text as DesktopNotify,
  }),
  'notify.desktopAfter': define<string>({
    schema: (z) => delay(z, 'notify.desktopAfter'),
    default: '10s',
    help: 'how long a call waits before the desktop notice, e.g. 10s (0s: at once; a burst is one notice)',
    fromText: durationFromText,
  }),
  'notify.webhook.url': define<string, undefined>({
    schema: (z) =>
      z.string({ error: (iss) => `"notify.webhook.url" must be an http(s) URL text (got ${got(iss.input)})` }).check(
        failure(z, 'notify.webhook.url', (v: string) => {
          const problem = webhookUrlProblem(v);
          return problem === undefined ? undefined : `"notify.webhook.url": ${problem}`;
        }),
      ),
    default: undefined,
    help: 'POST a notice here (it leaves this machine) for calls still waiting after notify.webhook.after: an ntfy topic URL, a Slack incoming webhook, or any JSON receiver',
    fromText: (text) => {
      const problem = webhookUrlProblem(text);
      if (problem !== undefined) throw new UserError(`notify.webhook.url: ${problem}.`);
      return text;
    },
    show: showWebhookUrl,
  }),
  'notify.webhook.after': define<string>({
    schema: (z) => delay(z, 'notify.webhook.after'),
    default: '2m',
    help: 'how long a call waits before the webhook, e.g. 2m (one POST per burst)',
    fromText: durationFromText,
  }),
  'notify.webhook.format': define<WebhookFormat>({
    schema: (z) => choice<WebhookFormat>(z, 'notify.webhook.format', WEBHOOK_FORMATS),
    default: 'auto',
    help: 'the webhook body: ntfy, slack ({"text": ...}), json, or auto (by the URL: hooks.slack.com, ntfy.sh, else json)',
    fromText: (text) => text as WebhookFormat,
  }),
  'notify.webhook.content': define<boolean>({
    schema: (z) => flag(z, 'notify.webhook.content'),
    default: false,
    help: 'true: the webhook names the agents, tools and commands (escaped, cut short); false: counts and the wait only',
    fromText: flagFromText('notify.webhook.content'),
  }),
  token: define<string, undefined>({
    schema: (z) => z.custom<string>((v) => typeof v === 'string' && TOKEN_RE.test(v), { error: `"token": ${TOKEN_HINT}` }),
    default: undefined,
    help: 'bearer token that /mcp requires (needed for --host other than loopback); the decision API has its own per-start token',
    fromText: asText,
    show: (v) => (v === undefined ? '(none)' : '(set)'),
  }),
} as const;

function portMessage(value: unknown): string {
  return `"port" must be a whole number from 1 to 65535 (got ${got(value)}); for a free port in one run, use \`--port 0\``;
}

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
/** The width of the key column in `cco config list` and `--help`. */
export const SETTING_KEY_WIDTH = Math.max(15, ...SETTING_KEYS.map((k) => k.length + 1));
type ValueOf<K extends SettingKey> = (typeof SETTINGS)[K] extends Setting<infer T, infer _D> ? T : never;

/** The settings file as the user reads and writes it (durations and sizes as text): the table's types. */
export type SettingsFile = { [K in SettingKey]?: ValueOf<K> } & { rules?: Rule[] };

/** Every default, by key (the token has none). */
export const DEFAULTS = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as { [K in SettingKey]: (typeof SETTINGS)[K]['default'] };

/** How `cco config list` shows a setting's value. */
export function showSetting(key: SettingKey, value: unknown): string {
  const s = SETTINGS[key] as Setting<unknown>;
  return s.show ? s.show(value) : String(value ?? s.default);
}

/** The settings with defaults applied and units resolved. */
export interface Settings {
  defaultAction: RuleAction;
  timeoutMs: number;
  timeoutAction: TimeoutAction;
  whenAway: WhenAway;
  awayAfterMs: number;
  port: number;
  retentionMs: number;
  retentionBytes: number;
  auditRequired: boolean;
  bell: boolean;
  notify: NotifySettings;
  token: string | undefined;
  rules: Rule[];
}

/** The notification settings, resolved. */
export interface NotifySettings {
  desktop: DesktopNotify;
  desktopAfterMs: number;
  webhook: { url: string | undefined; afterMs: number; format: WebhookFormat; content: boolean };
}

export function resolveSettings(file: SettingsFile): Settings {
  return {
    defaultAction: file.defaultAction ?? DEFAULTS.defaultAction,
    timeoutMs: parseDuration(file.timeout ?? DEFAULTS.timeout),
    timeoutAction: file.timeoutAction ?? DEFAULTS.timeoutAction,
    whenAway: file.whenAway ?? DEFAULTS.whenAway,
    awayAfterMs: parseDuration(file.awayAfter ?? DEFAULTS.awayAfter),
    port: file.port ?? DEFAULTS.port,
    retentionMs: parseDuration(file.retention ?? DEFAULTS.retention),
    retentionBytes: parseSize(String(file.retentionSize ?? DEFAULTS.retentionSize)),
    auditRequired: file.auditRequired ?? DEFAULTS.auditRequired,
    bell: file.bell ?? DEFAULTS.bell,
    notify: {
      desktop: file['notify.desktop'] ?? DEFAULTS['notify.desktop'],
      desktopAfterMs: parseDuration(file['notify.desktopAfter'] ?? DEFAULTS['notify.desktopAfter']),
      webhook: {
        url: file['notify.webhook.url'],
        afterMs: parseDuration(file['notify.webhook.after'] ?? DEFAULTS['notify.webhook.after']),
        format: file['notify.webhook.format'] ?? DEFAULTS['notify.webhook.format'],
        content: file['notify.webhook.content'] ?? DEFAULTS['notify.webhook.content'],
      },
    },
    token: file.token,
    rules: file.rules ?? [],
  };
}
