/** What a rule does with a call it matches. */
export type RuleAction = 'allow' | 'deny' | 'ask';

/** One rule, as stored. The pattern uses Claude Code's own permission syntax. */
export interface Rule {
  /** Stable id, e.g. `r1`; evaluations name it as `rule:<id>`. */
  id: string;
  /** Claude Code syntax: `Bash`, `Bash(npm test:*)`, `Read(./src/**)`, `WebFetch(domain:github.com)`, `mcp__github__*`, `*`. */
  pattern: string;
  action: RuleAction;
  /** Default 100; lower is checked first. */
  priority?: number;
  /**
   * Glob over the agent's name (or its label `client#sess` when unnamed); `/…/flags` is a
   * regular expression (unanchored; `g` and `y` are ignored), run in linear time (regex.ts). An agent with no name, client or
   * session matches no agent constraint.
   */
  agent?: string;
  /**
   * Input field (dot path allowed: `edits.0.file_path`) → glob over its value (numbers and
   * booleans as text); `/…/flags` is a regular expression. Globs are picomatch's language (glob.ts): `*` stops at
   * `/`, `**` crosses it. A missing field fails the constraint.
   */
  input?: Record<string, string>;
  /** How long a call this rule sends to a person may wait (action `ask` only). */
  timeoutMs?: number;
  /** Action `ask` only: what its calls get while nobody is at a console (overrides the `whenAway` setting). */
  whenAway?: 'wait' | 'deny';
  /** What a deny rule tells the agent. */
  message?: string;
  /** A note for people. */
  name?: string;
  /** Default true; disabled rules are skipped. */
  enabled?: boolean;
  /** ISO time; within one priority and action the older rule wins. */
  createdAt?: string;
  /**
   * Scope: only calls of this session (`sessionKey`: the agent's conversation id, else the MCP
   * session id). A call with no session matches no session-scoped rule.
   */
  session?: string;
  /**
   * Scope: only calls whose agent's working directory is this absolute directory or inside it
   * (normalized paths). A call with no cwd matches no cwd-scoped rule.
   */
  cwd?: string;
  /** Scope: epoch ms after which the rule matches nothing (the engine's clock decides; no clock, no match). */
  expires?: number;
}

export interface EngineOptions {
  /** Absolute home directory, for `~/` patterns. Passed in so the engine never reads the environment. */
  homeDir: string;
  /** What happens when no rule matches. Default `ask`. */
  defaultAction?: RuleAction;
  /**
   * The path as the file system sees it: symlinks of the path and its existing parents resolved
   * (absolute, normalized in, absolute out; the path itself need not exist). Without it paths are
   * matched as written. Deny and ask rules match the written or the resolved path; allow rules
   * only the resolved one, so a symlink inside an allowed folder does not reach outside it.
   */
  realPath?: (path: string) => string;
  /**
   * The clock, epoch ms, for rules with `expires`. Without it such rules match nothing (an expiring
   * rule is never taken for a permanent one).
   */
  now?: () => number;
}

/** The result of evaluating one call: what to do, and which rule (or the default) said so. */
export interface Evaluation {
  action: RuleAction;
  decidedBy: `rule:${string}` | 'default';
  rule?: Rule;
  /** Deny only: what the agent is told. */
  message?: string;
  /** Ask only: the deciding rule's timeout. */
  timeoutMs?: number;
  /** Ask only: the deciding rule's `whenAway`. */
  whenAway?: 'wait' | 'deny';
  /**
   * Why the verdict is stricter than the rule that matched the command: a redirection writes a
   * file no rule allows, or the command's shell syntax is not settled. A sentence for people.
   */
  note?: string;
}

/** Why one rule did or did not match a call. */
export interface RuleTrace {
  rule: Rule;
  matched: boolean;
  skipped?: 'disabled';
  /** A sentence for people: `tool is Bash, rule is for Read`. */
  reason: string;
}

export interface Explanation {
  evaluation: Evaluation;
  /** Rules in evaluation order, up to and including the deciding one (all of them when none matched). */
  trace: RuleTrace[];
  /** For a Bash command: each file it writes and what the rules say about it, as sentences. */
  writes?: string[];
}

/** Where a path pattern is anchored. */
export type PathAnchor = 'root' | 'home' | 'cwd';

/** A parsed rule pattern. */
export type ParsedPattern =
  /** A tool name or a glob over tool names (`Bash`, `mcp__github__get_*`, `*`): every call of those tools. */
  | { kind: 'tool'; tool: string }
  /** `mcp__server`: every tool of that MCP server. */
  | { kind: 'mcp-server'; tool: string; server: string }
  /**
   * `Bash(…)`: `exact` (`npm test`), `prefix` (`npm test:*`, `command` without the `:*`) or `glob`
   * (`git * main`). `whole`: an exact rule naming a compound command, one with redirections or one
   * whose parse is not settled; it is compared with the whole command line as written.
   */
  | { kind: 'bash'; tool: 'Bash'; command: string; match: 'exact' | 'prefix' | 'glob'; whole: boolean }
  /**
   * `Read(./src/**)` and the other file tools. `glob` is relative to the anchor, without a leading
   * slash; `''` is the anchor directory itself. Unanchored gitignore patterns (`*.env`) get `**\/`.
   */
  | { kind: 'path'; tool: string; path: string; anchor: PathAnchor; glob: string }
  /** `WebFetch(domain:…)`: `domain` is lower case without `*.`; `subdomains` for `*.example.com`. */
  | { kind: 'domain'; tool: 'WebFetch'; domain: string; subdomains: boolean };
