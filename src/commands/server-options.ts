import { Command, InvalidArgumentError, Option } from 'commander';
import { checkWait, parseDuration } from '../core/duration.js';

/** Flags given on the command line; unset ones fall back to the config file, then the defaults. */
export interface ServerCliOptions {
  host: string;
  port?: number;
  timeout?: number;
  progressInterval: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port).');
  return n;
}

function duration(value: string): number {
  try {
    return checkWait(parseDuration(value), 'The duration');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function progressInterval(value: string): number {
  const ms = duration(value);
  if (ms >= 300_000) throw new InvalidArgumentError("must be under 300s: Claude Code aborts a call that is silent for 300s (30s is a good value).");
  return ms;
}

/** The options `cco serve` and `cco watch` share. */
export function serverCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('-p, --port <number>', 'port to listen on; 0 picks a free one (default: config `port`, else 8660)').env('PORT').argParser(port),
    )
    .addOption(
      new Option('-t, --timeout <duration>', 'how long a call waits for a person before it is denied, e.g. 90s, 5m, 1h (default: config `timeout`, else 5m)').argParser(
        duration,
      ),
    )
    .addOption(
      new Option('--progress-interval <duration>', 'how often a waiting call tells Claude Code it is still alive (its idle limit is 300s)')
        .default(30_000, '30s')
        .argParser(progressInterval),
    );
}
