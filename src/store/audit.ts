/**
 * The audit log on disk: JSON Lines, append-only, in cco's state folder. `audit.jsonl` is the
 * current file; older ones are `audit-<stamp>.jsonl`, rotated whole and removed by retention
 * (`audit-files.ts`). This is the writer and the start-up recovery; readers are in `audit-read.ts`.
 */
import { closeSync, fstatSync, mkdirSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isSymlinkError, openAppendNoFollow } from './own-files.js';
import { EntryWindow, interruptedRecord, toDecidedCalls, type AuditRecord, type LogEntry, type RuleAuditRecord } from '../core/audit.js';
import { AUDIT_FILE, removeExpired } from './audit-files.js';
import { forEachAuditRecord, safeParse } from './audit-read.js';
import { firstLine } from './lines.js';

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
