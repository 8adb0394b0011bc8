/** What the agent is known by. Claude Code sends no identity of its own, so every field is optional. */
export interface AgentInfo {
  /** A name given at registration (`/mcp/<name>`, `?agent=`, `X-CCO-Agent`). */
  name?: string;
  /** The MCP session the call arrived on. */
  sessionId?: string;
  /** `clientInfo` from the MCP handshake. */
  client?: { name: string; version?: string };
  /** The agent's working directory, when the client told us (roots, or a hook's `cwd`). */
  cwd?: string;
  /** How the question reached cco. Absent means `mcp` (the permission prompt tool). */
  route?: CallRoute;
  /** The agent's own conversation id, when the route sends one (Claude Code hooks: `session_id`). */
  conversationId?: string;
  /** The agent's permission mode at the time of the call, when the route sends it. */
  permissionMode?: string;
}

/** The routes a permission question can take into cco. */
export type CallRoute = 'mcp' | 'claude-hook' | 'codex-hook';

/**
 * The one key for "this session" of an agent: the agent's own conversation id when the route
 * sends one, else the MCP session the call arrived on. Undefined when neither is known.
 */
export function sessionKey(agent: AgentInfo | undefined): string | undefined {
  return agent?.conversationId ?? agent?.sessionId;
}

/** A tool call an agent wants to make, as sent to `approval_prompt`. */
export interface ToolCall {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
  agent?: AgentInfo;
  /**
   * What the agent's own "always allow" would save for this call, as the route sent it
   * (Claude Code hooks: `permission_suggestions`). Offered to the person; never applied by cco.
   */
  suggestions?: readonly PermissionUpdate[];
}

/** Where Claude Code keeps a permission update. */
export type PermissionDestination = 'session' | 'cliArg' | 'localSettings' | 'projectSettings' | 'userSettings';

/** One entry of Claude Code's `updatedPermissions` (and of a hook's `permission_suggestions`). */
export type PermissionUpdate =
  | {
      type: 'addRules' | 'replaceRules' | 'removeRules';
      rules: { toolName: string; ruleContent?: string }[];
      behavior: 'allow' | 'deny' | 'ask';
      destination: PermissionDestination;
    }
  | { type: 'setMode'; mode: string; destination: PermissionDestination }
  | { type: 'addDirectories' | 'removeDirectories'; directories: string[]; destination: PermissionDestination };

/**
 * Who made a decision. `rule:<id>` names the rule; `default` is the default action;
 * `error` is an internal failure that failed closed; `interrupted` is a call that was still
 * waiting when a previous cco died (written at the next start, from the audit log); `guard` is
 * cco protecting its own files (config, state, audit log, server file), before any rule;
 * `elsewhere` is a call answered outside cco (at the agent's own prompt, or on the agent's other
 * route into cco) while it waited here: nobody denied it, and no answer from cco is sent for it;
 * `away` is a call that needed a person while nobody was at a console, denied at once because
 * `whenAway` (a setting, or the deciding ask rule's) says so.
 */
export type DecidedBy = 'user' | `rule:${string}` | 'timeout' | 'default' | 'shutdown' | 'cancelled' | 'elsewhere' | 'error' | 'interrupted' | 'guard' | 'away';

export type Behavior = 'allow' | 'deny';

/** A decision is data: what, why, who, when. */
export interface Decision {
  behavior: Behavior;
  /** Deny only: always a non-empty string, shown verbatim to the model. */
  message?: string;
  /** Allow only: always present; the original input when the approver did not edit it. */
  updatedInput?: Record<string, unknown>;
  /** Allow only: true when the approver changed the input. */
  edited?: boolean;
  /** Allow only: permission updates the agent should save itself (Claude Code `updatedPermissions`). */
  updatedPermissions?: readonly PermissionUpdate[];
  /** Deny only: stop the agent's whole run, not just this call. */
  interrupt?: boolean;
  /** Allow only, by a person: the rule they saved with it and its scope (`r7 for 1h`). */
  savedRule?: string;
  decidedBy: DecidedBy;
  /** A person's decision: who (a named token's name, or the OS user at this machine). */
  person?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** What a person (or script) says about a pending call. */
export type Verdict = (
  | { behavior: 'allow'; updatedInput?: Record<string, unknown>; updatedPermissions?: readonly PermissionUpdate[]; savedRule?: string }
  | { behavior: 'deny'; message?: string; interrupt?: boolean }
) & {
  /** Who says it (Decision.person). */
  person?: string;
};

/** What the policy (rules) says about a call before anyone sees it. */
export type PolicyVerdict =
  | { action: 'allow'; decidedBy: DecidedBy }
  | { action: 'deny'; decidedBy: DecidedBy; message?: string }
  | { action: 'ask'; decidedBy: DecidedBy; timeoutMs?: number; whenAway?: 'wait' | 'deny' };

/** Decides calls at once where it can. The rules engine implements this. */
export type Policy = (call: ToolCall) => PolicyVerdict;

/** What happens to a call nobody decided in time. Never an allow: cco fails closed. */
export type TimeoutAction = 'deny' | 'interrupt';

export interface PendingCall {
  id: string;
  call: ToolCall;
  /** Epoch ms when the call arrived. */
  receivedAt: number;
  /** Epoch ms when the timeout fires. */
  deadline: number;
}

export interface DecidedCall extends PendingCall {
  decision: Decision;
}

export interface BrokerCounts {
  allowed: number;
  denied: number;
  /** Of the denials, those made because nobody decided in time. */
  timedOut: number;
  /** Calls withdrawn before a decision: the agent went away, or answered them elsewhere. */
  cancelled: number;
}

/** An immutable view of the broker; a new object after every change. */
export interface BrokerSnapshot {
  /** Oldest first. */
  pending: readonly PendingCall[];
  /** Newest first, bounded. */
  recent: readonly DecidedCall[];
  counts: BrokerCounts;
  version: number;
}

/** Events for the audit log and live streams. */
export type BrokerEvent =
  | { type: 'request'; id: string; call: ToolCall; at: number; deadline: number; autoDecided: boolean }
  | { type: 'decision'; id: string; call: ToolCall; decision: Decision; waitMs: number };
