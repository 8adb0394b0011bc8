/** What the shell parser (`shell.ts`) finds in a command: simple commands, their words and redirections. */

/** One word of a simple command. */
export interface ShellWord {
  /** As written (quotes kept). */
  raw: string;
  /** The value after quote removal; undefined when an expansion (`$x`, `$(…)`, `*`) makes it unknown. */
  value?: string;
  /** An unquoted `~` at its start (the value then starts with `~`). */
  tilde: boolean;
}

export type RedirectKind = 'write' | 'read' | 'dup' | 'heredoc';

export interface ShellRedirect {
  kind: RedirectKind;
  op: string;
  /** The target word (for `write` and `read`). */
  target?: ShellWord;
}

export interface SimpleCommand {
  /** Leading `NAME=value` words. */
  assignments: ShellWord[];
  /** The command name and its arguments. */
  words: ShellWord[];
  redirects: ShellRedirect[];
}

export interface ShellAnalysis {
  commands: SimpleCommand[];
  /** Why what runs cannot be settled, when it cannot; the commands found are still listed. */
  opaque?: string;
  /** Where the top level splits, when asked for (`parseShell(src, { layout: true })`). */
  layout?: ShellLayout;
}

/**
 * A top-level operator (`&&`, `||`, `;`, `|`, `|&`, `&`, a newline) or here-document body, as
 * `[start, end)` offsets into the parsed text. Operators inside quotes, substitutions, subshells,
 * comments and here-documents are not top-level.
 */
export type LayoutMark =
  | { kind: 'op'; start: number; end: number }
  /** A body read after a top-level newline (its end line included); `opener` is the offset of its `<<`. */
  | { kind: 'heredoc'; start: number; end: number; opener: number };

export interface ShellLayout {
  /** In source order. */
  marks: LayoutMark[];
  /** Indices into `commands` of the commands not run from inside a substitution. */
  direct: number[];
}
