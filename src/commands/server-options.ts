import { Command, InvalidArgumentError, Option } from 'commander';
import { checkWait, parseDuration } from '../core/duration.js';
import { TOKEN_HINT, TOKEN_RE } from '../core/token.js';

/** Flags given on the command line; unset ones fall back to the config file, then the defaults. */
export interface ServerCliOptions {
  host: string;
  port?: number;
  timeout?: number;
  progressInterval: number;
  /** Bearer token /mcp requires (--token or CCO_TOKEN; else config `token`); the decision API has its own per-start token. */
  token?: string;
  /** More names the Host/Origin check accepts (e.g. a reverse proxy's). */
  allowHost?: string[];
}

function port(value: string): number {
  // Decimal digits only: `Number('')` is 0 (a random port from an empty PORT=) and `0x10` is 16.
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a decimal port number from 0 to 65535 (0 picks a free port); got "${value}".`);
  return n;
}

function duration(value: string): number {
  try {
    return checkWait(parseDuration(value), 'The duration');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function token(value: string): string {
  if (!TOKEN_RE.test(value)) throw new InvalidArgumentError(`${TOKEN_HINT}.`);
  return value;
}

function hostList(value: string, previous: string[] = []): string[] {
  const names = value
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const n of names) if (!/^[A-Za-z0-9.:[\]_-]+$/.test(n)) throw new InvalidArgumentError(`"${n}" is not a host name or address.`);
  return [...previous, ...names];
}

function progressInterval(value: string): number {
  const ms = duration(value);
  if (ms >= 300_000) throw new InvalidArgumentError('must be under 300s: Claude Code aborts a call that is silent for 300s (30s is a good value).');
  return ms;
}

/** The options `cco serve` and `cco watch` share. */
export function serverCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(new Option('--host <address>', 'address to listen on; anything but loopback needs a token').default('127.0.0.1'))
    .addOption(
      new Option(
        '--token <token>',
        'require "Authorization: Bearer <token>" on /mcp; the decision API always has its own per-start token, in the server file (default: config `token`; prefer CCO_TOKEN, argv is visible to other users)',
      )
        .env('CCO_TOKEN')
        .argParser(token),
    )
    .addOption(
      new Option('--allow-host <names>', "more host names the Host/Origin check accepts, comma-separated (e.g. a reverse proxy's name)").argParser(hostList),
    )
    .addOption(new Option('-p, --port <number>', 'port to listen on; 0 picks a free one (default: config `port`, else 8660)').env('PORT').argParser(port))
    .addOption(
      new Option(
        '-t, --timeout <duration>',
        'how long a call waits for a person before it is denied, e.g. 90s, 5m, 1h (default: config `timeout`, else 5m)',
      ).argParser(duration),
    )
    .addOption(
      new Option('--progress-interval <duration>', 'how often a waiting call tells Claude Code it is still alive (its idle limit is 300s)')
        .default(30_000, '30s')
        .argParser(progressInterval),
    );
}
