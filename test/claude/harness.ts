/**
 * One isolated world for a test against the real Claude Code CLI: a temp folder holding the
 * agent's working directory, Claude's HOME and config dir, and cco's CCO_HOME; a fake Anthropic
 * API playing a script; the built `cco serve` on port 0. Nothing leaves loopback: Claude talks
 * to the fake API, everything optional is switched off, and the HTTP(S) proxy is the fake too,
 * so a request meant for another host is recorded (and refused) instead of sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { inject, onTestFinished } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { BIN, cco, startServe, type Run, type Served } from '../commands/cco-process.js';
import { startFakeAnthropic, type FakeAnthropic, type Step } from './fake-anthropic.js';

export interface PendingCall {
  id: string;
  toolName: string;
  input: Record<string, unknown>;
  agentLabel: string;
  agent: { name?: string; cwd?: string; client?: { name: string; version?: string }; route?: string; conversationId?: string; permissionMode?: string };
}

export interface AuditEvent {
  event: string;
  id: string;
  tool: string;
  input: Record<string, unknown>;
  agent?: string;
  agentLabel?: string;
  cwd?: string;
  client?: { name: string; version: string };
  route?: string;
  conversationId?: string;
  behavior?: string;
  decidedBy?: string;
  message?: string;
}

export interface World {
  /** The agent's working directory (claude's cwd). */
  work: string;
  ccoHome: string;
  env: NodeJS.ProcessEnv;
  api: FakeAnthropic;
  cco?: Served;
  /** Start `cco serve --port 0` with these extra flags (after `cco rules add` etc. ran). */
  serve(...args: string[]): Promise<Served>;
  /** Run the built cco to the end in this world. */
  ccoRun(...args: string[]): Promise<Run>;
  /** Start `claude <args>` (or `cco run …` when `via` is 'cco') in `work`. */
  claude(args: string[], opts?: { via?: 'cco'; env?: NodeJS.ProcessEnv }): Claude;
  pending(): Promise<PendingCall[]>;
  decide(id: string, action: 'approve' | 'deny', body?: Record<string, unknown>): Promise<unknown>;
  audit(): AuditEvent[];
}

export interface Claude {
  child: ChildProcess;
  output(): string;
  done: Promise<Run>;
}

/** The claude binary the global setup installed (test/claude/global-setup.ts). */
export const claudeBin = (): string => inject('claudeBin');

/** Poll `check` until it returns something truthy; no fixed sleeps. */
export async function until<T>(check: () => T | Promise<T>, what: string | (() => string), timeoutMs = 30_000, everyMs = 50): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A world whose model plays `script` (a function gets the working directory, for absolute paths). */
export async function createWorld(script: Step[] | ((work: string) => Step[])): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'cco-claude-'));
  const work = join(root, 'work');
  const home = join(root, 'home');
  const ccoHome = join(root, 'cco');
  const tmp = join(root, 'tmp');
  for (const d of [work, home, ccoHome, tmp]) mkdirSync(d, { recursive: true });
  const api = await startFakeAnthropic(typeof script === 'function' ? script(work) : script);

  const { PORT: _p, CCO_CONFIG_PATH: _c, CCO_DEBUG: _d, ...base } = process.env;
  const stripped = Object.fromEntries(Object.entries(base).filter(([k]) => !/^(ANTHROPIC_|CLAUDE_|MCP_|OTEL_)/.test(k) && !/_proxy$/i.test(k)));
  const env: NodeJS.ProcessEnv = {
    ...stripped,
    PATH: `${dirname(claudeBin())}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TMPDIR: tmp,
    CCO_HOME: ccoHome,
    NO_COLOR: '1',
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    HTTP_PROXY: api.url,
    HTTPS_PROXY: api.url,
    NO_PROXY: '127.0.0.1,localhost',
  };

  const children: ChildProcess[] = [];
  const world: World = {
    work,
    ccoHome,
    env,
    api,
    async serve(...args) {
      world.cco = await startServe(ccoHome, 15_000, args, env);
      return world.cco;
    },
    ccoRun: (...args) => cco(args, ccoHome, 60_000, { env, cwd: work }),
    claude(args, opts = {}) {
      const [file, argv] = opts.via === 'cco' ? [process.execPath, [BIN, ...args]] : [claudeBin(), args];
      const child = spawn(file, argv, { cwd: work, env: { ...env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const done = new Promise<Run>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
      });
      return { child, output: () => `${out}${err}`, done };
    },
    async pending() {
      const client = await ApiClient.fromServerFile(join(ccoHome, 'server.json'));
      return (await client.request<{ pending: PendingCall[] }>('GET', '/api/pending')).pending;
    },
    async decide(id, action, body = {}) {
      const client = await ApiClient.fromServerFile(join(ccoHome, 'server.json'));
      return client.request('POST', `/api/pending/${id}/${action}`, body);
    },
    audit() {
      try {
        return readFileSync(join(ccoHome, 'audit.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AuditEvent);
      } catch {
        return [];
      }
    },
  };

  onTestFinished(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await world.cco?.stop();
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });
  return world;
}

/** The `claude -p` flags every scenario uses: JSON result, a fixed model, no session files kept. */
export const PRINT = ['--output-format', 'json', '--model', 'claude-sonnet-4-5', '--no-session-persistence'];

/** The JSON `claude -p --output-format json` printed. */
export function resultOf(run: Run): { result?: string; is_error?: boolean; permission_denials?: Array<{ tool_name: string; tool_input: unknown }> } {
  try {
    return JSON.parse(run.stdout) as ReturnType<typeof resultOf>;
  } catch {
    throw new Error(`claude printed no JSON result (exit ${run.code}):\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
}
