import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../../src/client/api-client.js';
import { readServerFile, type ServerInfo } from '../../src/store/server-file.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/cco.js');

/** The environment the real binary runs in: its own CCO_HOME, nothing that changes defaults. */
function ccoEnv(home: string): NodeJS.ProcessEnv {
  const { PORT: _port, CCO_CONFIG_PATH: _config, CCO_DEBUG: _debug, ...env } = process.env;
  return { ...env, CCO_HOME: home, NO_COLOR: '1' };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `cco <args>` (the built binary) to the end; stdin is a pipe, so not a TTY. */
export function cco(args: string[], home: string, timeoutMs = 10_000, extra: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...ccoEnv(home), ...extra.env },
      ...(extra.cwd ? { cwd: extra.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cco ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running `cco serve`, with what it printed so far and how it ended. */
export interface Served {
  child: ChildProcess;
  info: ServerInfo;
  serverFile: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Start `cco serve --port 0 [args]` and wait (polling) until its server file names it. */
export async function startServe(home: string, timeoutMs = 10_000, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...ccoEnv(home), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve((ended = { code, signal }))),
  );
  const serverFile = join(home, 'server.json');
  const start = Date.now();
  let info: ServerInfo | undefined;
  while (!(info = await readServerFile(serverFile)) || info.pid !== child.pid) {
    if (ended) throw new Error(`cco serve exited (${JSON.stringify(ended)}) before it was ready:\n${out}`);
    if (Date.now() - start > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`cco serve wrote no server file within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    child,
    info,
    serverFile,
    output: () => out,
    exited,
    async stop() {
      if (!ended) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Wait (polling the decision API) until the call whose Bash command is `command` is pending; its id. */
export async function pendingId(serverFile: string, command: string, timeoutMs = 10_000): Promise<string> {
  const client = await ApiClient.fromServerFile(serverFile);
  const start = Date.now();
  for (;;) {
    const { pending } = await client.request<{ pending: Array<{ id: string; input: Record<string, unknown> }> }>('GET', '/api/pending');
    const found = pending.find((p) => p.input.command === command);
    if (found) return found.id;
    if (Date.now() - start > timeoutMs) throw new Error(`no pending call for ${JSON.stringify(command)}; pending: ${JSON.stringify(pending)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
