import { useEffect, useMemo, useState } from 'react';
import type { LogEntry } from '../core/audit.js';
import type { ConsoleSource } from '../core/console-source.js';
import { whereFields } from '../core/grant.js';
import { REPLAY_LIMIT, replayLine, replayRule } from '../core/replay.js';
import type { BrokerSnapshot } from '../core/types.js';
import type { GrantMode } from './grant-keys.js';
import { previewRule, type RulePreview } from './rule-preview.js';

/**
 * While the always-allow chooser is open: what the pattern would match among the calls on screen
 * (`preview`), and what it would have done to the past asks of the audit log (`replay`, read once
 * each time the chooser opens, bounded by REPLAY_LIMIT).
 */
export function useGrantPreview(
  grant: GrantMode | undefined,
  snap: BrokerSnapshot,
  homeDir: string | undefined,
  source: ConsoleSource,
): { preview: RulePreview | undefined; replay: string | undefined } {
  const ruleText = grant?.text;
  const scopeFields = grant === undefined ? undefined : whereFields(grant.where, grant.call);
  const scope = scopeFields?.ok ? scopeFields.fields : undefined;
  const scopeKey = JSON.stringify(scope ?? {});
  const preview = useMemo(
    () => (ruleText !== undefined && homeDir !== undefined ? previewRule(ruleText, homeDir, snap.pending, snap.recent, scope) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ruleText, homeDir, snap.pending, snap.recent, scopeKey],
  );
  // The past asks for the replay line: read once each time the chooser opens (bounded: REPLAY_LIMIT).
  const openedOn = grant?.id;
  const [pastAsks, setPastAsks] = useState<{ id: string; entries: readonly LogEntry[] } | undefined>(undefined);
  useEffect(() => {
    if (openedOn === undefined || source.pastAsks === undefined) return;
    let live = true;
    Promise.resolve()
      .then(() => source.pastAsks!(REPLAY_LIMIT))
      .then(
        (entries) => live && setPastAsks({ id: openedOn, entries }),
        () => live && setPastAsks({ id: openedOn, entries: [] }),
      );
    return () => {
      live = false;
    };
  }, [openedOn, source]);
  const replay = useMemo(() => {
    if (ruleText === undefined || homeDir === undefined || source.pastAsks === undefined) return undefined;
    if (ruleText.trim() === '') return 'Past asks: type a pattern to see what it would have allowed.';
    if (pastAsks === undefined || pastAsks.id !== openedOn) return 'Past asks: reading the audit log…';
    try {
      const r = replayRule({ id: 'candidate', pattern: ruleText.trim(), action: 'allow', ...(scope ?? {}) }, pastAsks.entries, { homeDir });
      // Agent text in it is escaped where it is drawn (the footer's oneLine).
      return r.asks === 0 ? 'No past asks in the audit log to compare with.' : `In the audit log it ${replayLine(r, (t) => t)}.`;
    } catch {
      return 'Past asks: this pattern cannot be checked against them yet (see the line above).';
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ruleText, homeDir, pastAsks, openedOn, scopeKey, source]);
  return { preview, replay };
}
