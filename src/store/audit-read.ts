/**
 * Reading the audit log: every record oldest first (the rotated files, then the current one) or
 * newest first from the end, the last calls that pass a filter, and the recent asks. A line that
 * is not a record is skipped and reported; reading never throws for bad content.
 */
import { join } from 'node:path';
import { isAuditRecord, type AuditRecord, type LogEntry } from '../core/audit.js';
import { isAsk } from '../core/replay.js';
import { AUDIT_FILE, rotatedFiles } from './audit-files.js';
import { forEachLine, forEachLineReverse } from './lines.js';

/**
 * Every readable record of the log, oldest first, handed to `fn` one at a time (the files are read
 * line by line, never whole). A line that is not a record (a torn last line after a crash, damage
 * by hand) is skipped and reported through `warn`; reading never throws for bad content.
 */
export function forEachAuditRecord(dir: string, warn: (message: string) => void, fn: (record: AuditRecord) => void): void {
  for (const file of [...rotatedFiles(dir).map((f) => f.file), join(dir, AUDIT_FILE)]) {
    try {
      forEachLine(file, (line, i, torn) => {
        if (line.trim() === '') return;
        const value = safeParse(line);
        if (isAuditRecord(value)) fn(value);
        // A line about a rule (one that expired): not a call; readers of calls pass it by.
        else if ((value as { event?: unknown } | null)?.event === 'rule') return;
        else if (torn) warn(`skipped a torn last line in ${file} (cco was probably stopped mid-write).`);
        else warn(`skipped line ${i} of ${file}: it is not an audit record.`);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${file} (${(error as NodeJS.ErrnoException).code}); skipped it.`);
    }
  }
}

/** Every readable record of the log, oldest first, in one array (see forEachAuditRecord). */
export function readAuditRecords(dir: string, warn: (message: string) => void = () => {}): AuditRecord[] {
  const out: AuditRecord[] = [];
  forEachAuditRecord(dir, warn, (r) => out.push(r));
  return out;
}

/**
 * Records of the log, newest first (the current file from its end, then the rotated ones, newest
 * first), until `fn` returns false. Bad lines are skipped and reported as forEachAuditRecord does.
 */
export function forEachAuditRecordReverse(dir: string, warn: (message: string) => void, fn: (record: AuditRecord) => boolean | void): void {
  const files = [
    join(dir, AUDIT_FILE),
    ...rotatedFiles(dir)
      .map((f) => f.file)
      .reverse(),
  ];
  for (const file of files) {
    let stopped = false;
    try {
      forEachLineReverse(file, (line, torn) => {
        if (line.trim() === '') return;
        const value = safeParse(line);
        if (isAuditRecord(value)) {
          if (fn(value) === false) return !(stopped = true);
        } else if ((value as { event?: unknown } | null)?.event === 'rule') {
          // A line about a rule (one that expired): not a call; readers of calls pass it by.
        } else if (torn) warn(`skipped a torn last line in ${file} (cco was probably stopped mid-write).`);
        else warn(`skipped a line of ${file}: it is not an audit record.`);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${file} (${(error as NodeJS.ErrnoException).code}); skipped it.`);
    }
    if (stopped) return;
  }
}

/**
 * The last `max` (> 0) calls of the log that pass `keep`, oldest first: what an EntryWindow over
 * the whole log returns, read from the end. Stops once it has them and every decision it read has
 * met its request, so `cco log` costs what it shows, not the log's size.
 */
export function lastEntries(dir: string, max: number, keep: (e: LogEntry) => boolean, warn: (message: string) => void): LogEntry[] {
  // Decisions read (newest first) whose request is further back; each with its place in the log.
  const decisions = new Map<string, { record: AuditRecord; seq: number }>();
  const found: Array<{ entry: LogEntry; seq: number }> = [];
  let seq = 0;
  let kept = 0;
  forEachAuditRecordReverse(dir, warn, (r) => {
    seq--;
    if (r.event === 'decision') {
      // A second decision for one id (should not happen) pairs like the forward reader: the
      // newer one stands alone.
      const newer = decisions.get(r.id);
      if (newer) {
        const alone: LogEntry = { id: r.id, decision: newer.record };
        if (keep(alone)) found.push({ entry: alone, seq: newer.seq });
      }
      decisions.set(r.id, { record: r, seq });
    } else {
      const d = decisions.get(r.id);
      decisions.delete(r.id);
      const entry: LogEntry = d ? { id: r.id, request: r, decision: d.record } : { id: r.id, request: r };
      if (keep(entry)) {
        found.push({ entry, seq });
        kept++;
      }
    }
    return !(kept >= max && decisions.size === 0);
  });
  // Decisions whose request was never found (rotated away) stand alone, at their own place.
  for (const { record, seq: at } of decisions.values()) {
    const entry: LogEntry = { id: record.id, decision: record };
    if (keep(entry)) found.push({ entry, seq: at });
  }
  return found
    .sort((a, b) => a.seq - b.seq)
    .slice(-max)
    .map((f) => f.entry);
}

/** The JSON value of a line, or undefined when it is not JSON. */
export function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The last `max` asks of the log (calls that waited for someone and were decided), oldest first,
 * for replaying a candidate rule. Read as a stream; at most about `2 × max` entries are held.
 */
export function recentAsks(dir: string, max: number, warn: (m: string) => void = () => {}): LogEntry[] {
  // From the end of the log: it runs in the server's process (the console's A), so its cost is
  // the asks it returns, not the size of the whole history.
  return lastEntries(dir, max, isAsk, warn);
}
