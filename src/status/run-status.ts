import { request } from 'node:http';
import { statusText, type StatusView } from '../core/status-line.js';
import { ccoPaths } from '../store/paths.js';
import { processAlive, readServerFile } from '../store/server-file.js';

export interface StatusFlags {
  json?: boolean;
  tmux?: boolean;
}

/** Longest wait for the server's answer: a status line must never hang. */
const STATUS_TIMEOUT_MS = 2000;

/**
 * `cco status`: one line on the running server's waiting calls. Loads nothing but Node's own
 * modules, the server file and the pure formatter, so it can run every few seconds from a tmux
 * status line. Exit 0 with the line; exit 3 when no cco is running (with `--tmux`, an empty line
 * and exit 0, so the status line stays clean); exit 1 when the server does not answer properly.
 */
export async function runStatus(flags: StatusFlags): Promise<number> {
  const out = (line: string) => process.stdout.write(line ? `${line}\n` : '');
  const info = await readServerFile(ccoPaths().serverFile).catch(() => undefined);
  if (!info || !processAlive(info.pid)) {
    if (flags.json) out(JSON.stringify({ running: false }));
    else if (!flags.tmux) out('cco: not running (start it with `cco watch` or `cco serve`)');
    return flags.tmux ? 0 : 3;
  }
  let view: StatusView;
  try {
    view = await getStatus(info.url, info.token);
  } catch (error) {
    if (flags.json) out(JSON.stringify({ running: true, error: (error as Error).message }));
    else if (flags.tmux) out('cco ?');
    else process.stderr.write(`cco: the server at ${info.url} did not answer: ${(error as Error).message}\n`);
    return 1;
  }
  if (flags.json) out(JSON.stringify({ running: true, ...view }));
  else out(statusText(view, flags.tmux ? 'tmux' : 'plain'));
  return 0;
}

function getStatus(url: string, token: string): Promise<StatusView> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/status`, { headers: { authorization: `Bearer ${token}` }, timeout: STATUS_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) req.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        try {
          const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusView;
          if (typeof v.pending !== 'number') throw new Error('not a status');
          resolve(v);
        } catch {
          reject(new Error('not a status answer'));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${STATUS_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
