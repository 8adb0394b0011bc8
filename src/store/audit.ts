/**
 * The audit log on disk: JSON Lines, append-only, in cco's state folder. `audit.jsonl` is the
 * current file; older ones are `audit-<stamp>.jsonl`, rotated whole and removed by retention.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isSymlinkError, openAppendNoFollow } from './own-files.js';
import { EntryWindow, interruptedRecord, isAuditRecord, toDecidedCalls, type AuditRecord, type LogEntry, type RuleAuditRecord } from '../core/audit.js';
import { isAsk } from '../core/replay.js';

export const AUDIT_FILE = 'audit.jsonl';
const ROTATED = /^audit-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(?:-\d+)?\.jsonl$/;

/** Why the audit log could not be written; says what and how to fix it. */
export class AuditWriteError extends Error {
  override name = 'AuditWriteError';
}

export interface AuditLogOptions {
  dir: string;
  now?: () => number;
  /** Rotate the current file when it passes this size. */
  maxFileBytes?: number;
  /** Rotate the current file at start-up when its first line is older than this. */
  maxFileAgeMs?: number;
  /** Told when writing starts failing (a message) and when it works again (undefined). */
  onProblem?: (message: string | undefined) => void;
}

/** The writer. `append` is synchronous on an open descriptor, so a decision is on disk before it is answered. */
export class AuditLog {
  readonly file: string;
  private fd: number | undefined;
  private size = 0;
  private problem: string | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: AuditLogOptions) {
    this.file = join(opts.dir, AUDIT_FILE);
    this.now = opts.now ?? Date.now;
  }

  /** Write one line. Throws AuditWriteError when it cannot; the next append tries again. */
  append(record: AuditRecord | RuleAuditRecord): void {
    this.appendAll([record]);
  }

  /** Write several lines with one write. Throws AuditWriteError when it cannot. */
  appendAll(records: readonly (AuditRecord | RuleAuditRecord)[]): void {
    let text = '';
    for (const r of records) text += `${JSON.stringify(r)}\n`;
    const line = Buffer.from(text, 'utf8');
    try {
      const fd = this.open();
      writeAll(fd, line);
      this.size += line.length;
      if (this.problem !== undefined) {
        this.problem = undefined;
        this.opts.onProblem?.(undefined);
      }
    } catch (error) {
      this.closeFd();
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      const message = isSymlinkError(error)
        ? `cannot write the audit log ${this.file}: it is a symbolic link, and cco does not write its audit log through a link. Remove it (\`rm ${this.file}\`); cco keeps trying.`
        : `cannot write the audit log ${this.file} (${code}). ` +
          (code === 'ENOSPC' ? 'Free some disk space' : 'Check that the folder exists and is writable') +
          '; cco keeps trying.';
      if (this.problem !== message) {
        this.problem = message;
        this.opts.onProblem?.(message);
      }
      throw new AuditWriteError(message, { cause: error });
    }
  }

  /** Rotation and retention; runs at start-up and on a timer, never on a decision's path. */
  maintain(retentionMs: number, retentionBytes: number): { rotated?: string; removed: string[] } {
    const result: { rotated?: string; removed: string[] } = { removed: [] };
    try {
      if (this.shouldRotate()) {
        this.closeFd();
        const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
        let target = join(this.opts.dir, `audit-${stamp}.jsonl`);
        for (let n = 1; exists(target); n++) target = join(this.opts.dir, `audit-${stamp}-${n}.jsonl`);
        renameSync(this.file, target);
        result.rotated = target;
      }
      result.removed = removeExpired(this.opts.dir, this.now(), retentionMs, retentionBytes);
    } catch {
      // Housekeeping that fails is retried at the next run; it never stops cco.
    }
    return result;
  }

  close(): void {
    this.closeFd();
  }

  private shouldRotate(): boolean {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return false;
    }
    if (size === 0) return false;
    if (size >= (this.opts.maxFileBytes ?? 10_000_000)) return true;
    const first = firstLine(this.file);
    const t = first ? Date.parse((safeParse(first) as { time?: string } | undefined)?.time ?? '') : NaN;
    return Number.isFinite(t) && this.now() - t > (this.opts.maxFileAgeMs ?? 86_400_000);
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    mkdirSync(this.opts.dir, { recursive: true, mode: 0o700 });
    const fd = openAppendNoFollow(this.file, 0o600);
    try {
      this.size = fstatSync(fd).size;
      // A line torn by a crash must not swallow the next one: finish it first.
      if (this.size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, this.size - 1);
        if (last[0] !== 0x0a) {
          writeAll(fd, Buffer.from('\n'));
          this.size++;
        }
      }
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    return fd;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone.
    }
    this.fd = undefined;
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The first line of a file, read in chunks up to its newline (a line may be megabytes long). */
function firstLine(file: string): string | undefined {
  let line: string | undefined;
  forEachLine(file, (text) => {
    line = text;
    return false;
  });
  return line;
}

const CHUNK = 64 * 1024;

/**
 * Calls `fn` with each line of `file` (without its newline), oldest first, reading 64 KiB at a
 * time: memory holds one chunk and the current line, however large the file. `torn` is set for a
 * last line without a newline. `fn` returns false to stop. Throws what opening the file throws.
 */
