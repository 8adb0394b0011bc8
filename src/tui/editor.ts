import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What came back from the editor. Only `edited` leads to a decision. */
export type EditResult =
  { kind: 'edited'; input: Record<string, unknown> } | { kind: 'unchanged' } | { kind: 'cancelled'; reason: string } | { kind: 'invalid'; error: string };

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

/** Lines cco puts above broken JSON to say what is wrong; dropped when the file is read back. */
const NOTE = '// cco: ';

/** The text without cco's note lines at its top. */
function withoutNotes(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith(NOTE)) i++;
  return lines.slice(i).join('\n');
}

/** How often an edit that is not valid JSON reopens before cco gives up (nothing decided). */
export const MAX_EDIT_ROUNDS = 5;

/**
 * Open a tool call's input as pretty JSON in the user's editor and read it back. The file lives
 * in a private folder (0700/0600) and is removed afterwards. Runs the editor through `sh -c` like
 * git does, so `EDITOR="code --wait"` works; the editor gets the terminal (stdio inherited).
 * An emptied file, an editor that fails, and JSON that is not an object never become an allow.
 * Broken JSON reopens the editor with the person's own text and, above it, a `// cco:` line saying
 * what is wrong; saving it unchanged (or MAX_EDIT_ROUNDS rounds) gives up with nothing decided.
 */
export async function editInput(input: Record<string, unknown>, opts: EditorOptions): Promise<EditResult> {
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'cco-edit-'));
  const file = join(dir, 'input.json');
  const editor = editorCommand(opts.env);
  try {
    let text = `${JSON.stringify(input, null, 2)}\n`;
    let problem: string | undefined;
    for (let round = 1; ; round++) {
      const shown = problem
        ? `${NOTE}${problem.replace(/\n/g, ' ')}\n${NOTE}Fix the JSON below and save; save it unchanged to give up (nothing is decided).\n${text}`
        : text;
      await writeFile(file, shown, { mode: 0o600 });
      const code = await runEditor(editor, file, opts.env);
      if (code !== 0) return { kind: 'cancelled', reason: `the editor (${editor}) ended with ${typeof code === 'number' ? `exit code ${code}` : code}` };
      const back = await readFile(file, 'utf8');
      const body = withoutNotes(back);
      if (body.trim() === '') return { kind: 'cancelled', reason: 'the file was emptied' };
      const parsed = parseObject(body);
      if (parsed.ok) {
        if (canonical(parsed.value) === canonical(input)) return { kind: 'unchanged' };
        return { kind: 'edited', input: parsed.value };
      }
      // Saved as it was shown (or too many rounds): the person gave up.
      if ((problem !== undefined && back === shown) || round >= MAX_EDIT_ROUNDS) return { kind: 'invalid', error: parsed.error };
      text = body.endsWith('\n') ? body : `${body}\n`;
      problem = parsed.error;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the edited input is not valid JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'the edited input must be a JSON object, like the original' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (c, sig) => resolve(sig ?? c ?? 1));
  });
}
