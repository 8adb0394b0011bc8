/**
 * The headless output of `cco serve`: how to use it, one line per waiting call and per decision on
 * stdout, until a signal stops it.
 */
import type { Broker } from '../core/broker.js';
import { formatDuration } from '../core/duration.js';
import { escapeText } from '../core/escape.js';
import { agentLabel, oneLine, summarizeInput } from '../core/summary.js';
import type { BrokerEvent, PendingCall } from '../core/types.js';
import { VERSION } from '../version.js';
import type { Http } from './http.js';
import { signalMessage } from './stop.js';

/** One readable line per event for `cco serve`. */
export function eventLine(e: BrokerEvent): string | undefined {
  const time = new Date(e.type === 'request' ? e.at : e.decision.at).toTimeString().slice(0, 8);
  if (e.type === 'request') {
    if (e.autoDecided) return undefined; // the decision line says it all
    return `${time}  waiting  ${escapeText(e.id)}  ${agentLabel(e.call.agent)}  ${oneLine(e.call.toolName, 60)}  ${summarizeInput(e.call, 100)}`;
  }
  const d = e.decision;
  const who = d.decidedBy === 'user' ? `by ${d.person !== undefined ? escapeText(d.person) : 'user'}` : `by ${escapeText(d.decidedBy)}`;
  const what = d.behavior === 'allow' ? (d.edited ? 'allowed (edited input)' : 'allowed') : 'denied';
  return `${time}  ${what.padEnd(7)}  ${escapeText(e.id)}  ${agentLabel(e.call.agent)}  ${oneLine(e.call.toolName, 60)}  ${summarizeInput(e.call, 60)}  ${who}, waited ${formatDuration(e.waitMs)}`;
}

/** What either output (headless or the console) runs with. */
export interface OutputRun {
  broker: Broker;
  http: Http;
  stopped: Promise<NodeJS.Signals>;
  /** Close every part, telling waiting calls `reason`. */
  stop: (reason: string) => Promise<void>;
}

export interface HeadlessRun extends OutputRun {
  hasToken: boolean;
}

/** Print, until a signal; then stop. Returns the calls that were still waiting (and so were denied). */
export async function runHeadless(run: HeadlessRun): Promise<readonly PendingCall[]> {
  printBanner(run.http, run.hasToken);
  printEvents(run.broker);
  const sig = await run.stopped;
  const waiting = run.broker.snapshot().pending;
  await run.stop(signalMessage(sig));
  return waiting;
}

function printBanner({ server, askedPort }: Http, hasToken: boolean): void {
  process.stdout.write(`cco ${VERSION} listening on ${server.mcpUrl}\n`);
  process.stdout.write(
    `Register it with Claude Code once: \`cco setup\` (with the timeout that lets a person take their time${hasToken ? ' and the token header' : ''}), then run agents with \`cco run -- -p "task"\`.\n`,
  );
  if (askedPort === 0) {
    process.stdout.write(
      `warning: port ${new URL(server.mcpUrl).port} was picked at random (--port 0). A registration made now stops working when cco restarts on another port; \`cco run\` finds the running server by itself.\n`,
    );
  }
  process.stdout.write('Decide waiting calls with `cco pending`, `cco approve <id>`, `cco deny <id> -m "why"`. Ctrl-C stops.\n');
}

/**
 * One write per turn of the event loop, not one per line: a burst of auto-decided calls would
 * otherwise spend more time in write(2) than in deciding. Left on to the end, so the denials of
 * cco's stop are printed too.
 */
function printEvents(broker: Broker): void {
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
}
