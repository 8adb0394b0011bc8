/**
 * The composition root of `cco serve` and `cco watch`: the only place that wires the broker,
 * the HTTP server, the server file and the console together.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, statSync, writeSync } from 'node:fs';
import { Broker } from '../core/broker.js';
import { formatDuration } from '../core/duration.js';
import { makeIdGenerator } from '../core/ids.js';
import { AlertBoard } from '../core/alerts.js';
import { hookAgents, StatusBoard } from '../core/console-status.js';
import { escapeLines, escapeText } from '../core/escape.js';
import { agentLabel, oneLine, summarizeInput } from '../core/summary.js';
import { auditRecord, expiredBetween, ruleExpiredRecord } from '../core/audit.js';
import { AuditLog, recentAsks, recoverAudit } from '../store/audit.js';
import { withPastAsks } from '../core/console-source.js';
import type { Grant } from '../core/grant.js';
import type { BrokerEvent, PendingCall } from '../core/types.js';
import { startServer } from '../server/listen.js';
import { requireTokenOffLoopback } from '../server/security.js';
import { compileRules, toPolicy } from '../core/rules/index.js';
import { homedir } from 'node:os';
import { ccoPaths } from '../store/paths.js';
import { checkOwnFiles, openAppendNoFollow, ownFilesProblem, protectedPaths } from '../store/own-files.js';
import { guardPolicy, selfGuard } from '../core/self-guard.js';
import { SettingsStore, type Settings } from '../store/settings.js';
import { processAlive, readServerFile, removeServerFile, writeServerFile } from '../store/server-file.js';
import { UserError } from '../core/errors.js';
import { VERSION } from '../version.js';
import type { ServerCliOptions } from './server-options.js';
import { realPath } from '../store/real-path.js';
import { alwaysAllow } from './always-allow.js';

export interface RunServerOptions extends ServerCliOptions {
  console: boolean;
}

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

function fileLog(file: string): Log {
  return (level, message) => {
    try {
      // Never through a symlink put in its place.
      const fd = openAppendNoFollow(file, 0o600);
      try {
        writeSync(fd, `${new Date().toISOString()} ${level} ${message}\n`);
      } finally {
        closeSync(fd);
      }
    } catch {
      // The log is a convenience; failing to write it must never disturb a decision.
    }
  };
}

// Messages can quote agent text (a saved pattern, an error about a call): escaped line by line.
const stderrLog: Log = (level, message) => process.stderr.write(`cco ${level}: ${escapeLines(message)}\n`);

const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/** One readable line per event for `cco serve`. */
export function eventLine(e: BrokerEvent): string | undefined {
  const time = new Date(e.type === 'request' ? e.at : e.decision.at).toTimeString().slice(0, 8);
  if (e.type === 'request') {
    if (e.autoDecided) return undefined; // the decision line says it all
    return `${time}  waiting  ${escapeText(e.id)}  ${agentLabel(e.call.agent)}  ${oneLine(e.call.toolName, 60)}  ${summarizeInput(e.call, 100)}`;
  }
  const d = e.decision;
  const who = d.decidedBy === 'user' ? 'by user' : `by ${escapeText(d.decidedBy)}`;
  const what = d.behavior === 'allow' ? (d.edited ? 'allowed (edited input)' : 'allowed') : 'denied';
  return `${time}  ${what.padEnd(7)}  ${escapeText(e.id)}  ${agentLabel(e.call.agent)}  ${oneLine(e.call.toolName, 60)}  ${summarizeInput(e.call, 60)}  ${who}, waited ${formatDuration(e.waitMs)}`;
}

