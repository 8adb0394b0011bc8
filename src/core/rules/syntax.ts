import { splitCommandDetailed } from './bash.js';
import { globMatcher, GlobSyntaxError } from './glob.js';
import { compileRuleRegex, RegexSyntaxError } from './regex.js';
import { DEFAULT_PRIORITY } from './order.js';
import { pathField } from '../tools.js';
import { nearestAgentTool } from './tools.js';
import type { ParsedPattern, PathAnchor, Rule, RuleAction } from './types.js';

/** A rule that cannot be understood. `column` (1-based) points at the problem in `source`. */
export class RuleSyntaxError extends Error {
  override name = 'RuleSyntaxError';
  constructor(
    message: string,
    readonly column: number,
    /** The text the column points into (a pattern, an agent glob, an input glob). */
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The input field holding the path a file tool touches (the catalogue, core/tools.ts); undefined for other tools. */
export { pathField };

const TOOL_NAME_CHAR = /[A-Za-z0-9_.*?-]/;
const DOMAIN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;
const GLOB_CHARS = /[*?[\]{}()!+@\\]/;

function fail(what: string, column: number, text: string, hint?: string): never {
  throw new RuleSyntaxError(`${what} at column ${column} in \`${text}\`${hint ? `: ${hint}` : ''}`, column, text);
}

/** Parses Claude Code's rule syntax. Throws RuleSyntaxError pointing at the first problem. */
export function parsePattern(text: string): ParsedPattern {
  const lead = text.length - text.trimStart().length;
  const body = text.trim();
  if (body === '') fail('expected a tool name', lead + 1, text, 'write a tool name such as `Bash` or `Read(./src/**)`');
  const open = body.indexOf('(');
  const tool = open < 0 ? body : body.slice(0, open);
  if (tool === '') fail('expected a tool name', lead + 1, text, 'a rule starts with a tool name such as `Bash`');
  for (let i = 0; i < tool.length; i++) {
    if (!TOOL_NAME_CHAR.test(tool[i] as string)) {
      fail(`unexpected \`${tool[i]}\``, lead + i + 1, text, 'a tool name is letters, digits, `_`, `-`, `.` and the wildcards `*` and `?`');
    }
  }
  if (open < 0) {
    const server = /^mcp__(.+)$/.exec(tool)?.[1];
    if (server !== undefined && !server.includes('__') && !/[*?]/.test(server)) return { kind: 'mcp-server', tool, server };
    return { kind: 'tool', tool };
  }
  const close = body.lastIndexOf(')');
  if (close < open) fail('expected `)`', lead + body.length + 1, text);
  if (close !== body.length - 1) fail(`unexpected \`${body[close + 1]}\` after \`)\``, lead + close + 2, text);
  const spec = body.slice(open + 1, close);
  const specColumn = lead + open + 2;
  // `Bash(npm test))`: one `)` too many, not a command ending in `)`.
  if (spec.endsWith(')') && !spec.includes('('))
    fail('unexpected `)` after `)`', lead + close + 1, text, `one \`)\` too many; did you mean \`${tool}(${spec.replace(/\)+$/, '')})\`?`);
  if (spec.trim() === '') {
    fail('empty specifier', specColumn, text, `write \`${tool}\` to match every call, or put something inside the parentheses`);
  }
  if (tool === 'Bash') return parseBash(spec, specColumn, text);
  if (tool === 'WebFetch') return parseDomain(spec, specColumn, text);
  if (pathField(tool) !== undefined) return parsePath(tool, spec, specColumn, text);
  const near = nearestAgentTool(tool);
  if (near !== undefined && (near === 'Bash' || near === 'WebFetch' || pathField(near) !== undefined)) {
    fail(
      `unknown tool \`${tool}\``,
      lead + 1,
      text,
      `${near.toLowerCase() === tool.toLowerCase() ? 'tool names are case-sensitive: ' : ''}did you mean \`${near}(${spec})\`?`,
    );
  }
  if (tool === 'Task') {
    fail(
      'unexpected `(`',
      lead + open + 1,
      text,
      `Claude Code's \`Task(${spec})\` is the Task tool with that sub-agent: in cco write \`Task\` with \`--input subagent_type=${spec}\` (\`cco rules import\` does this for you)`,
    );
  }
  return fail(
    `unexpected \`(\``,
    lead + open + 1,
    text,
    `\`${tool}\` takes no parentheses (only Bash, WebFetch and the file tools do); write \`${tool}\` and add an \`input\` constraint to match its arguments`,
  );
}

function parseBash(spec: string, column: number, text: string): ParsedPattern {
  const prefix = spec.endsWith(':*');
  const raw = (prefix ? spec.slice(0, -2) : spec).trim();
  if (raw === '') fail('expected a command before `:*`', column, text);
  const split = splitCommandDetailed(raw);
  const match = prefix ? 'prefix' : raw.includes('*') ? 'glob' : 'exact';
  if (split.parts.length === 0) fail('expected a command', column, text);
  if (split.whole && match !== 'exact') {
    fail(
      split.unclosed
        ? 'a wildcard rule cannot hold a command whose shell syntax is not settled'
        : split.parts.length !== 1
          ? 'a wildcard rule cannot hold a compound command'
          : 'a wildcard rule cannot hold a redirection',
      column,
      text,
      split.parts.length !== 1
        ? 'compound commands are checked part by part, so write one rule per command (`Bash(npm test:*)`, `Bash(git push:*)`)'
        : 'a redirection writes a file, checked against Edit rules: write the rule for the command alone (`Bash(npm test:*)`) and an `Edit(…)` rule for the file',
    );
  }
  // A single command is kept in the split form (whitespace collapsed) so it compares with the parts
  // of a call; a whole line is kept as written.
  return { kind: 'bash', tool: 'Bash', command: split.whole ? raw : (split.parts[0] as string), match, whole: split.whole };
}

function parseDomain(spec: string, column: number, text: string): ParsedPattern {
  if (!spec.startsWith('domain:')) {
    fail('expected `domain:`', column, text, 'WebFetch rules look like `WebFetch(domain:example.com)`');
  }
  const value = spec.slice('domain:'.length).trim();
  const valueColumn = column + 'domain:'.length;
  if (value === '') fail('expected a domain after `domain:`', valueColumn, text, 'for example `WebFetch(domain:example.com)`');
  const subdomains = value.startsWith('*.');
  const host = subdomains ? value.slice(2) : value;
  const bad = /[\s/:?#@[\]\\*%]/.exec(host);
  if (bad) {
    fail(
      `unexpected \`${bad[0]}\` in domain`,
      valueColumn + bad.index + (subdomains ? 2 : 0),
      text,
      'write a host name alone (no scheme, port or path), optionally after `*.` for its subdomains',
    );
  }
  let ascii: string;
  try {
    ascii = new URL(`http://${host}/`).hostname;
  } catch {
    ascii = '';
  }
  ascii = ascii.replace(/\.$/, '');
  if (!DOMAIN.test(ascii)) {
    fail(`invalid domain \`${value}\``, valueColumn, text, 'write a host name such as `example.com` or `*.example.com`');
  }
  return { kind: 'domain', tool: 'WebFetch', domain: ascii, subdomains };
}

function parsePath(tool: string, spec: string, column: number, text: string): ParsedPattern {
  const path = spec.trim();
  let anchor: PathAnchor;
  let rest: string;
  if (path.startsWith('//')) [anchor, rest] = ['root', path.slice(2)];
  else if (path === '~' || path.startsWith('~/')) [anchor, rest] = ['home', path.slice(2)];
  else if (path === '.' || path.startsWith('./')) [anchor, rest] = ['cwd', path.slice(2)];
  else if (path.startsWith('/')) [anchor, rest] = ['cwd', path.slice(1)];
  else {
    anchor = 'cwd';
    // gitignore: a pattern with no slash but a trailing one matches at any depth below its base.
    rest = path.replace(/\/+$/, '').includes('/') ? path : `**/${path}`;
  }
  rest = rest
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/');
  const segments = rest === '' ? [] : rest.split('/');
  const dotdot = segments.findIndex((s) => s === '..' || s === '.');
  if (dotdot >= 0) {
    const at = spec.indexOf(segments[dotdot] === '..' ? '..' : '/./');
    fail(
      `unexpected \`${segments[dotdot]}\``,
      column + Math.max(at, 0),
      text,
      'rule paths cannot step up or stay put; write the directory itself, or an absolute `//` path',
    );
  }
  if (rest !== '') compileGlob(rest, column, text);
  return { kind: 'path', tool, path, anchor, glob: rest };
}

/** A glob matcher (see glob.ts: picomatch's language, bounded time), with its errors as RuleSyntaxError. */
export function compileGlob(glob: string, column: number, text: string, nocase = false): (value: string) => boolean {
  try {
    return globMatcher(glob, nocase);
  } catch (error) {
    if (error instanceof GlobSyntaxError) return fail(`unsupported glob \`${glob}\``, column + error.index, text, error.message);
    throw error;
  }
}

/** True when a path glob has no wildcard: the parts before the first one are compared literally. */
export function hasGlobChars(s: string): boolean {
  return GLOB_CHARS.test(s);
}

/** Accepts the actions and the synonyms `approve` (allow) and `review` (ask), any case. */
export function normalizeAction(text: string): RuleAction {
  const t = text.trim().toLowerCase();
  if (t === 'allow' || t === 'approve') return 'allow';
  if (t === 'deny') return 'deny';
  if (t === 'ask' || t === 'review') return 'ask';
  throw new Error(`Unknown rule action \`${text}\`. Use allow (or approve), deny, or ask (or review).`);
}

/**
 * A regular expression written as `/…/flags`, as a linear-time test (regex.ts), or undefined when
 * `text` is a glob. Syntax the linear-time engine cannot run is refused, naming it.
 */
export function parseRegexLiteral(text: string, where: string): ((value: string) => boolean) | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (!m) return undefined;
  try {
    // JavaScript's own parser first, so a typo gets its usual message.
    new RegExp(m[1] as string, (m[2] as string).replace(/[^dgimsuy]/g, ''));
  } catch (error) {
    throw new RuleSyntaxError(
      `${where}: invalid regular expression \`${text}\` (${error instanceof Error ? error.message : String(error)}) at column 1`,
      1,
      text,
      { cause: error },
    );
  }
  try {
    return compileRuleRegex(m[1] as string, m[2] as string);
  } catch (error) {
    if (!(error instanceof RegexSyntaxError)) throw error;
    throw new RuleSyntaxError(`${where}: regular expression \`${text}\` at column 1: ${error.message}`, 1, text, { cause: error });
  }
}

/** Checks everything a stored rule holds. Throws RuleSyntaxError (pattern, globs) or Error (other fields). */
/**
 * validateRule's message for `rule` without its leading "Rule <id>" label (" has no pattern: …",
 * ": unexpected …"), for callers that name the rule their own way; the message whole otherwise.
 */
export function afterRuleLabel(message: string, id: string): { labelled: boolean; rest: string } {
  const own = `Rule ${id}`;
  return message.startsWith(own) ? { labelled: true, rest: message.slice(own.length) } : { labelled: false, rest: message };
}

export function validateRule(rule: Rule): void {
  const id = typeof rule?.id === 'string' && rule.id.trim() !== '' ? rule.id : undefined;
  const label = id === undefined ? 'A rule' : `Rule ${id}`;
  if (id === undefined) throw new Error('A rule has no id: every rule needs a non-empty string id such as `r1`.');
  if (typeof rule.pattern !== 'string') throw new Error(`${label} has no pattern: write one such as \`Bash(npm test:*)\`.`);
  if (rule.action !== 'allow' && rule.action !== 'deny' && rule.action !== 'ask') {
    throw new Error(`${label} has action \`${String(rule.action)}\`; expected allow, deny or ask.`);
  }
  rethrow(label, () => parsePattern(rule.pattern));
  if (rule.priority !== undefined && !Number.isFinite(rule.priority)) {
    throw new Error(`${label} has priority \`${String(rule.priority)}\`; expected a number (lower is checked first, default ${DEFAULT_PRIORITY}).`);
  }
  if (rule.timeoutMs !== undefined && !(Number.isFinite(rule.timeoutMs) && rule.timeoutMs > 0)) {
    throw new Error(`${label} has timeout \`${String(rule.timeoutMs)}\`; expected a positive number of milliseconds.`);
  }
  if (rule.whenAway !== undefined && rule.whenAway !== 'wait' && rule.whenAway !== 'deny') {
    throw new Error(`${label} has whenAway \`${String(rule.whenAway)}\`; expected wait or deny.`);
  }
  if (rule.whenAway !== undefined && rule.action !== 'ask') {
    throw new Error(`${label} has whenAway, which only an ask rule uses (its calls wait for a person); an ${rule.action} rule decides at once.`);
  }
  if (rule.enabled !== undefined && typeof rule.enabled !== 'boolean') throw new Error(`${label}: \`enabled\` must be true or false.`);
  if (rule.createdAt !== undefined && Number.isNaN(Date.parse(rule.createdAt))) {
    throw new Error(`${label} has createdAt \`${rule.createdAt}\`; expected an ISO time such as 2025-01-31T12:00:00Z.`);
  }
  if (rule.message !== undefined && typeof rule.message !== 'string') throw new Error(`${label}: \`message\` must be a string.`);
  if (rule.agent !== undefined) rethrow(label, () => compileValueMatcher(rule.agent as string, 'agent'));
  if (rule.session !== undefined && (typeof rule.session !== 'string' || rule.session === '')) {
    throw new Error(`${label}: \`session\` must be a non-empty session id.`);
  }
  if (rule.cwd !== undefined && (typeof rule.cwd !== 'string' || !rule.cwd.startsWith('/'))) {
    throw new Error(`${label} has cwd \`${String(rule.cwd)}\`; expected an absolute directory such as /home/me/project.`);
  }
  if (rule.expires !== undefined && !(typeof rule.expires === 'number' && Number.isFinite(rule.expires) && rule.expires > 0)) {
    throw new Error(`${label} has expires \`${String(rule.expires)}\`; expected a time in epoch milliseconds.`);
  }
  if (rule.input !== undefined) {
    if (typeof rule.input !== 'object' || rule.input === null) throw new Error(`${label}: \`input\` must map field names to globs.`);
    for (const [field, glob] of Object.entries(rule.input)) {
      if (field.trim() === '') throw new Error(`${label}: an input constraint has an empty field name.`);
      rethrow(label, () => compileValueMatcher(glob, `input \`${field}\``));
    }
  }
}

/** A glob (glob.ts: picomatch's language, dotfiles included) or a `/…/flags` regular expression over a string, both in bounded time. */
export function compileValueMatcher(text: string, where: string): (value: string) => boolean {
  if (typeof text !== 'string' || text === '') {
    throw new RuleSyntaxError(`${where}: expected a glob or a /regex/ at column 1 in \`${String(text)}\``, 1, String(text));
  }
  const re = parseRegexLiteral(text, where);
  if (re) return re;
  try {
    return globMatcher(text);
  } catch (error) {
    if (!(error instanceof GlobSyntaxError)) throw error;
    throw new RuleSyntaxError(`${where}: unsupported glob at column ${error.index + 1} in \`${text}\`: ${error.message}`, error.index + 1, text, {
      cause: error,
    });
  }
}

function rethrow(label: string, f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      throw new RuleSyntaxError(`${label}: ${error.message}`, error.column, error.source, { cause: error });
    }
    throw error;
  }
}
