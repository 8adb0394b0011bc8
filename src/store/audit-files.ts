/**
 * The audit log's files: `audit.jsonl` is the current one; older ones are `audit-<stamp>.jsonl`,
 * rotated whole and removed by retention (by age, then by the total size).
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const AUDIT_FILE = 'audit.jsonl';
const ROTATED = /^audit-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(?:-\d+)?\.jsonl$/;

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
