/** One key's step of the console's state machine: the state it leaves and what it asks the outside to do. */
import type { Grant } from '../core/grant.js';
import type { PermissionUpdate, Verdict } from '../core/types.js';
import type { ConsoleState, World } from './console-state.js';

/** What a key asks the outside to do; the state machine itself does no I/O. */
export type Effect =
  | { kind: 'decide'; id: string; verdict: Verdict; how?: string }
  | { kind: 'decideMany'; ids: readonly string[]; verdict: Verdict }
  /** Save the grant's rule; then, unless from the history, allow call `id` as the person's decision (with `updatedPermissions`). */
  | { kind: 'saveRule'; id: string; grant: Grant; allowCall: boolean; updatedPermissions: PermissionUpdate[] }
  | { kind: 'quit' };

export interface StepContext {
  world: World;
  now: number;
  guardMs: number;
  canEdit: boolean;
  canAlwaysAllow: boolean;
  homeDir?: string | undefined;
  /** Why a typed rule is not a rule (the always-allow prompt stays open then), or undefined. */
  ruleError(text: string): string | undefined;
  /** Calls waiting in the broker right now, filtered or not (quit asks first when any wait). */
  waiting(): number;
}

export interface Step {
  state: ConsoleState;
  effects: Effect[];
  /** The keys after this one in the same read are not applied (they were typed before what this key shows). */
  stop?: boolean;
}

export function note(s: ConsoleState, notice: string): Step {
  return { state: { ...s, notice }, effects: [] };
}
