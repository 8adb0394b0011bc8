const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parse a duration such as `300ms`, `30s`, `5m`, `2h`, `1d` or `1h30m`. A bare number is
 * seconds. Throws with a message that shows the accepted forms.
 */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * (UNITS[m[2]!] ?? 0);
    end = re.lastIndex;
  }
  if (s.length === 0 || end !== s.length) {
    throw new Error(`Invalid duration "${text}": use a number with a unit, e.g. 30s, 5m, 2h, 1d or 1h30m.`);
  }
  return Math.round(total);
}

/** A short human form: 450ms, 12s, 5m, 1h30m, 2d. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && !d && !h ? `${s}s` : ''].filter(Boolean);
  return parts.join('');
}

/**
 * The longest a call may wait for a person: 24 h. Claude Code's own hard limit for cco (the
 * registered per-server `timeout`, CLAUDE_TOOL_TIMEOUT_MS, 25 h) is longer, so cco's explained
 * timeout denial always lands before Claude's anonymous cancel.
 */
export const MAX_WAIT_MS = 24 * 3_600_000;

/** Throws unless `ms` is a usable wait: more than zero and no longer than MAX_WAIT_MS. */
export function checkWait(ms: number, what: string): number {
  if (!(ms > 0)) throw new Error(`${what} must be more than zero.`);
  if (ms > MAX_WAIT_MS) {
    throw new Error(`${what} is too long: at most 24h, since Claude Code gives up on a call after the 25 h cco registers with it.`);
  }
  return ms;
}