export async function runServer(opts: RunServerOptions): Promise<void> {
  const paths = ccoPaths();
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  // Whoever can write cco's folders can change its rules or read its token: refuse to start.
  checkOwnFiles(paths);
  const log = opts.console ? fileLog(paths.logFile) : stderrLog;
  const alerts = new AlertBoard();
  const onError = (e: unknown) => log('error', errorText(e));

  // Two servers on one state folder would clobber each other's server file and mark each other's
  // waiting calls as interrupted in the shared audit log.
  const other = await readServerFile(paths.serverFile).catch(() => undefined);
  if (other && other.pid !== process.pid && processAlive(other.pid)) {
    throw new UserError(
      `Another cco (pid ${other.pid}) is already running at ${other.url} with the state folder ${paths.stateDir}. ` +
        'Use that one (`cco pending`), stop it, or give this one its own folder with CCO_HOME=/some/dir.',
    );
  }

  // A broken config file stops the start: better than running with rules the user did not mean.
  const store = new SettingsStore(paths.configFile);
  const settings = store.read();
  // A configured token guards /mcp (required off loopback); the API always has its own token.
  const token = opts.token ?? settings.token;
  if (token && !opts.token) checkPrivate(store.file);
  requireTokenOffLoopback(opts.host, token);
  const home = homedir();
  // cco's own files are off limits to agents, whatever the rules say: the guard runs first.
  const guard = selfGuard({ protected: protectedPaths(paths), homeDir: home });
  const policyOf = (s: Settings) => guardPolicy(toPolicy(compileRules(s.rules, { homeDir: home, defaultAction: s.defaultAction, realPath, now: () => Date.now() })), guard);
  let current = settings;
  const status = new StatusBoard({ agents: 0, defaultAction: settings.defaultAction, rules: 0 });
  const statusOf = (s: Settings) => ({ defaultAction: s.defaultAction, rules: s.rules.filter((r) => r.enabled !== false).length });
  status.set(statusOf(settings));

  // The audit log: every request and decision, written before the answer goes out.
  let retention = { ms: settings.retentionMs, bytes: settings.retentionBytes };
  const audit = new AuditLog({
    dir: paths.stateDir,
    onProblem: (message) => {
      if (message === undefined) {
        log('info', 'the audit log can be written again');
        alerts.clear('audit');
        return;
      }
      log('error', message);
      alerts.set('audit', `Audit log not written: ${message}`);
    },
  });
  audit.maintain(retention.ms, retention.bytes);
  const recovered = recoverAudit(audit, paths.stateDir, Date.now(), 200, (m) => log('warn', `audit log: ${m}`));
  if (recovered.interrupted.length > 0) {
    log('warn', `${recovered.interrupted.length} call(s) were still waiting when the previous cco stopped; logged as interrupted.`);
  }
  const housekeeping = setInterval(() => audit.maintain(retention.ms, retention.bytes), 10 * 60_000);
  housekeeping.unref();
  // Scoped rules stop matching on their own (the engine reads the clock); this puts a line in the
  // audit log when one ends while cco runs.
  let sweptTo = Date.now();
  const sweep = setInterval(() => {
    const now = Date.now();
    const ended = expiredBetween(current.rules, sweptTo, now);
    sweptTo = now;
    if (ended.length === 0) return;
    try {
      audit.appendAll(ended.map((r) => ruleExpiredRecord(r, now)));
    } catch {
      // onProblem has said why.
    }
    for (const r of ended) log('info', `rule ${r.id} (${escapeText(r.pattern)}) expired`);
  }, 5_000);
  sweep.unref();

  const broker = new Broker({
    newId: makeIdGenerator(pooledRandomBytes()),
    timeoutMs: opts.timeout ?? settings.timeoutMs,
    timeoutAction: settings.timeoutAction,
    policy: policyOf(settings),
    onError,
    auditBatch: (events) => audit.appendAll(events.map((e) => auditRecord(e, agentLabel(e.call.agent)))),
    auditRequired: settings.auditRequired,
  });
  broker.seedHistory(recovered.history);
  const stopWatching = store.watch((result) => {
    const unsafe = result.ok ? ownFilesProblem(paths) : undefined;
    if (unsafe !== undefined) {
      log('error', `config not reloaded: ${unsafe} The last good rules stay active; fix it, then save the config again.`);
      alerts.set('config', `Config not reloaded, last good rules still active: ${unsafe}`);
    } else if (result.ok) {
      try {
        broker.setPolicy(policyOf(result.settings));
        broker.setTimeouts(opts.timeout ?? result.settings.timeoutMs, result.settings.timeoutAction);
        broker.setAuditRequired(result.settings.auditRequired);
        retention = { ms: result.settings.retentionMs, bytes: result.settings.retentionBytes };
        current = result.settings;
        status.set(statusOf(result.settings));
        log('info', `config reloaded: ${result.settings.rules.length} rules, default ${result.settings.defaultAction}`);
        alerts.clear('config');
      } catch (error) {
        onError(error);
      }
    } else {
      log('error', `${result.error.message} The last good rules stay active.`);
      alerts.set('config', `Config file broken, last good rules still active: ${result.error.problem}`);
    }
  });
  // The decision API gets its own token, fresh at each start: agents are given the /mcp token (in
  // their MCP registration), and holding it must not let them approve their own calls.
  const apiToken = randomBytes(32).toString('base64url');
  const server = await startServer({
    broker,
    apiToken,
    ...(token ? { mcpToken: token } : {}),
    ...(opts.allowHost ? { allowedHosts: opts.allowHost } : {}),
    host: opts.host,
    port: opts.port ?? settings.port,
    version: VERSION,
    progressIntervalMs: opts.progressInterval,
    // Claude Code does not start a new session after a 404 on its own: its cco calls then fail
    // until it restarts. So only sessions with no open stream and a day without a request go.
    sessionIdleMs: 24 * 60 * 60_000,
    onError,
  });
  await writeServerFile(paths.serverFile, {
    url: server.url,
    mcpUrl: server.mcpUrl,
    pid: process.pid,
    token: apiToken,
    ...(token ? { mcpToken: token } : {}),
    startedAt: new Date().toISOString(),
    version: VERSION,
  });

  // Agents come and go without telling us; a once-a-second look is cheap and enough for a header
  // (only the console shows it).
  const agentsPoll = opts.console ? setInterval(() => status.set({ agents: server.connected() + hookAgents(broker.snapshot(), Date.now()) }), 1000) : undefined;
  agentsPoll?.unref();

  let stopping: Promise<void> | undefined;
  const stop = (message: string) => {
    stopping ??= (async () => {
      stopWatching();
      clearInterval(agentsPoll);
      clearInterval(housekeeping);
      clearInterval(sweep);
      broker.shutdown(message);
      await server.close();
      audit.close();
      await removeServerFile(paths.serverFile).catch(onError);
    })();
    return stopping;
  };
  const stoppedBySignal = new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve(sig));
  });
  const signalMessage = (sig: string) =>
    `cco stopped (${sig}) before anyone decided this call, so it was denied. Retry when cco is running again.`;

  if (!opts.console) {
    process.stdout.write(`cco ${VERSION} listening on ${server.mcpUrl}\n`);
    process.stdout.write(
      `Register it with Claude Code once: \`cco setup\` (with the timeout that lets a person take their time${token ? ' and the token header' : ''}), then run agents with \`cco run -- -p "task"\`.\n`,
    );
    if ((opts.port ?? settings.port) === 0) {
      process.stdout.write(
        `warning: port ${new URL(server.mcpUrl).port} was picked at random (--port 0). A registration made now stops working when cco restarts on another port; \`cco run\` finds the running server by itself.\n`,
      );
    }
    process.stdout.write('Decide waiting calls with `cco pending`, `cco approve <id>`, `cco deny <id> -m "why"`. Ctrl-C stops.\n');
    // One write per turn of the event loop, not one per line: a burst of auto-decided calls
    // would otherwise spend more time in write(2) than in deciding.
    let lines = '';
    const flushLines = () => {
      process.stdout.write(lines);
      lines = '';
    };
    broker.onEvent((e) => {
      const line = eventLine(e);
      if (!line) return;
      if (lines === '') setImmediate(flushLines);
      lines += `${line}\n`;
    });
    const sig = await stoppedBySignal;
    const waiting = broker.snapshot().pending;
    await stop(signalMessage(sig));
    process.stdout.write(`${stoppedLine(waiting)}\n`);
  } else {
    const { runConsole } = await import('../tui/run.js');
    const restoreConsole = redirectConsole(log);
    let waiting: readonly PendingCall[];
    try {
      const ended = await runConsole({
        source: withPastAsks(broker, (limit) => recentAsks(paths.stateDir, limit, (m) => log('warn', `audit log: ${m}`))),
        alerts,
        status,
        bell: () => current.bell,
        onAlwaysAllow: async (grant: Grant) => {
          const { rule, allowed } = await alwaysAllow(grant, { store, broker, policyOf });
          log('info', `always allow: saved ${rule.id} ${escapeText(grant.pattern)} (${grant.scope}); allowed ${allowed.length} other waiting call(s)`);
          return { id: rule.id };
        },
        info: { url: server.mcpUrl, version: VERSION },
        stopSignal: stoppedBySignal,
      });
      waiting = broker.snapshot().pending;
      await stop(
        ended === 'quit'
          ? 'The cco console was closed before anyone decided this call, so it was denied. Retry when cco is running again.'
          : signalMessage(ended),
      );
    } finally {
      restoreConsole();
    }
    process.stdout.write(`${stoppedLine(waiting)}\n`);
  }
  // Everything is closed; if some handle still keeps the process alive, do not hang the terminal.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
}