export function forEachLine(file: string, fn: (line: string, lineNo: number, torn: boolean) => boolean | void): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let parts: Buffer[] = [];
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let start = 0;
      for (let nl = buf.indexOf(0x0a, 0); nl >= 0 && nl < n; nl = buf.indexOf(0x0a, start)) {
        const piece = buf.subarray(start, nl);
        const text = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8');
        parts = [];
        start = nl + 1;
        if (fn(text, ++lineNo, false) === false) return;
      }
      // The rest of the chunk begins a line that goes on in the next one: keep a copy.
      if (start < n) parts.push(Buffer.from(buf.subarray(start, n)));
    }
    if (parts.length > 0) fn(Buffer.concat(parts).toString('utf8'), ++lineNo, true);
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `fn` with each line of `file`, newest (last) first, reading 64 KiB at a time from the end:
 * the cost is what is read, not the file's size. `torn` is set for a last line without a newline.
 * `fn` returns false to stop. Throws what opening the file throws.
 */
export function forEachLineReverse(file: string, fn: (line: string, torn: boolean) => boolean | void): void {
  const fd = openSync(file, 'r');
  try {
    let pos = fstatSync(fd).size;
    // The start of the line being assembled: the bytes before the newest newline not yet handed out.
    let carry = Buffer.alloc(0);
    // The first piece found is what follows the file's last newline: empty, or a torn last line.
    let first = true;
    let newline = false;
    while (pos > 0) {
      const n = Math.min(CHUNK, pos);
      pos -= n;
      const chunk = Buffer.alloc(n);
      readSync(fd, chunk, 0, n, pos);
      const data = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      let end = data.length;
      for (let nl = data.lastIndexOf(0x0a, end - 1); nl >= 0; nl = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1) {
        const line = data.subarray(nl + 1, end);
        end = nl;
        newline = true;
        const torn = first;
        first = false;
        if (torn && line.length === 0) continue;
        if (fn(line.toString('utf8'), torn) === false) return;
      }
      carry = Buffer.from(data.subarray(0, end));
    }
    // The file's first line: before its first newline (torn when the file has none).
    if (carry.length > 0 || newline) fn(carry.toString('utf8'), first);
  } finally {
    closeSync(fd);
  }
}

/**
 * Records of the log, newest first (the current file from its end, then the rotated ones, newest
 * first), until `fn` returns false. Bad lines are skipped and reported as forEachAuditRecord does.
 */
export function forEachAuditRecordReverse(dir: string, warn: (message: string) => void, fn: (record: AuditRecord) => boolean | void): void {
  const files = [join(dir, AUDIT_FILE), ...rotatedFiles(dir).map((f) => f.file).reverse()];
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
  return found.sort((a, b) => a.seq - b.seq).slice(-max).map((f) => f.entry);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Rotated files, oldest first, with the time each was rotated (its newest line is older). */
export function rotatedFiles(dir: string): Array<{ file: string; rotatedAt: number }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => {
      const m = ROTATED.exec(name);
      if (!m) return undefined;
      const iso = m[1]!.replace(/^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/, '$1:$2:$3.$4Z');
      return { file: join(dir, name), rotatedAt: Date.parse(iso) };
    })
    .filter((f): f is { file: string; rotatedAt: number } => f !== undefined && Number.isFinite(f.rotatedAt))
    .sort((a, b) => a.rotatedAt - b.rotatedAt || a.file.localeCompare(b.file));
}

/**
 * Delete rotated files whose newest line is older than `retentionMs`, then the oldest ones while
 * all files together exceed `retentionBytes`. The current file is never deleted.
 */
export function removeExpired(dir: string, now: number, retentionMs: number, retentionBytes: number): string[] {
  const removed: string[] = [];
  const files = rotatedFiles(dir).map((f) => ({ ...f, size: sizeOf(f.file) }));
  let total = sizeOf(join(dir, AUDIT_FILE)) + files.reduce((n, f) => n + f.size, 0);
  for (const f of files) {
    if (now - f.rotatedAt > retentionMs || total > retentionBytes) {
      try {
        unlinkSync(f.file);
        removed.push(f.file);
        total -= f.size;
      } catch {
        // Try again at the next run.
      }
    }
  }
  return removed;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

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
 * Start-up: close the calls a previous cco left waiting (a decision line `interrupted` each, so
 * the log and the console agree) and return the recent history to show. The log is read as a
 * stream; only the last `historySize` decided calls and the waiting ones are held.
 */
export function recoverAudit(log: AuditLog, dir: string, now: number, historySize: number, warn: (m: string) => void) {
  const window = new EntryWindow(historySize);
  forEachAuditRecord(dir, warn, (r) => window.add(r));
  const entries: LogEntry[] = window.entries();
  const byRequest = new Map(entries.filter((e) => e.request && !e.decision).map((e) => [e.request, e]));
  const interrupted: AuditRecord[] = [];
  for (const request of window.waiting()) {
    const line = interruptedRecord(request, now);
    const entry = byRequest.get(request);
    if (entry) entry.decision = line;
    interrupted.push(line);
    try {
      log.append(line);
    } catch {
      // onProblem has said why; the console still shows the call as interrupted.
    }
  }
  return { history: toDecidedCalls(entries, historySize), interrupted };
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
