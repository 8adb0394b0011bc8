import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

/** What is on disk where a Write would go: shown as a diff against the new content. */
export type DiskFile = { kind: 'text'; text: string } | { kind: 'absent' } | { kind: 'skipped'; why: string };

const KERNEL_DIRS = ['/proc', '/sys', '/dev'];

/** Larger files are not read (the diff view is cut at 100,000 characters anyway). */
const MAX_BYTES = 1024 * 1024;

/**
 * Read the file a Write would replace, bounded: only absolute paths, regular files up to 1 MiB,
 * text (no NUL byte). Reading never decides anything; a failure just means no diff is shown.
 */
export async function readDiskFile(path: string): Promise<DiskFile> {
  if (!isAbsolute(path)) return { kind: 'skipped', why: 'the path is not absolute' };
  // What the kernel makes up (a process's environment, its memory maps) is no file to compare
  // with, and would put the server's secrets on the screen: not read, however it is named.
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    real = path;
  }
  if (KERNEL_DIRS.some((d) => real === d || real.startsWith(`${d}/`))) return { kind: 'skipped', why: 'it is a kernel file (/proc, /sys or /dev)' };
  let handle;
  try {
    // Non-blocking: the path comes from the agent, and opening a named pipe would otherwise wait
    // for a writer forever, holding one of libuv's few file-system threads.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'skipped', why: `cannot read it (${code ?? 'error'})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'skipped', why: 'it is not a regular file' };
    if (st.size > MAX_BYTES) return { kind: 'skipped', why: `it is larger than 1 MiB (${st.size} bytes)` };
    const buf = await handle.readFile();
    if (buf.includes(0)) return { kind: 'skipped', why: 'it is a binary file' };
    return { kind: 'text', text: buf.toString('utf8') };
  } catch (e) {
    return { kind: 'skipped', why: `cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close();
  }
}