/** The one line printed when cco stops: what it denied on the way out. */
export function stoppedLine(waiting: readonly PendingCall[]): string {
  if (waiting.length === 0) return 'cco stopped; no call was waiting.';
  const shown = waiting.slice(0, 3).map((p) => `${p.id} ${oneLine(p.call.toolName, 40)} ${oneLine(summarizeInput(p.call, 60), 60)}`);
  const more = waiting.length > shown.length ? `, and ${waiting.length - shown.length} more` : '';
  return `cco stopped; denied ${waiting.length} waiting ${waiting.length === 1 ? 'call' : 'calls'}: ${shown.join(', ')}${more}.`;
}

/** A token in a file others can read is no secret: refuse, as ssh does with a private key. */
function checkPrivate(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new UserError(
      `The config file ${file} holds a token but other users can read it (mode ${mode.toString(8)}). Run \`chmod 600 ${file}\` and start cco again.`,
    );
  }
}

/** `randomBytes(n)` served from a 4 KiB pool: one call into the system per ~680 call ids, not one each. */
function pooledRandomBytes(): (n: number) => Uint8Array {
  let pool = randomBytes(4096);
  let used = 0;
  return (n) => {
    if (used + n > pool.length) {
      pool = randomBytes(Math.max(4096, n));
      used = 0;
    }
    used += n;
    return pool.subarray(used - n, used);
  };
}

/** While Ink owns the terminal, console output from libraries goes to the log file. */
function redirectConsole(log: Log): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const to = (level: 'info' | 'warn' | 'error') => (...args: unknown[]) => log(level, args.map((a) => (typeof a === 'string' ? a : errorText(a))).join(' '));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('info');
  console.warn = to('warn');
  console.error = to('error');
  return () => Object.assign(console, saved);
}
