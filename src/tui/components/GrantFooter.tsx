import { Text } from 'ink';
import { oneLine } from '../../core/summary.js';
import { GRANT_FOR, scopeLabel, whereFields, writeBackChoices, writeBackLabel } from '../../core/grant.js';
import { GRANT_LABEL, grantHint, grantPrompt, type GrantMode } from '../grant-keys.js';
import { grantHints } from '../keymap.js';
import type { PromptRows } from '../prompt-rows.js';
import type { RulePreview } from '../rule-preview.js';
import { useColor } from '../theme.js';
import { WrappedPrompt } from './PromptLine.js';

export interface GrantFooterProps {
  mode: GrantMode;
  width: number;
  preview?: RulePreview | undefined;
  replay?: string | undefined;
  roomy: boolean;
  prompt?: PromptRows | undefined;
  /** Why the last key did nothing (a refused save): in place of the status line until the next key. */
  notice?: string;
}

/**
 * The always-allow chooser (A): the pattern, wrapped whole; then, where the pane has room, the
 * scope, what the rule matches, what it would have done to past asks, and where the rule lives.
 */
export function GrantFooter({ mode, width, preview, replay, roomy, prompt, notice }: GrantFooterProps) {
  const color = useColor();
  const choices = writeBackChoices(mode.call);
  const choice = choices[mode.writeBack] ?? { kind: 'none' as const };
  const forMs = GRANT_FOR[mode.forIndex];
  const where = whereFields(mode.where, mode.call);
  const told = choice.kind !== 'none';
  const empty = mode.text.trim() === '';
  return (
    <>
      <WrappedPrompt label={GRANT_LABEL} prompt={prompt ?? grantPrompt(mode, width)} hint={grantHint(mode)} />
      {notice || !roomy ? <ShortStatus mode={mode} width={width} preview={preview} notice={notice} /> : null}
      {roomy ? (
        <Text wrap="truncate">
          <Text bold>Scope: </Text>
          <Text color={color('cyan')}>{scopeLabel(mode.where, forMs)}</Text>
          {where.ok ? '' : <Text color={color('red')}>{` (${where.why})`}</Text>}
          <Text dimColor>{`  ${grantHints(choices.length > 1)}`}</Text>
        </Text>
      ) : null}
      {!roomy || notice ? null : mode.locked !== undefined && empty ? (
        <Text color={color('yellow')} wrap="truncate">
          {oneLine(`Type a pattern (${mode.locked}); proposal: ${mode.proposal}`, width)}
        </Text>
      ) : preview === undefined ? (
        <Text> </Text>
      ) : preview.ok ? (
        <Text wrap="truncate">{`Matches ${preview.pending} waiting, ${preview.recent} recent.`}</Text>
      ) : (
        <Text color={color('red')} wrap="truncate">
          {oneLine(preview.error, width)}
        </Text>
      )}
      {roomy ? (
        <Text dimColor wrap="truncate">
          {oneLine(replay ?? 'Past asks: not available in this console.', width)}
        </Text>
      ) : null}
      {!roomy ? null : choices.length > 1 ? (
        <>
          <Text wrap="truncate" {...(told ? { color: color('yellow') } : {})}>
            {oneLine(`Tell Claude: ${writeBackLabel(choice, mode.call, mode.text.trim())}`, width)}
          </Text>
          <Text dimColor wrap="truncate">
            {told
              ? 'Claude then skips cco for the calls it covers: cco neither sees nor audits them.'
              : '↓ also tells Claude; the calls it covers then skip cco (not seen, not audited).'}
          </Text>
        </>
      ) : roomy ? (
        <Text dimColor wrap="truncate">
          The rule lives in cco: every call it allows is still seen and audited.
        </Text>
      ) : null}
    </>
  );
}

/** The one status line: why the last key did nothing, or (a small pane) the scope and what the pattern matches. */
function ShortStatus({ mode, width, preview, notice }: Pick<GrantFooterProps, 'mode' | 'width' | 'preview' | 'notice'>) {
  const color = useColor();
  if (notice) {
    return (
      <Text color={color('yellow')} wrap="truncate">
        {oneLine(notice, width)}
      </Text>
    );
  }
  const typing = mode.locked !== undefined && mode.text.trim() === '';
  const what = typing ? `type a pattern: ${mode.locked}` : preview?.ok ? `matches ${preview.pending} waiting` : (preview?.error ?? '');
  return <Text wrap="truncate">{oneLine(`${scopeLabel(mode.where, GRANT_FOR[mode.forIndex])} · ${what}`, width)}</Text>;
}
