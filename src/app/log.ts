/** Where the server's own messages go: stderr for `cco serve`, a log file while the console owns the terminal. */
import { closeSync, writeSync } from 'node:fs';
import { escapeLines } from '../core/escape.js';
import { openAppendNoFollow } from '../store/own-files.js';

export type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export function fileLog(file: string): Log {
  return (level, message) => {
    try {
      // Never through a symlink put in its place.
      const fd = openAppendNoFollow(file, 0o600);
      try {
        writeSync(fd, `${new Date().toISOString()} ${level} ${message}\n`);
      } finally {
        closeSync(fd);
      }
    } catch {
      // The log is a convenience; failing to write it must never disturb a decision.
    }
  };
}

// Messages can quote agent text (a saved pattern, an error about a call): escaped line by line.
export const stderrLog: Log = (level, message) => process.stderr.write(`cco ${level}: ${escapeLines(message)}\n`);

export const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));
