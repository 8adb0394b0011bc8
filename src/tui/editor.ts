import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What came back from the editor. Only `edited` leads to a decision. */
export type EditResult =
  | { kind: 'edited'; input: Record<string, unknown> }
  | { kind: 'unchanged' }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'invalid'; error: string };

export interface EditorOptions {
  /** The environment to find the editor in (`VISUAL`, then `EDITOR`, else `vi`). */
  env: NodeJS.ProcessEnv;
  /** Where the temporary file goes; default the system's temp folder. */
  tmpDir?: string;
}

/** The editor command the user chose, as git finds it. */
export function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

const canonical = (v: unknown) => JSON.stringify(v);

/**
 * Open a tool call's input as pretty JSON in the user's editor and read it back. The file lives
 * in a private folder (0700/0600) and is removed afterwards. Runs the editor through `sh -c` like
 * git does, so `EDITOR="code --wait"` works; the editor gets the terminal (stdio inherited).
 * An emptied file, an editor that fails, and JSON that is not an object never become an allow.
 */
export async function editInput(input: Record<string, unknown>, opts: EditorOptions): Promise<EditResult> {
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'cco-edit-'));
  const file = join(dir, 'input.json');
  try {
    await writeFile(file, `${JSON.stringify(input, null, 2)}\n`, { mode: 0o600 });
    const editor = editorCommand(opts.env);
    const code = await new Promise<number | string>((resolve) => {
      const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env: opts.env });
      child.once('error', (e) => resolve(e.message));
      child.once('exit', (c, sig) => resolve(sig ?? c ?? 1));
    });
    if (code !== 0) return { kind: 'cancelled', reason: `the editor (${editor}) ended with ${typeof code === 'number' ? `exit code ${code}` : code}` };
    const text = await readFile(file, 'utf8');
    if (text.trim() === '') return { kind: 'cancelled', reason: 'the file was emptied' };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { kind: 'invalid', error: `the edited input is not valid JSON (${(e as Error).message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { kind: 'invalid', error: 'the edited input must be a JSON object, like the original' };
    }
    if (canonical(value) === canonical(input)) return { kind: 'unchanged' };
    return { kind: 'edited', input: value as Record<string, unknown> };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
