import { useEffect } from 'react';
import type { ConsoleSource } from '../core/console-source.js';
import type { Verdict } from '../core/types.js';
import type { EditResult } from './editor.js';

export interface EditSessionDeps {
  source: ConsoleSource;
  onEdit: ((input: Record<string, unknown>) => Promise<EditResult>) | undefined;
  /** Back to the queue, with this notice. */
  finish(notice: string): void;
  send(id: string, verdict: Verdict, how?: string): void;
}

/**
 * While the mode is `editing`, hand the call's input to the editor and act on what comes back:
 * an edited input is allowed (the broker checks it against the deny rules again); anything else
 * decides nothing and says why. Call it after useInput, so that the keyboard is already released.
 */
export function useEditSession(editingId: string | undefined, deps: EditSessionDeps): void {
  useEffect(() => {
    const { source, onEdit, finish, send } = deps;
    if (editingId === undefined || !onEdit) return;
    const call = source.snapshot().pending.find((p) => p.id === editingId);
    if (!call) return finish(`${editingId} ended before the editor opened; nothing was decided.`);
    onEdit(call.call.input).then(
      (r) => {
        if (r.kind === 'edited') {
          finish(`Sending your edit of ${editingId}…`);
          return send(editingId, { behavior: 'allow', updatedInput: r.input }, ' with your edit');
        }
        if (r.kind === 'unchanged') return finish(`The input of ${editingId} is unchanged; nothing was decided (a allows it as it is).`);
        if (r.kind === 'cancelled') return finish(`Edit cancelled (${r.reason}); nothing was decided.`);
        return finish(`Nothing was decided: ${r.error}. e edits again.`);
      },
      (e: unknown) => finish(`The editor could not run (${e instanceof Error ? e.message : String(e)}); nothing was decided.`),
    );
    // One editor per editing session; the deps are setters and a source that do not change meaning.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editingId]);
}
