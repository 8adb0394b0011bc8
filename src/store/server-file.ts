import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { createNoFollow, refuseSymlink } from './own-files.js';

/** What a running server publishes about itself, readable by its user only (mode 0600). */
export interface ServerInfo {
  url: string;
  mcpUrl: string;
  pid: number;
  /** The decision API's token: fresh at each start, known only to this user. */
  token: string;
  /**
   * The token `/mcp` requires (a token was configured). Agents hold this one; it never opens the
   * decision API, so an agent cannot approve its own calls with it.
   */
  mcpToken?: string;
  startedAt: string;
  version: string;
}

export async function writeServerFile(file: string, info: ServerInfo): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Never through a symlink: not the file (rename would replace the link, but a link there is a
  // sign of tampering), nor the temporary file (created fresh, refusing a link in its place).
  refuseSymlink(file);
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  const handle = await createNoFollow(tmp, 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** Remove the server file if it is still ours (another cco may have started since). */
export async function removeServerFile(file: string, pid = process.pid): Promise<void> {
  const info = await readServerFile(file).catch(() => undefined);
  if (info?.pid === pid) await rm(file, { force: true });
}

export async function readServerFile(file: string): Promise<ServerInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = JSON.parse(text) as ServerInfo;
    if (typeof info.url !== 'string' || typeof info.token !== 'string') throw new Error('missing url or token');
    return info;
  } catch (error) {
    throw new UserError(`The server file ${file} is damaged (${(error as Error).message}). Restart \`cco serve\` or \`cco watch\` to rewrite it.`);
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
