/**
 * Reading a file line by line, from its start or from its end, 64 KiB at a time: memory holds one
 * chunk and the current line, however large the file (an audit log's line may be megabytes long).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

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

/** The first line of a file, read in chunks up to its newline (a line may be megabytes long). */
export function firstLine(file: string): string | undefined {
  let line: string | undefined;
  forEachLine(file, (text) => {
    line = text;
    return false;
  });
  return line;
}
